// Issue 19, case 1: close() with calls waiting in the Redis-backed limiter. On the main of 2026-11-29 close() never
// resolved (the stopped limiter handed its rejected jobs back to itself), the process spun at ~105 % CPU and grew
// ~70–100 MB every 2 s. A real redis-server, one forked replica, the fake X API on loopback.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { MockServer, MockXApi } from '../../mocks/node.ts';
import {
  type Done,
  describeReplicas,
  exitsWithin,
  freePort,
  killReplicas,
  startApi,
  startRedis,
  startReplicas,
  stopAllRedis,
  until,
} from './harness.ts';

let redisPort: number;
let api: MockXApi;
let server: MockServer;

beforeAll(async () => {
  redisPort = await freePort();
  await startRedis(redisPort);
  // 3 calls per minute: after three, every call waits in the limiter for the reset.
  ({ api, server } = await startApi(3, 60_000));
}, 20_000);
afterEach(killReplicas);
afterAll(async () => {
  await server?.close();
  await stopAllRedis();
});

describe('close() with calls waiting in the Redis-backed limiter (issue 19, case 1)', () => {
  it('resolves promptly, settles every waiting call with the closed error, and the process exits', async () => {
    const [replica] = await startReplicas(1, {
      SCENARIO: 'queue',
      API_URL: server.url,
      REDIS_PORT: String(redisPort),
      PREFIX: `close-${Date.now()}`,
      PRIME: '3',
      WAITING: '10',
      EXPECT_SETTLED: '13',
    });
    replica!.send('go');
    expect(
      await until(() => replica!.last('closing') !== undefined, 15_000),
      describeReplicas([replica!]),
    ).toBe(true);
    // The calls really waited in the limiter: 3 served, 10 queued, none sent beyond the quota.
    expect(replica!.last('closing')).toMatchObject({ settled: 3, queued: 10 });
    expect(api.stats.byStatus).toEqual({ 200: 3 });

    // close() resolves within 2 s of being called (the replica reports `done` after it resolved).
    const done = (await until(() => replica!.last('done') !== undefined, 5000))
      ? replica!.last('done')
      : undefined;
    expect(done, `close() did not resolve within 5 s:\n${describeReplicas([replica!])}`).toBeDefined();
    const { closeMs, settled, outcomes, afterClose } = done as Done;
    expect(closeMs).toBeLessThan(2000);
    // Every waiting call settled with the closed error; the three served calls succeeded.
    expect(settled).toBe(13);
    const closed = Object.entries(outcomes).filter(([key]) =>
      /^PermanentError: .*the client was closed/.test(key),
    );
    expect(
      closed.reduce((sum, [, n]) => sum + n, 0),
      JSON.stringify(outcomes),
    ).toBe(10);
    expect(outcomes.ok).toBe(3);
    expect(afterClose).toEqual([]);
    // And the process ends on its own.
    expect(await exitsWithin(replica!, 5000), describeReplicas([replica!])).toBe(true);
    expect(replica!.exitCode).toBe(0);
  }, 40_000);
});
