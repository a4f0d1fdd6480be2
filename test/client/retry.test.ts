import { HttpResponse, http } from 'msw';
import { describe, expect, it } from 'vitest';
import {
  enhanceYourCalm,
  overCapacity,
  rateLimitHeaders,
  respond,
  sequence,
  usageCap,
  v1Error,
} from '../../mocks/index.ts';
import {
  createClient,
  isAuthError,
  isPermanentError,
  isRateLimitError,
  isRetryableError,
} from '../../src/index.ts';
import { API, eventLog, recordRequests, run, settle, T0, useMockServer } from '../helpers.ts';

const { server, use } = useMockServer();
const ok = () => respond.json({ data: { ok: true } }, 200);
const status503 = () => respond.json(v1Error(130), 503);
const half = () => 0.5;

describe('retryable failures', () => {
  it('backs off exponentially with full jitter: delays 500, 1000 for random 0.5', async () => {
    use(sequence('get', `${API}/2/x`, [status503, status503, ok]));
    const log = eventLog();
    const x = createClient({ random: half, hooks: { onEvent: log.onEvent } });
    const result = await run(x.get('/2/x'), 2000);
    expect(result.attempts).toBe(3);
    expect(log.delays('retry')).toEqual([500, 1000]);
  });

  it('never waits beyond maxDelayMs, and stops after `limit` retries with a RetryableError', async () => {
    const seen = recordRequests(server);
    use(http.get(`${API}/2/x`, () => respond.json({}, 500)));
    const log = eventLog();
    const x = createClient({
      random: () => 0.999,
      retry: { limit: 4, baseDelayMs: 1000, maxDelayMs: 3000 },
      hooks: { onEvent: log.onEvent },
    });
    const { error } = await settle(x.get('/2/x'), 20_000);
    expect(log.delays('retry')).toEqual([999, 1998, 2997, 2997]);
    expect(seen).toHaveLength(5);
    expect(isRetryableError(error)).toBe(true);
    expect(error).toMatchObject({ name: 'RetryableError', category: 'retryable', status: 500, attempts: 5 });
    expect((error as Error).message).toContain('gave up after 4 retries (retry.limit)');
  });

  it('lets Retry-After replace the computed delay', async () => {
    const seen = recordRequests(server);
    use(sequence('get', `${API}/2/x`, [() => respond.json({}, 503, { 'retry-after': '7' }), ok]));
    const log = eventLog();
    const x = createClient({ random: half, hooks: { onEvent: log.onEvent } });
    await run(x.get('/2/x'), 8000);
    expect(log.events.find((e) => e.type === 'retry')).toMatchObject({ delayMs: 7000, source: 'server' });
    expect(seen[1]!.at - seen[0]!.at).toBeGreaterThanOrEqual(7000);
  });

  it('reads retry-after-ms too', async () => {
    use(sequence('get', `${API}/2/x`, [() => respond.json({}, 503, { 'retry-after-ms': '1234' }), ok]));
    const log = eventLog();
    await run(createClient({ random: half, hooks: { onEvent: log.onEvent } }).get('/2/x'), 2000);
    expect(log.delays('retry')).toEqual([1234]);
  });

  it('retries network failures and a proxy HTML 502 for GET', async () => {
    use(
      sequence('get', `${API}/2/x`, [
        () => HttpResponse.error(),
        () => new HttpResponse('<html>502</html>', { status: 502, headers: { 'content-type': 'text/html' } }),
        ok,
      ]),
    );
    const result = await run(createClient({ random: () => 0 }).get('/2/x'), 100);
    expect(result.attempts).toBe(3);
  });

  it('retries a 200 whose JSON is truncated (GET), not a POST', async () => {
    const truncated = () =>
      new HttpResponse('{"data":[{"id":"1"', {
        status: 200,
        headers: { 'content-type': 'application/json' },
      });
    use(sequence('get', `${API}/2/x`, [truncated, ok]), http.post(`${API}/2/x`, truncated));
    const x = createClient({ random: () => 0 });
    expect((await run(x.get('/2/x'))).attempts).toBe(2);
    const { error } = await settle(x.post('/2/x'), 100);
    expect(error).toMatchObject({ category: 'retryable', attempts: 1 });
  });
});

