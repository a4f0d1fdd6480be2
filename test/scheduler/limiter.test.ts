import { delay, http } from 'msw';
import { describe, expect, it } from 'vitest';
import { createMockXApi, rateLimitHeaders, respond, v1Error } from '../../mocks/index.ts';
import { createClient, isRateLimitError } from '../../src/index.ts';
import { authIdentity, endpointTemplate } from '../../src/scheduler/bucket.ts';
import { API, eventLog, recordRequests, settle, T0, TOKEN, useMockServer } from '../helpers.ts';

const { server, use } = useMockServer();
const posts = { '20': 'just setting up my twttr', '21': 'hello' };

describe('proactive rate limiting', () => {
  it('spreads calls over windows and draws no 429', async () => {
    const api = createMockXApi({
      endpoints: [{ method: 'GET', path: '/2/tweets/:id', limit: 5, windowMs: 60_000 }],
      posts,
    });
    use(...api.handlers);
    const x = createClient({ auth: { bearer: TOKEN } });
    const calls = Array.from({ length: 12 }, () => settle(x.get('/2/tweets/20'), 0));
    const done = Promise.all(calls);
    await settle(Promise.resolve(), 125_000);
    const results = await done;
    expect(results.filter((r) => r.error !== undefined)).toEqual([]);
    expect(api.stats.byStatus).toEqual({ 200: 12 });
  });

  it('finds an unknown window with one probe before letting the rest go', async () => {
    const starts: number[] = [];
    const api = createMockXApi({
      endpoints: [
        {
          method: 'GET',
          path: '/2/users/me',
          limit: 100,
          respond: async () => {
            starts.push(Date.now() - T0);
            await delay(100);
            return respond.json({ data: { id: '1' } }, 200);
          },
        },
      ],
    });
    use(...api.handlers);
    const x = createClient();
    const all = Promise.all(Array.from({ length: 5 }, () => x.get('/2/users/me')));
    await settle(all, 500);
    expect(starts[0]).toBeLessThan(100);
    expect(starts.slice(1).every((t) => t >= 100)).toBe(true);
    expect(api.stats.maxInFlight).toBe(4);
  });

  it('holds only the spent bucket: calls to other endpoints go at once', async () => {
    const api = createMockXApi({
      endpoints: [
        { method: 'GET', path: '/2/tweets/:id', limit: 1, windowMs: 60_000 },
        { method: 'GET', path: '/2/users/me', limit: 10, windowMs: 60_000 },
      ],
      posts,
    });
    use(...api.handlers);
    const seen = recordRequests(server);
    const x = createClient();
    await settle(x.get('/2/tweets/20'));
    const held = settle(x.get('/2/tweets/21'), 0);
    await settle(x.get('/2/users/me'), 100);
    expect(seen.map((r) => r.path)).toEqual(['/2/tweets/20', '/2/users/me']);
    // X's reset is in whole epoch seconds, rounded up: at most T0 + 61 s.
    await settle(Promise.resolve(), 62_000);
    expect((await held).value).toMatchObject({ data: { id: '21' } });
    expect(api.stats.byStatus[429]).toBeUndefined();
  });

  it('fails at once, unsent, with retryAt when the spent window resets beyond maxWaitMs', async () => {
    const api = createMockXApi({
      endpoints: [{ method: 'GET', path: '/2/tweets/:id', limit: 1, windowMs: 15 * 60_000 }],
      posts,
    });
    use(...api.handlers);
    const x = createClient({ retry: { maxWaitMs: 60_000 } });
    await settle(x.get('/2/tweets/20'));
    const { error } = await settle(x.get('/2/tweets/21'));
    expect(isRateLimitError(error)).toBe(true);
    // The first call was admitted at once (no Bottleneck hop), so the window began at T0 and resets 15 min later.
    expect(error).toMatchObject({
      attempts: 1,
      retryAt: new Date(T0 + 15 * 60_000),
      giveUp: 'the request was never sent',
    });
    expect((error as Error).message).toMatch(/window for this endpoint is spent until/);
    expect(api.stats.requests).toBe(1);
  });

  it('a success saying the window is spent holds the bucket, even when its own count says there is room', async () => {
    // The probe says 40 remain; the next response says 0 (another app of the same user spent them).
    const remaining = [40, 0];
    use(
      http.get(`${API}/2/x`, () =>
        respond.json(
          { data: 1 },
          200,
          rateLimitHeaders({ resetAt: T0 + 30_000, remaining: remaining.shift() ?? 49, limit: 50 }),
        ),
      ),
    );
    const seen = recordRequests(server);
    const x = createClient();
    await settle(x.get('/2/x'));
    await settle(x.get('/2/x'));
    const third = settle(x.get('/2/x'), 0);
    await settle(Promise.resolve(), 29_000);
    expect(seen).toHaveLength(2);
    await settle(Promise.resolve(), 2_000);
    expect((await third).value).toMatchObject({ status: 200 });
    expect(seen).toHaveLength(3);
    expect(seen[2]!.at).toBeGreaterThanOrEqual(T0 + 30_000);
  });

  it('a late answer from a window already refilled neither holds nor empties the next one', async () => {
    const answers = [
      { resetAt: T0 + 10_000, remaining: 5 }, // the probe, in the first window
      { resetAt: T0 + 10_000, remaining: 0 }, // sent in the first window, answered after its reset
      { resetAt: T0 + 70_000, remaining: 48 },
    ];
    use(
      http.get(`${API}/2/x`, () => {
        const answer = answers.shift() ?? { resetAt: T0 + 70_000, remaining: 47 };
        return respond.json({ data: 1 }, 200, rateLimitHeaders({ ...answer, limit: 50 }));
      }),
    );
    const seen = recordRequests(server);
    const log = eventLog();
    const x = createClient({ hooks: { onEvent: log.onEvent } });
    await settle(x.get('/2/x'));
    await settle(Promise.resolve(), 12_000);
    await settle(x.get('/2/x'));
    const next = await settle(x.get('/2/x'), 100);
    expect(next.value).toMatchObject({ status: 200 });
    expect(seen).toHaveLength(3);
    expect(log.events.filter((e) => e.type === 'limiter' && e.action === 'hold')).toEqual([]);
  });

  it('holds the whole bucket after a 429, so that queued calls draw no more 429s', async () => {
    let first = true;
    use(
      http.get(`${API}/2/x`, () => {
        if (first) {
          first = false;
          return respond.json(
            v1Error(88),
            429,
            rateLimitHeaders({ resetAt: T0 + 30_000, remaining: 0, limit: 50 }),
          );
        }
        return respond.json(
          { data: 1 },
          200,
          rateLimitHeaders({ resetAt: T0 + 930_000, remaining: 40, limit: 50 }),
        );
      }),
    );
    const seen = recordRequests(server);
    const log = eventLog();
    const x = createClient({ random: () => 0, hooks: { onEvent: log.onEvent } });
    const all = Promise.all(Array.from({ length: 5 }, () => settle(x.get('/2/x'), 0)));
    await settle(Promise.resolve(), 29_000);
    expect(seen).toHaveLength(1);
    await settle(Promise.resolve(), 2_000);
    const results = await all;
    expect(results.every((r) => r.value !== undefined)).toBe(true);
    expect(seen).toHaveLength(6);
    expect(seen.slice(1).every((r) => r.at >= T0 + 30_000)).toBe(true);
    expect(
      log.events.filter((e) => e.type === 'limiter').map((e) => e.type === 'limiter' && e.action),
    ).toEqual(['hold', 'refill']);
  });

  it('never lets a late response raise what the window allows', async () => {
    // The probe learns remaining 2; later answers claim more (stale or reordered): the reservoir stays exact.
    let n = 0;
    use(
      http.get(`${API}/2/x`, () => {
        n++;
        return respond.json(
          { data: n },
          200,
          rateLimitHeaders({ resetAt: T0 + 60_000, remaining: n === 1 ? 2 : 40, limit: 50 }),
        );
      }),
    );
    const seen = recordRequests(server);
    const x = createClient();
    await settle(x.get('/2/x'));
    const rest = Promise.all(Array.from({ length: 4 }, () => settle(x.get('/2/x'), 0)));
    await settle(Promise.resolve(), 1000);
    expect(seen).toHaveLength(3);
    await settle(Promise.resolve(), 60_000);
    await rest;
    expect(seen).toHaveLength(5);
  });

  it('bounds the queue (highWater) with a clear error', async () => {
    const api = createMockXApi({
      endpoints: [{ method: 'GET', path: '/2/tweets/:id', limit: 1, windowMs: 60_000 }],
      posts,
    });
    use(...api.handlers);
    const x = createClient({ rateLimit: { highWater: 2 } });
    await settle(x.get('/2/tweets/20'));
    const queued = [settle(x.get('/2/tweets/20'), 0), settle(x.get('/2/tweets/20'), 0)];
    await settle(Promise.resolve(), 10);
    expect(x.queued).toBe(2);
    const { error } = await settle(x.get('/2/tweets/20'));
    expect(error).toMatchObject({ category: 'rate-limited', attempts: 1 });
    expect((error as Error).message).toMatch(/the client queue is full \(rateLimit\.highWater = 2\)/);
    await x.close();
    await Promise.all(queued);
  });

  it('serves queued calls by priority when the window reopens', async () => {
    const api = createMockXApi({
      endpoints: [{ method: 'GET', path: '/2/tweets/:id', limit: 1, windowMs: 10_000 }],
      posts,
    });
    use(...api.handlers);
    const seen = recordRequests(server);
    const x = createClient();
    await settle(x.get('/2/tweets/20'));
    const low = settle(x.get('/2/tweets/21', { priority: 9 }), 0);
    const high = settle(x.get('/2/tweets/20', { priority: 0 }), 0);
    await settle(Promise.resolve(), 12_000);
    expect(seen.map((r) => r.path)).toEqual(['/2/tweets/20', '/2/tweets/20']);
    await settle(Promise.resolve(), 12_000);
    await Promise.all([low, high]);
    expect(seen.map((r) => r.path)).toEqual(['/2/tweets/20', '/2/tweets/20', '/2/tweets/21']);
  });

  it('keeps calls in flight under rateLimit.maxConcurrent, client-wide', async () => {
    const slow = async () => {
      await delay(50);
      return respond.json({ data: 1 }, 200);
    };
    const api = createMockXApi({
      endpoints: [
        { method: 'GET', path: '/2/a', respond: slow },
        { method: 'GET', path: '/2/b', respond: slow },
      ],
    });
    use(...api.handlers);
    const x = createClient({ rateLimit: { maxConcurrent: 2 } });
    const calls = Promise.all([...Array(4)].flatMap(() => [x.get('/2/a'), x.get('/2/b')]));
    await settle(calls, 1000);
    expect(api.stats.requests).toBe(8);
    expect(api.stats.maxInFlight).toBe(2);
  });
});

