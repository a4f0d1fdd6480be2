// Issue 19, case 3: after close() the process exits when Redis went down mid-run, and when it was never up. On the
// main of 2026-11-29 neither process exited (3 of 3 each): two ioredis reconnect timers stayed alive, and quit()
// was refused while the socket could not be written, so the connection calmfetch opened was never closed.
import type { ChildProcess } from 'node:child_process';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { MockServer } from '../../mocks/node.ts';
import {
  type Done,
  describeReplicas,
  exitsWithin,
  freePort,
  killReplicas,
  startApi,
  startRedis,
  startReplicas,
  stop,
  until,
} from './harness.ts';

let server: MockServer;
let redis: ChildProcess | undefined;

beforeAll(async () => {
  // A quota far from spent: nothing waits for a window here.
  ({ server } = await startApi(100_000, 60_000));
}, 20_000);
afterEach(async () => {
  await killReplicas();
  if (redis) await stop(redis);
  redis = undefined;
});
afterAll(async () => {
  await server?.close();
});

/** Waits for the replica's `done` (sent once close() resolved), then for the process to end on its own. */
async function closesAndExits(replica: Awaited<ReturnType<typeof startReplicas>>[number], calls: number) {
  expect(await until(() => replica.last('done') !== undefined, 15_000), describeReplicas([replica])).toBe(
    true,
  );
  const done = replica.last('done') as Done;
  expect(done.outcomes).toEqual({ ok: calls });
  expect(done.closeMs).toBeLessThan(2000);
  // No handle left: the IPC channel is gone, so only what calmfetch left behind could keep the process up.
  expect(
    await exitsWithin(replica, 5000),
    `still running 5 s after close():\n${describeReplicas([replica])}`,
  ).toBe(true);
  expect(replica.exitCode).toBe(0);
}

describe('after close() the process exits (issue 19, case 3)', () => {
  it('when Redis went down mid-run (SIGKILL), with calls made on the local fallback after it', async () => {
    const port = await freePort();
    redis = await startRedis(port);
    const [replica] = await startReplicas(1, {
      SCENARIO: 'lanes',
      WAIT_FOR: 'killed',
      API_URL: server.url,
      REDIS_PORT: String(port),
      PREFIX: `exit-${Date.now()}`,
      CALLS: '10',
      CONCURRENCY: '2',
    });
    replica!.send('go');
    expect(
      await until(() => replica!.last('waiting') !== undefined, 15_000),
      describeReplicas([replica!]),
    ).toBe(true);
    await stop(redis);
    replica!.send('killed');
    await closesAndExits(replica!, 30);
    const { limiterEvents } = replica!.last('done') as Done;
    expect(limiterEvents.map((e) => e.action)).toContain('local-fallback');
  }, 40_000);

  it('when Redis was never up (nothing listens on its port)', async () => {
    const [replica] = await startReplicas(1, {
      SCENARIO: 'lanes',
      API_URL: server.url,
      REDIS_PORT: String(await freePort()),
      PREFIX: `never-${Date.now()}`,
      CALLS: '10',
      CONCURRENCY: '2',
    });
    replica!.send('go');
    await closesAndExits(replica!, 10);
  }, 40_000);
});