describe('rate limits', () => {
  it('waits for x-rate-limit-reset, never less, plus a small positive jitter', async () => {
    const seen = recordRequests(server);
    use(
      sequence('get', `${API}/2/x`, [
        () => respond.json(v1Error(88), 429, rateLimitHeaders({ resetAt: T0 + 60_000 })),
        ok,
      ]),
    );
    const log = eventLog();
    const x = createClient({ random: half, hooks: { onEvent: log.onEvent } });
    const result = await run(x.get('/2/x'), 62_000);
    expect(log.events.find((e) => e.type === 'wait')).toMatchObject({
      retryAt: new Date(T0 + 60_250),
      source: 'server',
    });
    expect(seen[1]!.at).toBeGreaterThanOrEqual(seen[0]!.at + 60_000);
    expect(result.attempts).toBe(2);
  });

  it('does not use up `limit` when waiting for a window', async () => {
    use(
      sequence('get', `${API}/2/x`, [
        () => respond.json(v1Error(88), 429, rateLimitHeaders({ resetInSeconds: 5 })),
        ok,
      ]),
    );
    const x = createClient({ random: half, retry: { limit: 0 } });
    expect((await run(x.get('/2/x'), 7000)).attempts).toBe(2);
  });

  it('waits for the 24-hour app window when that is the one spent', async () => {
    const now = Date.now();
    const headers = {
      ...rateLimitHeaders({ remaining: 10, resetInSeconds: 900 }),
      'x-app-limit-24hour-limit': '100',
      'x-app-limit-24hour-remaining': '0',
      'x-app-limit-24hour-reset': String(now / 1000 + 600),
    };
    use(http.post(`${API}/2/tweets`, () => respond.json(v1Error(88), 429, headers)));
    const x = createClient({ random: half, retry: { maxWaitMs: 60_000 } });
    const { error } = await settle(x.post('/2/tweets', { json: { text: 'hi' } }));
    expect(error).toMatchObject({ category: 'rate-limited', retryAt: new Date(now + 600_000), attempts: 1 });
  });

  it('uses a separate, longer backoff when the server gives no time (bare 420, 429): 60 s, then 120 s', async () => {
    use(sequence('get', `${API}/2/x`, [() => respond.json({}, 429), () => respond.json({}, 420), ok]));
    const log = eventLog();
    const x = createClient({ random: half, hooks: { onEvent: log.onEvent } });
    await run(x.get('/2/x'), 181_000);
    expect(log.delays('wait')).toEqual([60_250, 120_250]);
    expect(log.events.filter((e) => e.type === 'wait').map((e) => e.type === 'wait' && e.source)).toEqual([
      'backoff',
      'backoff',
    ]);
  });

  it('fails at once with retryAt when the wait would exceed maxWaitMs', async () => {
    const seen = recordRequests(server);
    use(
      http.get(`${API}/2/x`, () =>
        respond.json(v1Error(88), 429, rateLimitHeaders({ resetAt: T0 + 900_000 })),
      ),
    );
    const x = createClient({ random: half, retry: { maxWaitMs: 60_000 } });
    const start = Date.now();
    const { error } = await settle(x.get('/2/x'));
    expect(isRateLimitError(error)).toBe(true);
    expect(error).toMatchObject({ attempts: 1, retryAt: new Date(start + 900_000), capped: false });
    expect((error as Error).message).toMatch(/exceeds retry\.maxWaitMs/);
    expect(seen).toHaveLength(1);
  });

  it('never waits for a usage cap', async () => {
    use(usageCap('get', `${API}/2/x`));
    const { error } = await settle(createClient().get('/2/x'));
    expect(error).toMatchObject({ category: 'rate-limited', capped: true, retryAt: undefined, attempts: 1 });
    expect((error as Error).message).toMatch(/usage cap/);
  });

  it('bounds the rate-limit waits of one call (retry.rateLimitWaits)', async () => {
    const seen = recordRequests(server);
    use(enhanceYourCalm('get', `${API}/2/x`));
    const x = createClient({ random: half, retry: { rateLimitWaits: 2, rateLimitBaseDelayMs: 1000 } });
    const { error } = await settle(x.get('/2/x'), 10_000);
    expect(seen).toHaveLength(3);
    expect(error).toMatchObject({ category: 'rate-limited', status: 420 });
    expect((error as Error).message).toMatch(/already waited 2 times/);
  });

  it('treats 403 + code 185 (posting limit) as rate-limited, and POST may wait: it was not processed', async () => {
    const seen = recordRequests(server);
    use(sequence('post', `${API}/2/tweets`, [() => respond.json(v1Error(185), 403), ok]));
    const x = createClient({ random: half, retry: { rateLimitBaseDelayMs: 1000 } });
    await run(x.post('/2/tweets', { json: { text: 'hi' } }), 2000);
    expect(seen).toHaveLength(2);
  });
});

