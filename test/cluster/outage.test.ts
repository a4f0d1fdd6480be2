// Issue 19, cases 2 and 5: four replicas share one window (40 calls per 4 s, aligned) through Redis; redis-server
// is SIGKILLed halfway through 200 calls and restarted 5 s later. On the main of 2026-11-29: 9–11 calls per run
// never settled (they waited in the local fallback limiter, whose refills stopped when Redis came back), and the
// outage drew 47 (46–48) 429s because each replica fell back to the whole remaining window as if alone.
// One run serves both tests (it takes ~30 s of real time); each asserts its own case.
import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MockServer, MockXApi } from '../../mocks/node.ts';
import {
  type Done,
  describeReplicas,
  exitsWithin,
  freePort,
  killReplicas,
  type Replica,
  startApi,
  startRedis,
  startReplicas,
  stop,
  stopAllRedis,
  tooMany,
  until,
} from './harness.ts';

const N = 4;
const CALLS = 200;
const LIMIT = 40;
const WINDOW_MS = 4000;
const OUTAGE_MS = 5000;
/** Ideal: 200 / 40 × 4 s = 20 s (the outage runs on the local fallback); a call not settled by 45 s hangs. */
const SETTLE_DEADLINE_MS = 45_000;

let redisPort: number;
let redis: ChildProcess;
let api: MockXApi;
let server: MockServer;
let replicas: Replica[] = [];
const run = {
  killedAt: 0,
  restartedAt: 0,
  tooManyBeforeKill: 0,
  tooManyDuringOutage: 0,
  tooManyAfterKill: 0,
  allSettled: false,
  settledMs: 0,
};

beforeAll(async () => {
  redisPort = await freePort();
  redis = await startRedis(redisPort);
  ({ api, server } = await startApi(LIMIT, WINDOW_MS));
  replicas = await startReplicas(N, {
    SCENARIO: 'lanes',
    API_URL: server.url,
    REDIS_PORT: String(redisPort),
    PREFIX: `outage-${Date.now()}`,
    CALLS: String(CALLS / N),
    CONCURRENCY: '4',
  });
  const settled = () => replicas.reduce((sum, r) => sum + r.settled, 0);
  const start = Date.now();
  for (const replica of replicas) replica.send('go');
  // Halfway: SIGKILL redis-server; 5 s later, start it again on the same port (empty: no persistence).
  await until(() => settled() >= CALLS / 2, SETTLE_DEADLINE_MS);
  run.tooManyBeforeKill = tooMany(api);
  await stop(redis);
  run.killedAt = Date.now();
  await new Promise((resolve) => setTimeout(resolve, OUTAGE_MS));
  run.tooManyDuringOutage = tooMany(api) - run.tooManyBeforeKill;
  redis = await startRedis(redisPort);
  run.restartedAt = Date.now();
  run.allSettled = await until(
    () => replicas.every((r) => r.last('done') !== undefined),
    SETTLE_DEADLINE_MS - (Date.now() - start),
  );
  run.settledMs = Date.now() - start;
  run.tooManyAfterKill = tooMany(api) - run.tooManyBeforeKill;
}, 120_000);

afterAll(async () => {
  await killReplicas();
  await server?.close();
  await stopAllRedis();
});

describe('Redis SIGKILLed halfway through 200 calls at N = 4 and restarted 5 s later (issue 19)', () => {
  it('case 2: every call settles, none hangs, and every replica exits after close()', async () => {
    const report = `${JSON.stringify(run)}\n${describeReplicas(replicas)}`;
    // Settled calls per replica, from their own counts: 50 each, nothing left waiting.
    expect(
      replicas.map((r) => r.settled),
      report,
    ).toEqual(Array(N).fill(CALLS / N));
    expect(run.allSettled, report).toBe(true);
    const done = replicas.map((r) => r.last('done') as Done);
    // None lost: every call succeeded (the default retry.maxWaitMs, 15 min, is far beyond the run).
    expect(
      done.map((d) => d.outcomes),
      report,
    ).toEqual(Array(N).fill({ ok: CALLS / N }));
    for (const d of done) expect(d.closeMs, report).toBeLessThan(2000);
    for (const replica of replicas) expect(await exitsWithin(replica, 5000), report).toBe(true);
  });

  it('case 5: the outage draws at most 10 429s across the four replicas', () => {
    // Before the kill the shared count held (0 429s in 9 of 9 runs on main). What the outage costs is counted from
    // the kill to the end of the run: the fallback while Redis is gone and the return to the shared count after.
    // Measured on main: 47 (46–48). A fallback to a share of what was known stays well under that.
    const report = JSON.stringify({ ...run, byStatus: api.stats.byStatus });
    expect(run.tooManyBeforeKill, report).toBe(0);
    expect(run.tooManyAfterKill, report).toBeLessThanOrEqual(10);
  });
});
