// The runs behind `npm run bench:cluster` (bench/cluster.ts): each starts its own processes and servers and returns
// plain figures. Every server and replica is a separate Node process on loopback; Redis is a real redis-server.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { createClient } from '../src/index.ts';
import { killReplicas, type Replica, startReplicas } from '../test/cluster/harness.ts';
import { startRedis, stop, until } from '../test/cluster/redis.ts';
import { median, percentile, sleep, startServer } from './lib.ts';

interface WorkerResult {
  ok: number;
  failed: number;
  latencies: number[];
  elapsed: number;
}

/** Runs `n` bench/cluster-worker.ts processes, started together once all have loaded. */
async function runWorkers(n: number, env: Record<string, string>): Promise<WorkerResult[]> {
  const children: ChildProcess[] = [];
  const outputs: Promise<WorkerResult>[] = [];
  for (let i = 0; i < n; i++) {
    const child = spawn(process.execPath, [join(import.meta.dirname, 'cluster-worker.ts')], {
      env: { ...process.env, ...env, GO: '1' },
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    children.push(child);
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    outputs.push(once(child, 'exit').then(() => JSON.parse(out.trim().split('\n').at(-1)!) as WorkerResult));
  }
  await sleep(1500);
  for (const child of children) child.stdin!.end('go\n');
  return Promise.all(outputs);
}

/** Redis's own count of the commands it ran, by name (INFO commandstats; commands inside scripts included). */
export async function commandStats(admin: Redis): Promise<Map<string, number>> {
  const text = (await admin.info('commandstats')) as string;
  const counts = new Map<string, number>();
  for (const [, name, calls] of text.matchAll(/^cmdstat_([\w|]+):calls=(\d+)/gm))
    counts.set(name!, Number(calls));
  return counts;
}

/** Commands run between two snapshots: all (but INFO itself), and EVALSHA/EVAL (round trips into scripts). */
export function commandDelta(before: Map<string, number>, after: Map<string, number>) {
  let all = 0;
  let scripts = 0;
  for (const [name, calls] of after) {
    if (name === 'info') continue;
    const delta = calls - (before.get(name) ?? 0);
    all += delta;
    if (name === 'evalsha' || name === 'eval') scripts += delta;
  }
  return { all, scripts };
}

export interface CostRow {
  readonly mode: 'off' | 'local' | 'redis';
  readonly throughput: number;
  readonly p50: number;
  readonly p99: number;
  /** Per call, Redis mode only: EVALSHA round trips, and every command Redis ran (inside scripts too). */
  readonly scriptsPerCall?: number;
  readonly commandsPerCall?: number;
}

/** One process, CONCURRENCY 64, a window of 10,000,000 (bench/http-server.ts): rounds interleaved off/local/Redis. */
export async function cost(redisPort: number, rounds = 3, calls = 4000): Promise<CostRow[]> {
  const server = await startServer();
  const admin = new Redis({ port: redisPort, host: '127.0.0.1' });
  const modes = ['off', 'local', 'redis'] as const;
  const samples = new Map(
    modes.map((m) => [
      m,
      { tp: [] as number[], lat: [] as number[], cmd: [] as number[], eval: [] as number[] },
    ]),
  );
  try {
    for (let round = 0; round < rounds; round++) {
      for (const mode of modes) {
        const before = await commandStats(admin);
        const [result] = await runWorkers(1, {
          API_URL: server.url,
          REDIS_PORT: String(redisPort),
          PREFIX: `cost-${Date.now()}-${round}`,
          MODE: mode,
          CALLS: String(calls),
          CONCURRENCY: '64',
        });
        const delta = commandDelta(before, await commandStats(admin));
        const s = samples.get(mode)!;
        s.tp.push((result!.ok / result!.elapsed) * 1000);
        s.lat.push(...result!.latencies);
        s.cmd.push(delta.all / result!.ok);
        s.eval.push(delta.scripts / result!.ok);
      }
    }
  } finally {
    admin.disconnect();
    await server.stop();
  }
  return modes.map((mode) => {
    const s = samples.get(mode)!;
    return {
      mode,
      throughput: median(s.tp),
      p50: percentile(s.lat, 50),
      p99: percentile(s.lat, 99),
      ...(mode === 'redis' && { scriptsPerCall: median(s.eval), commandsPerCall: median(s.cmd) }),
    };
  });
}

export interface IdleResult {
  readonly buckets: number;
  readonly idleSeconds: number;
  readonly commandsPerSecond: number;
  readonly scriptsPerSecond: number;
  readonly keys: number;
  readonly keysWithoutTtl: number;
  readonly longestTtlS: number;
}

/**
 * 2,000 buckets (one bearer token each, one call each, windows of 4 s), then nothing: Redis commands per second over
 * 10 s of idling (past every window), then close() and the keys left under the prefix with their TTLs.
 */
export async function idle(redisPort: number, buckets = 2000, idleMs = 10_000): Promise<IdleResult> {
  const server = await startServer('server.ts', { LIMIT: '1000', WINDOW_MS: '4000' });
  const admin = new Redis({ port: redisPort, host: '127.0.0.1' });
  const prefix = `idle-${Date.now()}`;
  const tokens = Array.from({ length: buckets }, (_, i) => `bench-idle-token-${String(i).padStart(6, '0')}`);
  try {
    // One token per call: each call's credential hash is a bucket of its own (per-user tokens).
    let issued = 0;
    const x = createClient({
      baseUrl: server.url,
      auth: { bearer: () => tokens[issued++ % buckets]! },
      rateLimit: { redis: { options: { port: redisPort, host: '127.0.0.1' }, prefix } },
    });
    let next = 0;
    await Promise.all(
      Array.from({ length: 64 }, async () => {
        while (next++ < buckets) await x.get('/2/tweets/20');
      }),
    );
    await sleep(1000);
    const before = await commandStats(admin);
    await sleep(idleMs);
    const delta = commandDelta(before, await commandStats(admin));
    await x.close();
    const keys = await admin.keys(`*${prefix}*`);
    const ttls = keys.length ? await Promise.all(keys.map((k) => admin.pttl(k))) : [];
    return {
      buckets,
      idleSeconds: idleMs / 1000,
      commandsPerSecond: delta.all / (idleMs / 1000),
      scriptsPerSecond: delta.scripts / (idleMs / 1000),
      keys: keys.length,
      keysWithoutTtl: ttls.filter((t) => t === -1).length,
      longestTtlS: ttls.length ? Math.max(...ttls) / 1000 : 0,
    };
  } finally {
    admin.disconnect();
    await server.stop();
  }
}

export const LIMIT = 40;
export const WINDOW_MS = 4000;

export interface ShareRow {
  readonly processes: number;
  readonly mode: 'redis' | 'local';
  readonly calls: number;
  readonly ok: number;
  readonly tooMany: number;
  readonly ratio: number;
  readonly minShare: number;
  readonly medianShare: number;
}

/** N processes share one window (40 per 4 s, aligned): with Redis, and with local limiting only. */
export async function sharing(redisPort: number, ns = [2, 4, 8], calls = 160): Promise<ShareRow[]> {
  const rows: ShareRow[] = [];
  for (const n of ns) {
    for (const mode of ['redis', 'local'] as const) {
      const server = await startServer('server.ts', { LIMIT: String(LIMIT), WINDOW_MS: String(WINDOW_MS) });
      try {
        const perProcess = Math.ceil(calls / n);
        const results = await runWorkers(n, {
          API_URL: server.url,
          REDIS_PORT: String(redisPort),
          PREFIX: `share-${n}-${Date.now()}`,
          MODE: mode,
          CALLS: String(perProcess),
          CONCURRENCY: '4',
        });
        const elapsed = Math.max(...results.map((r) => r.elapsed));
        const stats = await server.stats<{
          byStatus: Record<string, number>;
          windows: { served: number; limit: number }[];
        }>();
        const full = stats.windows.slice(0, -1).map((w) => w.served / w.limit);
        const total = perProcess * n;
        // Ideal: every window full, the last one opened at once.
        const ideal = (Math.ceil(total / LIMIT) - 1) * WINDOW_MS;
        rows.push({
          processes: n,
          mode,
          calls: total,
          ok: results.reduce((a, r) => a + r.ok, 0),
          tooMany: stats.byStatus['429'] ?? 0,
          ratio: ideal > 0 ? elapsed / ideal : Number.NaN,
          minShare: full.length ? Math.min(...full) : Number.NaN,
          medianShare: full.length ? median(full) : Number.NaN,
        });
      } finally {
        await server.stop();
      }
    }
  }
  return rows;
}

export interface OutageResult {
  readonly processes: number;
  readonly calls: number;
  readonly settled: number;
  readonly ok: number;
  readonly tooManyBefore: number;
  readonly tooManyDuring: number;
  readonly tooManyAfter: number;
  readonly exited: number;
  readonly elapsedS: number;
}

/**
 * The outage run (issue 19): N = 4 replicas, 200 calls, 40 per 4 s; redis-server SIGKILLed once half the calls
 * settled and restarted 5 s later. A call not settled 60 s after the start counts as hung; the replicas that
 * closed must exit within 5 s.
 */
export async function outage(redisPort: number, redis: ChildProcess, n = 4, calls = 200, outageMs = 5000) {
  const server = await startServer('server.ts', { LIMIT: String(LIMIT), WINDOW_MS: String(WINDOW_MS) });
  const tooMany = async () =>
    (await server.stats<{ byStatus: Record<string, number> }>()).byStatus['429'] ?? 0;
  let replicas: Replica[] = [];
  try {
    replicas = await startReplicas(n, {
      SCENARIO: 'lanes',
      API_URL: server.url,
      REDIS_PORT: String(redisPort),
      PREFIX: `outage-${Date.now()}`,
      CALLS: String(calls / n),
      CONCURRENCY: '4',
    });
    const settled = () => replicas.reduce((sum, r) => sum + r.settled, 0);
    const start = Date.now();
    for (const r of replicas) r.send('go');
    await until(() => settled() >= calls / 2, 60_000);
    const before = await tooMany();
    await stop(redis);
    await sleep(outageMs);
    const during = (await tooMany()) - before;
    const restarted = await startRedis(redisPort);
    await until(() => replicas.every((r) => r.last('done')), 60_000 - (Date.now() - start));
    const elapsedS = (Date.now() - start) / 1000;
    await until(() => replicas.every((r) => !r.last('done') || r.exitCode !== undefined), 5000);
    const result: OutageResult = {
      processes: n,
      calls,
      settled: settled(),
      ok: replicas.reduce((sum, r) => sum + r.ok, 0),
      tooManyBefore: before,
      tooManyDuring: during,
      tooManyAfter: (await tooMany()) - before - during,
      exited: replicas.filter((r) => r.exitCode === 0).length,
      elapsedS,
    };
    return { result, redis: restarted };
  } finally {
    await killReplicas();
    await server.stop();
  }
}
