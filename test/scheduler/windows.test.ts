// Issue 13, the limiter side: a 429 with room left spaces the bucket; a bare 420/429 holds it for the wait it
// implies; every window the headers report is honoured; the per-endpoint minimum spacing.
import { http } from 'msw';
import { describe, expect, it } from 'vitest';
import { rateLimitHeaders, respond, v1Error } from '../../mocks/index.ts';
import { createClient, isRateLimitError } from '../../src/index.ts';
import { API, eventLog, recordRequests, settle, T0, useMockServer } from '../helpers.ts';

const { server, use } = useMockServer();

const ok = (extra: Record<string, string> = {}) =>
  respond.json({ data: 1 }, 200, {
    ...rateLimitHeaders({ resetAt: T0 + 600_000, remaining: 200, limit: 300 }),
    ...extra,
  });
/** X's answer to a per-second limit: a 429 while the 15-minute window still has 250 of 300 left. */
const roomy429 = (extra: Record<string, string> = {}) =>
  respond.json(v1Error(88), 429, {
    ...rateLimitHeaders({ resetAt: T0 + 600_000, remaining: 250, limit: 300 }),
    ...extra,
  });

describe('a 429 while the window still has room (a per-second limit)', () => {
  it('spaces the bucket for about 1 s instead of holding it until the reset, 10 minutes ahead', async () => {
    let n = 0;
    use(http.get(`${API}/2/x`, () => (n++ === 0 ? roomy429() : ok())));
    const seen = recordRequests(server);
    const log = eventLog();
    const x = createClient({
      retry: { rateLimitWaits: 0, maxWaitMs: 60_000 },
      hooks: { onEvent: log.onEvent },
    });
    const first = await settle(x.get('/2/x'));
    expect(isRateLimitError(first.error)).toBe(true);
    const second = settle(x.get('/2/x'), 0);
    const third = settle(x.get('/2/x'), 0);
    await settle(Promise.resolve(), 900);
    expect(seen).toHaveLength(1);
    await settle(Promise.resolve(), 300);
    expect((await second).value).toMatchObject({ status: 200 });
    expect(seen[1]!.at - seen[0]!.at).toBeGreaterThanOrEqual(1000);
    expect(seen[1]!.at - seen[0]!.at).toBeLessThan(1100);
    // The success ended the streak: the next call is not spaced.
    await settle(Promise.resolve(), 100);
    expect((await third).value).toMatchObject({ status: 200 });
    expect(seen[2]!.at - seen[1]!.at).toBeLessThan(1000);
    const holds = log.events.filter((e) => e.type === 'limiter' && e.action === 'hold');
    expect(holds).toHaveLength(1);
    expect(holds[0]).toMatchObject({
      until: new Date(seen[0]!.at + 1000),
      reason: expect.stringMatching(/room/),
    });
  });

  it('doubles the hold per consecutive such 429 (1 s, 2 s), and Retry-After wins when sent', async () => {
    const answers = [() => roomy429(), () => roomy429(), () => roomy429({ 'retry-after': '5' }), () => ok()];
    use(http.get(`${API}/2/x`, () => (answers.shift() ?? ok)()));
    const seen = recordRequests(server);
    const x = createClient({ retry: { rateLimitWaits: 0, maxWaitMs: 60_000 } });
    const calls = Promise.all([0, 1, 2, 3].map(() => settle(x.get('/2/x'), 0)));
    await settle(Promise.resolve(), 10_000);
    await calls;
    const gaps = seen.slice(1).map((r, i) => r.at - seen[i]!.at);
    expect(gaps).toHaveLength(3);
    expect(gaps[0]).toBeGreaterThanOrEqual(1000);
    expect(gaps[0]).toBeLessThan(1100);
    expect(gaps[1]).toBeGreaterThanOrEqual(2000);
    expect(gaps[1]).toBeLessThan(2100);
    expect(gaps[2]).toBeGreaterThanOrEqual(5000);
    expect(gaps[2]).toBeLessThan(5100);
  });
});

describe('a bare 420/429 (no reset, no Retry-After)', () => {
  it('holds the bucket for retry.rateLimitBaseDelayMs: 10 concurrent calls draw one 420, not 10', async () => {
    use(
      http.get(`${API}/1.1/x.json`, () =>
        Date.now() < T0 + 60_000 ? respond.json(v1Error(88), 420) : respond.json({ ok: true }, 200),
      ),
    );
    const seen = recordRequests(server);
    const log = eventLog();
    const x = createClient({ random: () => 0, hooks: { onEvent: log.onEvent } });
    const calls = Promise.all(Array.from({ length: 10 }, () => settle(x.get('/1.1/x.json'), 0)));
    await settle(Promise.resolve(), 59_000);
    expect(seen).toHaveLength(1);
    await settle(Promise.resolve(), 10_000);
    const results = await calls;
    expect(results.filter((r) => r.error !== undefined)).toEqual([]);
    expect(seen.filter((r) => r.at < T0 + 60_000)).toHaveLength(1);
    const hold = log.events.find((e) => e.type === 'limiter' && e.action === 'hold');
    expect(hold).toMatchObject({ until: new Date(T0 + 60_000) });
  });

  it('a call behind the hold whose wait exceeds retry.maxWaitMs fails at once, unsent, retryAt at the end', async () => {
    use(http.get(`${API}/1.1/x.json`, () => respond.json(v1Error(88), 420)));
    const seen = recordRequests(server);
    const x = createClient({ retry: { rateLimitWaits: 0, maxWaitMs: 2000 } });
    await settle(x.get('/1.1/x.json'));
    const { error } = await settle(x.get('/1.1/x.json'));
    expect(error).toMatchObject({ retryAt: new Date(T0 + 60_000), giveUp: 'the request was never sent' });
    expect(seen).toHaveLength(1);
  });
});