describe('method safety: a write is never sent twice', () => {
  it.each([
    ['a bare 503', () => respond.json({}, 503)],
    ['a 500 + code 131', () => respond.json(v1Error(131), 500)],
    ['a 504', () => respond.json({}, 504)],
    ['a network failure', () => HttpResponse.error()],
  ])('POST after %s is sent once', async (_, reply) => {
    const seen = recordRequests(server);
    use(http.post(`${API}/2/tweets`, reply));
    const { error } = await settle(
      createClient({ random: () => 0 }).post('/2/tweets', { json: { text: 'x' } }),
      5000,
    );
    expect(seen).toHaveLength(1);
    expect(error).toMatchObject({ category: 'retryable', attempts: 1 });
    expect((error as Error).message).toMatch(
      /POST is not idempotent and the request may have been processed/,
    );
  });

  it.each([
    ['420', () => respond.json({}, 420)],
    ['429', () => respond.json(v1Error(88), 429, rateLimitHeaders({ resetInSeconds: 1 }))],
    ['503 + code 130', status503],
  ])('POST after %s is retried: the server turned it away', async (_, reply) => {
    use(sequence('post', `${API}/2/tweets`, [reply, ok]));
    const x = createClient({ random: () => 0, retry: { rateLimitBaseDelayMs: 1000 } });
    expect((await run(x.post('/2/tweets', { json: { text: 'x' } }), 3000)).attempts).toBe(2);
  });

  it('POST after a refused connection is retried: it never reached a server', async () => {
    let calls = 0;
    const refusedThenOk: typeof fetch = async () => {
      calls++;
      if (calls === 1)
        throw Object.assign(new TypeError('fetch failed'), {
          cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
        });
      return Response.json({ data: 1 });
    };
    const x = createClient({ random: () => 0, fetch: refusedThenOk });
    expect((await run(x.post('/2/tweets', { json: {} }))).attempts).toBe(2);
  });

  it('PUT, DELETE and a POST marked idempotent are retried after a bare 503', async () => {
    use(sequence('all', `${API}/2/x`, [() => respond.json({}, 503), ok]));
    const x = createClient({ random: () => 0 });
    expect((await run(x.put('/2/x'))).attempts).toBe(2);
    server.resetHandlers();
    use(sequence('all', `${API}/2/x`, [() => respond.json({}, 503), ok]));
    expect((await run(x.delete('/2/x'))).attempts).toBe(2);
    server.resetHandlers();
    use(sequence('all', `${API}/2/x`, [() => respond.json({}, 503), ok]));
    expect((await run(x.post('/2/x', { idempotent: true }))).attempts).toBe(2);
  });
});

