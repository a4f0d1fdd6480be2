// What Redis costs the clustered limiter (issue 19's cost table), in one process and one interleaved run:
//   1. concurrency 64 against a window of 10,000,000 (bench/http-server.ts): calls/s, p50/p99, and Redis round trips
//      per call (INFO commandstats deltas), for local limiting, the shared count, and — when OLD_SRC points at an
//      older checkout's src/index.ts — the limiter before it (Bottleneck's clustering), rounds A B C A B C …
//   2. idle load: 2,000 buckets called once each, then 10 s with no traffic: Redis commands per second, and keys.
// Usage: node bench/redis-cost.ts [OLD_SRC=/path/to/old/src/index.ts] (prints Markdown).
import { Redis } from 'ioredis';
import { freePort, startRedis, stop } from '../test/scheduler/redis-server.ts';
import { median, percentile, sleep, startServer, table } from './lib.ts';

type Create = typeof import('../src/index.ts').createClient;
const current = (await import('../src/index.ts')).createClient;
const old = process.env.OLD_SRC
  ? ((await import(process.env.OLD_SRC)) as { createClient: Create }).createClient
  : undefined;
const CALLS = Number(process.env.CALLS ?? 3000);
const ROUNDS = Number(process.env.ROUNDS ?? 3);
const CONCURRENCY = 64;

const port = await freePort();
const redisServer = await startRedis(port);
const admin = new Redis({ port, host: '127.0.0.1' });
const server = await startServer();

/** Commands Redis ran (those inside scripts included), and EVALSHA/EVAL calls: the round trips. */
async function commands(): Promise<{ total: number; scripts: number }> {
  const stats = await admin.info('stats');
  const total = Number(/total_commands_processed:(\d+)/.exec(stats)?.[1] ?? 0);
  const cmd = await admin.info('commandstats');
  const calls = (name: string) => Number(new RegExp(`cmdstat_${name}:calls=(\\d+)`).exec(cmd)?.[1] ?? 0);
  return { total, scripts: calls('evalsha') + calls('eval') };
}

type Mode = 'local' | 'shared count' | 'Bottleneck clustering';
const modes: Mode[] = ['local', 'shared count', ...(old ? (['Bottleneck clustering'] as const) : [])];
const samples = new Map<Mode, { tp: number[]; lat: number[]; trips: number[]; cmds: number[] }>(
  modes.map((m) => [m, { tp: [], lat: [], trips: [], cmds: [] }]),
);

async function run(mode: Mode, round: number): Promise<void> {
  const create = mode === 'Bottleneck clustering' ? old! : current;
  const redis =
    mode === 'local'
      ? undefined
      : { options: { port, host: '127.0.0.1' }, prefix: `cost-${round}-${Date.now()}` };
  const x = create({
    baseUrl: server.url,
    auth: { bearer: 'bench-redis-cost-token-0123456789' },
    rateLimit: redis ? { redis } : {},
  });
  await x.get('/2/tweets/20'); // connection and bucket made before the clock starts
  const before = await commands();
  const latencies: number[] = [];
  let next = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next++ < CALLS) {
        const begun = performance.now();
        await x.get('/2/tweets/20');
        latencies.push(performance.now() - begun);
      }
    }),
  );
  const elapsed = performance.now() - start;
  const after = await commands();
  await x.close();
  const s = samples.get(mode)!;
  s.tp.push((CALLS / elapsed) * 1000);
  s.lat.push(...latencies);
  s.trips.push((after.scripts - before.scripts) / CALLS);
  s.cmds.push((after.total - before.total - 2) / CALLS); // less the two INFO commands
}

async function idle(
  mode: Mode,
): Promise<{ perSecond: number; scripts: number; keys: number; noTtl: number }> {
  const create = mode === 'Bottleneck clustering' ? old! : current;
  const prefix = `idle-${mode.length}-${Date.now()}`;
  const x = create({
    baseUrl: server.url,
    auth: { bearer: 'bench-redis-cost-token-0123456789' },
    rateLimit: { redis: { options: { port, host: '127.0.0.1' }, prefix }, bucket: (r) => r.url },
  });
  for (let i = 0; i < 2000; i += 50)
    await Promise.all(Array.from({ length: 50 }, (_, j) => x.get(`/2/tweets/${i + j + 1}`)));
  await sleep(1000);
  const before = await commands();
  await sleep(10_000);
  const after = await commands();
  const keys = await admin.keys(`*${prefix}*`);
  let noTtl = 0;
  for (const key of keys) if ((await admin.pttl(key)) < 0) noTtl++;
  await x.close();
  return {
    perSecond: (after.total - before.total - 2) / 10,
    scripts: (after.scripts - before.scripts) / 10,
    keys: keys.length,
    noTtl,
  };
}

try {
  for (let round = 0; round < ROUNDS; round++) for (const mode of modes) await run(mode, round);
  const idles = [];
  for (const mode of modes.filter((m) => m !== 'local')) idles.push({ mode, ...(await idle(mode)) });
  const local = median(samples.get('local')!.tp);
  console.log(
    table(
      [
        'limiter',
        'calls/s',
        '× local',
        'p50 / p99 ms',
        'round trips (EVALSHA) per call',
        'commands per call',
      ],
      modes.map((mode) => {
        const s = samples.get(mode)!;
        return [
          mode,
          median(s.tp).toFixed(0),
          (median(s.tp) / local).toFixed(2),
          `${percentile(s.lat, 50).toFixed(1)} / ${percentile(s.lat, 99).toFixed(1)}`,
          mode === 'local' ? '0' : median(s.trips).toFixed(3),
          mode === 'local' ? '0' : median(s.cmds).toFixed(2),
        ];
      }),
    ),
  );
  console.log('');
  console.log(
    table(
      [
        'limiter',
        'idle EVALSHA/s (2,000 buckets)',
        'idle commands/s',
        'keys after the calls',
        'keys without a TTL',
      ],
      idles.map((r) => [
        r.mode,
        r.scripts.toFixed(1),
        r.perSecond.toFixed(1),
        String(r.keys),
        String(r.noTtl),
      ]),
    ),
  );
  console.log(
    `\n${CALLS} calls per round, ${ROUNDS} interleaved rounds, concurrency ${CONCURRENCY}; medians.`,
  );
} finally {
  admin.disconnect();
  await server.stop();
  await stop(redisServer);
}