describe('every window the headers report is honoured before sending', () => {
  const h24 = (family: 'app' | 'user') => ({
    [`x-${family}-limit-24hour-limit`]: '100',
    [`x-${family}-limit-24hour-remaining`]: '0',
    [`x-${family}-limit-24hour-reset`]: String((T0 + 20 * 3_600_000) / 1000),
  });
  it.each([
    ['user 24-hour', h24('user'), T0 + 20 * 3_600_000],
    ['app 24-hour', h24('app'), T0 + 20 * 3_600_000],
    ['IETF RateLimit', { ratelimit: 'limit=10, remaining=0, reset=1800' }, T0 + 1_800_000],
    ['IETF RateLimit-*', { 'ratelimit-remaining': '0', 'ratelimit-reset': '1800' }, T0 + 1_800_000],
  ])('a 201 saying the %s window is spent holds the bucket until its reset', async (_, headers, reset) => {
    use(
      http.post(`${API}/2/tweets`, () =>
        respond.json({ data: { id: '1' } }, 201, {
          ...rateLimitHeaders({ resetAt: T0 + 900_000, remaining: 90, limit: 100 }),
          ...headers,
        }),
      ),
    );
    const seen = recordRequests(server);
    const x = createClient();
    await settle(x.post('/2/tweets', { json: { text: 'a' } }));
    const { error } = await settle(x.post('/2/tweets', { json: { text: 'b' } }));
    expect(seen).toHaveLength(1);
    expect(isRateLimitError(error)).toBe(true);
    expect(error).toMatchObject({ retryAt: new Date(reset), giveUp: 'the request was never sent' });
  });

  it('a spent window within retry.maxWaitMs is waited for, then the bucket probes again', async () => {
    let n = 0;
    use(
      http.get(`${API}/2/x`, () =>
        n++ === 0
          ? respond.json({ data: 1 }, 200, { ratelimit: 'limit=10, remaining=0, reset=30' })
          : respond.json({ data: 2 }, 200, { ratelimit: 'limit=10, remaining=9, reset=60' }),
      ),
    );
    const seen = recordRequests(server);
    const x = createClient();
    await settle(x.get('/2/x'));
    const next = settle(x.get('/2/x'), 29_000);
    expect(seen).toHaveLength(1);
    await settle(Promise.resolve(), 2_000);
    expect((await next).value).toMatchObject({ status: 200 });
    expect(seen[1]!.at).toBeGreaterThanOrEqual(T0 + 30_000);
  });
});

describe('per-endpoint minimum spacing (rateLimit.minIntervalMs)', () => {
  it('spaces GET /2/tweets/search/all at 1 request per second by default (X documents 1/s)', async () => {
    use(http.get(`${API}/2/tweets/search/all`, () => ok()));
    const seen = recordRequests(server);
    const x = createClient();
    const calls = Promise.all([0, 1, 2].map(() => settle(x.get('/2/tweets/search/all?query=a'), 0)));
    await settle(Promise.resolve(), 2_500);
    await calls;
    const gaps = seen.slice(1).map((r, i) => r.at - seen[i]!.at);
    expect(gaps).toHaveLength(2);
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(1000);
  });

  it('takes a table keyed by method + endpoint template, or a function; 0 removes a default', async () => {
    use(
      http.get(`${API}/2/users/:id`, () => ok()),
      http.get(`${API}/2/tweets/search/all`, () => ok()),
    );
    const seen = recordRequests(server);
    const x = createClient({
      rateLimit: { minIntervalMs: { 'GET /2/users/:id': 500, 'GET /2/tweets/search/all': 0 } },
    });
    const calls = Promise.all(
      ['/2/users/1', '/2/users/2', '/2/tweets/search/all', '/2/tweets/search/all'].map((p) =>
        settle(x.get(p), 0),
      ),
    );
    await settle(Promise.resolve(), 1_000);
    await calls;
    const at = (path: string) => seen.filter((r) => r.path.startsWith(path)).map((r) => r.at);
    const users = at('/2/users/');
    expect(users[1]! - users[0]!).toBeGreaterThanOrEqual(500);
    const search = at('/2/tweets/search/all');
    expect(search[1]! - search[0]!).toBeLessThan(500);

    const asked: string[] = [];
    const y = createClient({
      rateLimit: {
        minIntervalMs: (endpoint) => {
          asked.push(endpoint);
          return 0;
        },
      },
    });
    await settle(y.get('/2/users/5'));
    expect(asked).toEqual(['GET /2/users/:id']);
  });

  it('is validated up front, with a TypeError naming it', () => {
    for (const bad of [5, 'fast', { 'GET /2/x': -1 }, { 'not a key': 5 }, { 'GET /2/x': Number.NaN }])
      expect(() => createClient({ rateLimit: { minIntervalMs: bad as never } })).toThrow(
        expect.objectContaining({
          name: 'TypeError',
          message: expect.stringContaining('rateLimit.minIntervalMs'),
        }),
      );
  });
});
