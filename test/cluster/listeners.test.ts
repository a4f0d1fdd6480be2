// Issue 19, case 4: a closed client emits nothing after close() and leaves nothing on a connection the user owns.
// On the main of 2026-11-29 every closed Redis-mode client emitted `local-fallback` after close(), and each closed
// client left five listeners on the user's ioredis client: after 20 open/close cycles it carried 20 `ready`,
// 40 `error`, 20 `close` and 20 `end` listeners, and all 20 dead clients reacted when it disconnected.
// In-process (the user's ioredis client is an object here), against a real redis-server and the fake X API.
import type { ChildProcess } from 'node:child_process';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MockServer } from '../../mocks/node.ts';
import { type CalmEvent, createClient } from '../../src/index.ts';
import { freePort, startApi, startRedis, stop, stopAllRedis, until } from './harness.ts';

const EVENTS = ['ready', 'error', 'close', 'end'] as const;
const CYCLES = 20;

let server: MockServer;
let redisPort: number;
let redis: ChildProcess | undefined;

beforeAll(async () => {
  ({ server } = await startApi(100_000, 60_000));
}, 20_000);
afterAll(async () => {
  await server?.close();
  await stopAllRedis();
});

/** A client whose limiter lives in Redis, recording its events, and whether each came after close() began. */
function recorded(redisOption: object, prefix: string) {
  const log: { event: CalmEvent; afterClose: boolean }[] = [];
  let closing = false;
  const x = createClient({
    baseUrl: server.url,
    auth: { bearer: 'cluster-listener-token-0123456789' },
    rateLimit: { redis: { ...redisOption, prefix, timeoutMs: 500 } },
    hooks: { onEvent: (event) => log.push({ event, afterClose: closing }) },
  });
  return {
    x,
    log,
    close: () => {
      closing = true;
      return x.close();
    },
    afterClose: () => log.filter((l) => l.afterClose).map((l) => l.event),
  };
}

const fallback = (log: { event: CalmEvent }[]) =>
  log.some((l) => l.event.type === 'limiter' && l.event.action === 'local-fallback');

describe('a closed client is gone (issue 19, case 4)', () => {
  it(`${CYCLES} open/close cycles on the user's ioredis client: its listeners back to the baseline, and none of the closed clients reacts when it disconnects`, async () => {
    redisPort = await freePort();
    redis = await startRedis(redisPort);
    const user = new Redis({ port: redisPort, host: '127.0.0.1', retryStrategy: () => 100 });
    user.on('error', () => {});
    await user.ping();
    const baseline = Object.fromEntries(EVENTS.map((e) => [e, user.listenerCount(e)]));

    const closed: ReturnType<typeof recorded>[] = [];
    for (let i = 0; i < CYCLES; i++) {
      const c = recorded({ client: user }, `listeners-${Date.now()}`);
      await c.x.get('/2/tweets/20');
      await c.close();
      closed.push(c);
    }
    // Soft: on failure the test goes on to show whether the dead clients also react.
    expect.soft(Object.fromEntries(EVENTS.map((e) => [e, user.listenerCount(e)]))).toEqual(baseline);
    expect(user.status).toBe('ready');

    // A live client on the same connection: when it hears the outage, so would any closed client still listening.
    const live = recorded({ client: user }, `listeners-live-${Date.now()}`);
    await live.x.get('/2/tweets/20');
    await stop(redis);
    redis = undefined;
    expect(await until(() => fallback(live.log), 10_000)).toBe(true);
    expect(closed.flatMap((c) => c.afterClose())).toEqual([]);
    await live.close();
    user.disconnect();
  }, 60_000);

  it('a client that opened its own connection emits nothing after close(), even when Redis then goes away', async () => {
    redisPort = await freePort();
    redis = await startRedis(redisPort);
    const options = { options: { port: redisPort, host: '127.0.0.1' } };
    const closed: ReturnType<typeof recorded>[] = [];
    for (let i = 0; i < 5; i++) {
      const c = recorded(options, `own-${Date.now()}-${i}`);
      await c.x.get('/2/tweets/20');
      await c.close();
      closed.push(c);
    }
    const live = recorded(options, `own-live-${Date.now()}`);
    await live.x.get('/2/tweets/20');
    await stop(redis);
    redis = undefined;
    expect(await until(() => fallback(live.log), 10_000)).toBe(true);
    expect(closed.flatMap((c) => c.afterClose())).toEqual([]);
    await live.close();
  }, 60_000);
});
