// Buckets over time: a busy bucket is never dropped, ids of every shape share their endpoint's bucket, and
// memory stays bounded whatever the number of distinct paths (issue 13, items 5 and 6).
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { http } from 'msw';
import { describe, expect, it } from 'vitest';
import { respond } from '../../mocks/index.ts';
import type { Classification } from '../../src/classify/classify.ts';
import { createClient } from '../../src/index.ts';
import { endpointTemplate } from '../../src/scheduler/bucket.ts';
import { IDLE_MS } from '../../src/scheduler/buckets.ts';
import { RateLimiter } from '../../src/scheduler/limiter.ts';
import { API, recordRequests, settle, T0, useMockServer } from '../helpers.ts';

const { server, use } = useMockServer();

/** X's 15-minute windows, aligned to T0: `limit` per window, `firstLeft` left in the first. */
function windowedApi(path: string, limit: number, windowMs: number, firstLeft = limit) {
  const used = new Map<number, number>();
  const stats = { 429: 0 };
  use(
    http.get(`${API}${path}`, () => {
      const index = Math.floor((Date.now() - T0) / windowMs);
      const count = (used.get(index) ?? 0) + 1;
      used.set(index, count);
      const remaining = (index === 0 ? firstLeft : limit) - count;
      const headers = {
        'x-rate-limit-limit': String(limit),
        'x-rate-limit-remaining': String(Math.max(0, remaining)),
        'x-rate-limit-reset': String((T0 + (index + 1) * windowMs) / 1000),
      };
      if (remaining < 0) {
        stats[429]++;
        return respond.json({ errors: [{ code: 88, message: 'Rate limit exceeded' }] }, 429, headers);
      }
      return respond.json({ data: { id: '1' } }, 200, headers);
    }),
  );
  return stats;
}

describe('a busy bucket is never dropped (regression: Group deleted it after an hour of fast-path calls)', () => {
  it('one call every 10 s against 900 per 15 minutes (800 left) for 2 hours: no call ever queues', async () => {
    const stats = windowedApi('/2/users/me', 900, 15 * 60_000, 800);
    const seen = recordRequests(server);
    const x = createClient();
    const delays: number[] = [];
    for (let i = 0; i < 720; i++) {
      const start = Date.now();
      const before = seen.length;
      const { error } = await settle(x.get('/2/users/me'), 10_000);
      expect(error).toBeUndefined();
      delays.push(seen[before]!.at - start);
    }
    expect(stats[429]).toBe(0);
    expect(Math.max(...delays)).toBeLessThan(100);
    await x.close();
  });
});

describe('endpoint templates', () => {
  it.each([
    ['/1.1/geo/id/df51dec6f4ee2b2c.json', '/1.1/geo/id/:id.json'],
    ['/1.1/geo/id/deadbeefcafebabe.json', '/1.1/geo/id/:id.json'],
    ['/2/spaces/NEvAXkjlyPdxJ', '/2/spaces/:id'],
    ['/2/spaces/1DXxyRYNejbKM/tweets', '/2/spaces/:id/tweets'],
    ['/1.1/account/verify_credentials.json', '/1.1/account/verify_credentials.json'],
    ['/2/users/123/pinned_tweet', '/2/users/:id/pinned_tweet'],
    ['/2/tweets/search/stream/rules', '/2/tweets/search/stream/rules'],
    ['/2/openapi.json', '/2/openapi.json'],
  ])('%s → %s', (path, template) => expect(endpointTemplate(path)).toBe(template));

  it('hex place ids share one bucket: 10 calls against 5 per 2 s draw no 429', async () => {
    const stats = windowedApi('/1.1/geo/id/:place', 5, 2000);
    const x = createClient();
    const ids = Array.from({ length: 10 }, (_, i) => `df51dec6f4ee2b${(16 + i).toString(16)}`);
    const calls = Promise.all(ids.map((id) => settle(x.get(`/1.1/geo/id/${id}.json`), 0)));
    await settle(Promise.resolve(), 5000);
    const results = await calls;
    expect(results.filter((r) => r.error !== undefined)).toEqual([]);
    expect(stats[429]).toBe(0);
  });
});

describe('memory stays bounded', () => {
  const limiter = (maxBuckets = 5000) =>
    new RateLimiter(
      {
        maxConcurrent: Number.POSITIVE_INFINITY,
        highWater: Number.POSITIVE_INFINITY,
        resetMarginMs: 250,
        redis: undefined,
        onUnavailable: 'local',
        timeoutMs: 2000,
        prefix: 'calmfetch',
        rateLimitBaseDelayMs: 60_000,
        minIntervalMs: () => 0,
        maxBuckets,
      },
      () => {},
    );
  const answer = (rateLimit: Classification['rateLimit']) => async () => ({
    classification: {
      status: 200,
      category: 'ok',
      reason: 'HTTP 200',
      capped: false,
      rateLimit,
    } as Classification,
  });
  const wait = { priority: 5, signal: undefined, maxWaitMs: 900_000, deadlineAt: Number.POSITIVE_INFINITY };

  it('drops a bucket idle for 10 minutes, but never one held until a reset', async () => {
    const x = limiter();
    await x.schedule('a', wait, answer({}));
    await x.schedule('b', wait, answer({ limit: 10, remaining: 0, reset: new Date(T0 + 3_600_000) }));
    expect(x.buckets).toBe(2);
    await settle(Promise.resolve(), IDLE_MS + IDLE_MS / 2);
    expect(x.buckets).toBe(1); // 'b' is held for an hour
    await settle(Promise.resolve(), 3_600_000);
    expect(x.buckets).toBe(0);
    await x.close();
  });

  it('caps the table at maxBuckets, dropping the oldest idle first', async () => {
    const x = limiter(10);
    for (let i = 0; i < 25; i++) await x.schedule(`k${i}`, wait, answer({}));
    expect(x.buckets).toBeLessThanOrEqual(10);
    await x.close();
    expect(x.buckets).toBe(0);
    expect(() => createClient({ rateLimit: { maxBuckets: 0 } })).toThrow(/rateLimit\.maxBuckets/);
  });

  it('100,000 distinct paths: heap growth per path after the cap is a few bytes, and close() frees it', async () => {
    const script = join(import.meta.dirname, '../fixtures/scripts/bucket-memory.ts');
    const { stdout } = await promisify(execFile)(process.execPath, ['--expose-gc', script], {
      env: { ...process.env, PATHS: '100000' },
      timeout: 280_000,
    });
    const result = JSON.parse(stdout.trim().split('\n').at(-1)!) as {
      base: number;
      marks: Record<string, number>;
      closed: number;
      perPath: number;
    };
    // Before: ~5.3 KB a path, forever. Now rateLimit.maxBuckets (5,000) caps the table (~5.7 KB a bucket).
    expect(result.perPath).toBeLessThan(200);
    expect(result.marks['100000']! - result.base).toBeLessThan(40e6);
    expect(result.closed - result.base).toBeLessThan(8e6);
  }, 300_000);
});