describe('auth-fatal and permanent failures', () => {
  it('never retries a 401, a 400 + code 215 or client-forbidden', async () => {
    const seen = recordRequests(server);
    use(
      http.get(`${API}/2/a`, () => respond.json(v1Error(89), 401)),
      http.get(`${API}/2/b`, () => respond.json(v1Error(215), 400)),
      http.get(`${API}/2/c`, () =>
        respond.problemJson(
          { type: 'https://api.x.com/2/problems/client-forbidden', title: 'Client Forbidden', detail: 'd' },
          403,
        ),
      ),
    );
    const x = createClient();
    for (const path of ['/2/a', '/2/b', '/2/c']) {
      const { error } = await settle(x.get(path));
      expect(isAuthError(error), path).toBe(true);
      expect(error).toMatchObject({ name: 'AuthError', attempts: 1 });
    }
    expect(seen).toHaveLength(3);
  });

  it('retries once when onAuthError refreshed the token, with the new token', async () => {
    const seen = recordRequests(server);
    use(
      http.get(`${API}/2/me`, ({ request }) =>
        request.headers.get('authorization') === 'Bearer fresh-token-2'
          ? ok()
          : respond.json(v1Error(89), 401),
      ),
    );
    let token = 'stale-token-1';
    const log = eventLog();
    const x = createClient({
      auth: { bearer: () => token },
      hooks: {
        onAuthError: async () => {
          token = 'fresh-token-2';
          return true;
        },
        onEvent: log.onEvent,
      },
    });
    const result = await run(x.get('/2/me'));
    expect(result.attempts).toBe(2);
    expect(seen.map((r) => r.headers.get('authorization'))).toEqual([
      'Bearer stale-token-1',
      'Bearer fresh-token-2',
    ]);
    expect(log.types()).toContain('auth-refresh');
  });

  it('gives up when the refreshed credentials are refused too (only one refresh)', async () => {
    const seen = recordRequests(server);
    use(http.get(`${API}/2/me`, () => respond.json(v1Error(89), 401)));
    let refreshes = 0;
    const x = createClient({
      hooks: {
        onAuthError: () => {
          refreshes++;
          return true;
        },
      },
    });
    const { error } = await settle(x.get('/2/me'));
    expect(refreshes).toBe(1);
    expect(seen).toHaveLength(2);
    expect(error).toMatchObject({ category: 'auth-fatal', attempts: 2 });
    expect((error as Error).message).toMatch(/still refused after the credentials were refreshed/);
  });

  it('never retries a permanent failure, and the message names method, path and code text (no 403 tip for 187)', async () => {
    use(http.post(`${API}/2/tweets`, () => respond.json(v1Error(187), 403)));
    const { error } = await settle(createClient().post('/2/tweets', { json: { text: 'again' } }));
    expect(isPermanentError(error)).toBe(true);
    expect((error as Error).message).toBe(
      'POST /2/tweets: code 187 "Status is a duplicate." on HTTP 403 (1 attempt); not retried',
    );
  });

  it('ends the message with the tip of the deciding code', async () => {
    use(http.post(`${API}/2/tweets`, () => respond.json(v1Error(32), 401)));
    const { error } = await settle(createClient().post('/2/tweets', { json: { text: 'again' } }));
    expect((error as Error).message).toMatch(
      /; credentials are not retried\. Tip: Check the authentication method the endpoint requires/,
    );
  });

  it('flags clock skew on code 135 with the server Date', async () => {
    const serverDate = new Date(Date.now() + 600_000);
    use(
      http.get(`${API}/1.1/x.json`, () =>
        respond.json(v1Error(135), 401, { date: serverDate.toUTCString() }),
      ),
    );
    const { error } = await settle(createClient().get('/1.1/x.json'));
    expect(error).toMatchObject({ category: 'auth-fatal', classification: { clockSkew: { serverDate } } });
    // The server's clock is 10 minutes ahead; the response arrived a few fake milliseconds after it was dated.
    const offset = (error as { classification: { clockSkew: { offsetMs: number } } }).classification.clockSkew
      .offsetMs;
    expect(offset).toBeGreaterThan(600_000 - 10);
    expect(offset).toBeLessThanOrEqual(600_000);
    expect((error as Error).message).toMatch(/check your system clock|Check your system clock/);
  });
});

describe('over capacity handlers from calmfetch/mocks', () => {
  it('overCapacity({ once }) then success', async () => {
    use(overCapacity('get', `${API}/2/x`, { once: true }), http.get(`${API}/2/x`, ok));
    expect((await run(createClient({ random: () => 0 }).get('/2/x'))).attempts).toBe(2);
  });
});