describe('buckets', () => {
  it.each([
    ['/2/users/2244994945/tweets', '/2/users/:id/tweets'],
    ['/2/users/by/username/XDevelopers', '/2/users/by/username/:username'],
    ['/2/tweets/1460323737035677698/liking_users', '/2/tweets/:id/liking_users'],
    ['/1.1/statuses/show/20.json', '/1.1/statuses/show/:id.json'],
    ['/2/spaces/1DXxyRYNejbKM', '/2/spaces/:id'],
    ['/2/dm_conversations/123-456/dm_events', '/2/dm_conversations/:id/dm_events'],
    ['/2/tweets/search/recent', '/2/tweets/search/recent'],
    ['/2/media/1-2-3.JSON', '/2/media/1-2-3.JSON'],
    ['/2/x/12-/y/0-.A/20.json5', '/2/x/12-/y/0-.A/20.json5'],
    ['/2/x/1-2-3/20.JSON/', '/2/x/:id/:id.JSON/'],
  ])('%s → %s', (path, template) => expect(endpointTemplate(path)).toBe(template));

  it('identify credentials by a hash, never the credential', () => {
    const identity = authIdentity(`Bearer ${TOKEN}`);
    expect(identity).toMatch(/^[0-9a-f]{16}$/);
    expect(TOKEN).not.toContain(identity);
    expect(authIdentity(undefined)).toBe('anonymous');
  });

  it('separate per-user tokens, and take a custom key', async () => {
    const api = createMockXApi({
      endpoints: [{ method: 'GET', path: '/2/users/me', limit: 1, windowMs: 60_000 }],
    });
    use(...api.handlers);
    let user = 'user-token-aaaaaaaa';
    const log = eventLog();
    const x = createClient({
      auth: () => ({ authorization: `Bearer ${user}` }),
      hooks: { onEvent: log.onEvent },
    });
    await settle(x.get('/2/users/me'));
    user = 'user-token-bbbbbbbb';
    await settle(x.get('/2/users/me'));
    expect(api.stats.byStatus).toEqual({ 200: 2 });
    const buckets: string[] = [];
    const y = createClient({
      rateLimit: {
        bucket: (r) => {
          buckets.push(`${r.method} ${r.endpoint} ${r.identity}`);
          return 'one';
        },
      },
    });
    await settle(y.get('/2/users/me'));
    expect(buckets).toEqual(['GET /2/users/me anonymous']);
    expect(JSON.stringify(log.events)).not.toContain('user-token');
  });
});
