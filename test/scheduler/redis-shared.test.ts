// The shared count's script (src/scheduler/shared.ts) against a real redis-server: what each operation does to a
// bucket's window, and that its key dies with the window.
import type { ChildProcess } from 'node:child_process';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openRedisStore } from '../../src/scheduler/connection.ts';
import type { RedisClientLike } from '../../src/scheduler/redis.ts';
import { PROBE_TTL_MS, redisKey, SharedCount, WINDOW_TTL_MS } from '../../src/scheduler/shared.ts';
import { freePort, startRedis, stop } from './redis-server.ts';

let server: ChildProcess;
let client: Redis;
let a: SharedCount;
let b: SharedCount;
let n = 0;
const key = () => redisKey(`shared-${Date.now()}`, `GET /2/tweets/:id ${++n}`);

beforeAll(async () => {
  const port = await freePort();
  server = await startRedis(port);
  client = new Redis({ port, host: '127.0.0.1' });
  const store = await openRedisStore({ client: client as unknown as RedisClientLike }, () => {});
  await store.ready(1000);
  a = new SharedCount(store, 'a');
  b = new SharedCount(store, 'b');
}, 20_000);
afterAll(async () => {
  client?.disconnect();
  if (server) await stop(server);
});

describe('the shared count (real redis-server)', () => {
  it('keys are the prefix and a hash of the bucket: nothing of the bucket string itself', () => {
    const k = redisKey('calmfetch', 'GET /2/users/:id secret-looking-bucket');
    expect(k).toMatch(/^calmfetch:[0-9a-f]{16}$/);
  });

  it('no window yet: one probe is granted, everyone else waits for its answer, which sets the count', async () => {
    const k = key();
    expect(await a.take(k, 5, 1, 0, '', 0)).toMatchObject({ granted: 1, remaining: 0, probing: true });
    expect(await b.take(k, 5, 1, 0, '', 0)).toMatchObject({ granted: 0, probing: true, processes: 2 });
    expect(await client.pttl(k)).toBeLessThanOrEqual(PROBE_TTL_MS);
    const reset = Date.now() + 60_000;
    await a.learn(k, reset, 30, 0, reset + 250);
    expect(await b.take(k, 5, 1, 0, '', 0)).toMatchObject({
      granted: 5,
      remaining: 25,
      reset,
      probing: false,
    });
    // The key dies with its window (reset + margin).
    const ttl = await client.pttl(k);
    expect(ttl).toBeGreaterThan(59_000);
    expect(ttl).toBeLessThanOrEqual(60_250);
  });

  it('a window opened from its known limit; answers lower the count, never raise it', async () => {
    const k = key();
    expect(await a.take(k, 10, 40, 0, '', 0)).toMatchObject({ granted: 10, remaining: 30, reset: 0 });
    expect(await client.pttl(k)).toBeLessThanOrEqual(WINDOW_TTL_MS);
    const reset = Date.now() + 60_000;
    await b.learn(k, reset, 35, 0, reset + 250); // X has not seen a's ten yet: no raise
    expect((await a.take(k, 1, 40, 0, '', 0)).remaining).toBe(29);
    await b.learn(k, reset, 12, 0, reset + 250); // another app spent some: lowered
    expect((await a.take(k, 1, 40, 0, '', 0)).remaining).toBe(11);
    await b.learn(k, reset - 60_000, 0, 0, reset); // an older window, answering late: ignored
    expect((await a.take(k, 1, 40, 0, '', 0)).remaining).toBe(10);
  });

  it('a hold: nothing before it ends, then one probe', async () => {
    const k = key();
    await a.take(k, 1, 40, 0, '', 0);
    const until = Date.now() + 300;
    await a.hold(k, until);
    expect(await b.take(k, 5, 40, 0, '', 0)).toMatchObject({ granted: 0, holdUntil: until });
    await new Promise((resolve) => setTimeout(resolve, 320));
    expect(await b.take(k, 5, 40, 0, '', 0)).toMatchObject({ granted: 1, probing: true });
  });

  it('units go back only into the window they came from; a debit is taken off only that window', async () => {
    const k = key();
    const first = await a.take(k, 10, 40, 0, '', 0);
    await a.give(k, first.id, 4);
    expect((await b.take(k, 0, 40, 0, '', 0)).remaining).toBe(34);
    await a.give(k, 'another-window', 4);
    expect((await b.take(k, 0, 40, 0, '', 0)).remaining).toBe(34);
    expect((await b.take(k, 0, 40, 3, first.id, 0)).remaining).toBe(31);
    expect((await b.take(k, 0, 40, 3, 'another-window', 0)).remaining).toBe(31);
  });

  it('a spaced bucket gets one unit at a time, the next not before the spacing', async () => {
    const k = key();
    const first = await a.take(k, 5, 40, 0, '', 1000);
    expect(first.granted).toBe(1);
    expect(first.holdUntil).toBeGreaterThan(Date.now() + 900);
    expect(await b.take(k, 5, 40, 0, '', 1000)).toMatchObject({ granted: 0, holdUntil: first.holdUntil });
  });

  it('an endpoint without a window: every process stops counting it', async () => {
    const k = key();
    await a.take(k, 1, 1, 0, '', 0);
    await a.unlimited(k);
    expect((await b.take(k, 5, 1, 0, '', 0)).granted).toBe(-1);
  });
});
