// Clustering, measured: what Redis costs a call, and what it buys when N processes share one window.
//  1. One process, an endpoint far from its limit: calls/s and latency with the limiter in Redis, local, or off
//     (interleaved rounds, medians).
//  2. N = 2, 4, 8 processes sharing one window (30 per 2 s, calmfetch/mocks' windowed API): 429s drawn,
//     elapsed ÷ ideal and the share of each full window used, with Redis and with local limiting only.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { freePort, startRedis, stop } from '../test/scheduler/redis-server.ts';
import { median, percentile, startServer, table } from './lib.ts';

interface WorkerResult {
  ok: number;
  failed: number;
  latencies: number[];
  elapsed: number;
}

const worker = join(import.meta.dirname, 'cluster-worker.ts');

async function runWorkers(n: number, env: Record<string, string>): Promise<WorkerResult[]> {
  const children: ChildProcess[] = [];
  const outputs: Promise<WorkerResult>[] = [];
  for (let i = 0; i < n; i++) {
    const child = spawn(process.execPath, [worker], {
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
  // Let every process load and connect before they start together.
  await new Promise((resolve) => setTimeout(resolve, 1500));
  for (const child of children) child.stdin!.end('go\n');
  return Promise.all(outputs);
}

export interface CostRow {
  readonly mode: string;
  readonly throughput: number;
  readonly p50: number;
  readonly p99: number;
}

export async function redisCost(redisPort: number, rounds = 3): Promise<CostRow[]> {
  const server = await startServer();
  const modes = ['off', 'local', 'redis'] as const;
  const samples = new Map<string, { tp: number[]; lat: number[] }>(
    modes.map((m) => [m, { tp: [], lat: [] }]),
  );
  try {
    for (let round = 0; round < rounds; round++) {
      for (const mode of modes) {
        const [result] = await runWorkers(1, {
          API_URL: server.url,
          REDIS_PORT: String(redisPort),
          PREFIX: `cost-${Date.now()}-${round}`,
          MODE: mode,
          CALLS: '2000',
          CONCURRENCY: '16',
        });
        const s = samples.get(mode)!;
        s.tp.push((result!.ok / result!.elapsed) * 1000);
        s.lat.push(...result!.latencies);
      }
    }
  } finally {
    await server.stop();
  }
  return modes.map((mode) => {
    const s = samples.get(mode)!;
    return { mode, throughput: median(s.tp), p50: percentile(s.lat, 50), p99: percentile(s.lat, 99) };
  });
}

export interface ShareRow {
  readonly processes: number;
  readonly mode: string;
  readonly calls: number;
  readonly ok: number;
  readonly tooMany: number;
  readonly ratio: number;
  readonly minShare: number;
  readonly medianShare: number;
}

const LIMIT = 30;
const WINDOW_MS = 2000;

export async function sharing(redisPort: number, ns = [2, 4, 8]): Promise<ShareRow[]> {
  const rows: ShareRow[] = [];
  for (const n of ns) {
    for (const mode of ['redis', 'local'] as const) {
      const server = await startServer('server.ts', { LIMIT: String(LIMIT), WINDOW_MS: String(WINDOW_MS) });
      try {
        const calls = 120;
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
        // Ideal: every window full, the last one opened at once; the first window opens at the first call.
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

const pct = (x: number) => (Number.isNaN(x) ? '—' : `${Math.round(x * 100)} %`);

export function clusterTables(cost: CostRow[], share: ShareRow[]): string {
  const off = cost.find((c) => c.mode === 'off')!;
  return [
    table(
      ['limiter', 'calls/s (c = 16)', 'p50 ms', 'p99 ms', 'added p50 vs off'],
      cost.map((c) => [
        c.mode === 'off' ? '`rateLimit: false`' : c.mode === 'local' ? 'local (default)' : 'Redis',
        String(Math.round(c.throughput)),
        c.p50.toFixed(2),
        c.p99.toFixed(2),
        `${(c.p50 - off.p50).toFixed(2)} ms`,
      ]),
    ),
    '',
    table(
      ['processes', 'limiter', 'calls ok', '429s', 'elapsed ÷ ideal', 'window used (min / median)'],
      share.map((r) => [
        String(r.processes),
        r.mode === 'redis' ? 'Redis' : 'local only',
        `${r.ok} / ${r.calls}`,
        String(r.tooMany),
        r.ratio.toFixed(2),
        `${pct(r.minShare)} / ${pct(r.medianShare)}`,
      ]),
    ),
  ].join('\n');
}

if (import.meta.main) {
  const port = await freePort();
  const redis = await startRedis(port);
  try {
    const cost = await redisCost(port);
    const share = await sharing(port);
    console.log(clusterTables(cost, share));
  } finally {
    await stop(redis);
  }
}
