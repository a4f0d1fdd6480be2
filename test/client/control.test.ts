import { delay, HttpResponse, http } from 'msw';
import { describe, expect, it, vi } from 'vitest';
import { rateLimitHeaders, respond, sequence, v1Error } from '../../mocks/index.ts';
import { createClient, isRateLimitError } from '../../src/index.ts';
import { API, eventLog, recordRequests, run, settle, T0, useMockServer } from '../helpers.ts';

const { server, use } = useMockServer();
const ok = () => respond.json({ data: { ok: true } }, 200);

describe('retry budget', () => {
  it('a warm client in a total outage sends at most about 1.2 requests per call', async () => {
    const seen = recordRequests(server);
    use(http.get(`${API}/2/x`, () => respond.json({}, 503)));
    const log = eventLog();
    const x = createClient({ random: () => 0, hooks: { onEvent: log.onEvent } });
    for (let i = 0; i < 60; i++) await settle(x.get('/2/x'));
    expect(seen.length / 60).toBeLessThanOrEqual(1.2);
    expect(seen).toHaveLength(70); // 60 calls + the 10 retries a full bucket pays for
    expect(log.types().filter((t) => t === 'budget-refused')).toHaveLength(57);
    expect(x.retryTokens).toBe(0);
  });

  it('an empty bucket makes retryable failures fail fast, and successes refill it', async () => {
    let fail = true;
    use(http.get(`${API}/2/x`, () => (fail ? respond.json({}, 503) : ok())));
    const x = createClient({
      random: () => 0,
      retryBudget: { capacity: 2, retryCost: 1, refillPerSuccess: 0.5 },
    });
    const first = await settle(x.get('/2/x'));
    expect(first.error).toMatchObject({ attempts: 3 });
    const second = await settle(x.get('/2/x'));
    expect(second.error).toMatchObject({
      attempts: 1,
      giveUp: 'the retry budget is empty (too many recent failures): failing fast',
    });
    fail = false;
    await run(x.get('/2/x'));
    await run(x.get('/2/x'));
    expect(x.retryTokens).toBe(1);
  });

  it('rate-limit waits do not spend the budget', async () => {
    use(
      sequence('get', `${API}/2/x`, [
        () => respond.json(v1Error(88), 429, rateLimitHeaders({ resetInSeconds: 1 })),
        ok,
      ]),
    );
    const x = createClient({ random: () => 0, retryBudget: { capacity: 0 } });
    expect((await run(x.get('/2/x'), 2500)).attempts).toBe(2);
  });

  it('can be turned off', async () => {
    const seen = recordRequests(server);
    use(http.get(`${API}/2/x`, () => respond.json({}, 503)));
    const x = createClient({ random: () => 0, retryBudget: false });
    for (let i = 0; i < 5; i++) await settle(x.get('/2/x'));
    expect(seen).toHaveLength(20);
    expect(x.retryTokens).toBe(Number.POSITIVE_INFINITY);
  });
});

describe('cancellation', () => {
  it('an abort during a rate-limit wait rejects at once with the signal reason and leaves no timer', async () => {
    // An injected fetch, so that no socket (and no undici keep-alive timer) is involved: every timer left is ours.
    const limited: typeof fetch = async () =>
      Response.json(v1Error(88), { status: 429, headers: rateLimitHeaders({ resetInSeconds: 600 }) });
    for (const rateLimit of [false, undefined] as const) {
      const controller = new AbortController();
      const log = eventLog();
      const x = createClient({
        fetch: limited,
        ...(rateLimit === false && { rateLimit }),
        hooks: { onEvent: log.onEvent },
      });
      const pending = settle(x.get('/2/x', { signal: controller.signal }), 0);
      await vi.advanceTimersByTimeAsync(10);
      expect(log.types().filter((t) => t !== 'limiter')).toEqual(['attempt', 'response', 'wait']);
      const reason = new Error('shutting down');
      controller.abort(reason);
      const { error } = await pending;
      expect(error).toBe(reason);
      // The call left nothing; the limiter keeps its Group's idle sweep and the held bucket's refill until close().
      expect(vi.getTimerCount()).toBe(rateLimit === false ? 0 : 2);
      await x.close();
      expect(vi.getTimerCount()).toBe(0);
    }
  });

  it('an abort during an attempt rejects with the signal reason', async () => {
    use(
      http.get(`${API}/2/x`, async () => {
        await delay(5000);
        return ok();
      }),
    );
    const controller = new AbortController();
    const pending = settle(createClient().get('/2/x', { signal: controller.signal }), 10);
    controller.abort();
    const { error } = await pending;
    expect(error).toMatchObject({ name: 'AbortError' });
  });

  it('an already aborted signal rejects without sending', async () => {
    const seen = recordRequests(server);
    use(http.get(`${API}/2/x`, ok));
    const { error } = await settle(
      createClient().get('/2/x', { signal: AbortSignal.abort(new Error('gone')) }),
    );
    expect(error).toEqual(new Error('gone'));
    expect(seen).toHaveLength(0);
  });
});

describe('time bounds', () => {
  it('timeoutMs bounds each attempt: a stalled GET is retried, then succeeds', async () => {
    use(
      sequence('get', `${API}/2/x`, [
        async () => {
          await delay(60_000);
          return ok();
        },
        ok,
      ]),
    );
    const log = eventLog();
    const x = createClient({ random: () => 0, timeoutMs: 2000, hooks: { onEvent: log.onEvent } });
    const result = await run(x.get('/2/x'), 2100);
    expect(result.attempts).toBe(2);
    expect(log.events.find((e) => e.type === 'response')).toMatchObject({
      category: 'retryable',
      reason: 'the attempt timed out',
    });
  });

  it('a stalled POST times out and is not sent again', async () => {
    const seen = recordRequests(server);
    use(
      http.post(`${API}/2/tweets`, async () => {
        await delay(60_000);
        return ok();
      }),
    );
    const { error } = await settle(createClient({ timeoutMs: 1000 }).post('/2/tweets', { json: {} }), 1100);
    expect(error).toMatchObject({ category: 'retryable', attempts: 1 });
    expect(seen).toHaveLength(1);
  });

  it('deadlineMs: no retry starts whose wait would overrun the deadline', async () => {
    const seen = recordRequests(server);
    use(http.get(`${API}/2/x`, () => respond.json({}, 503, { 'retry-after': '30' })));
    const { error } = await settle(createClient({ deadlineMs: 10_000 }).get('/2/x'));
    expect(seen).toHaveLength(1);
    expect((error as Error).message).toMatch(/would overrun the deadline/);
  });

  it('deadlineMs shortens the last attempt', async () => {
    use(
      http.get(`${API}/2/x`, async () => {
        await delay(60_000);
        return ok();
      }),
    );
    const start = Date.now();
    const { error } = await settle(
      createClient({ timeoutMs: 10_000 }).get('/2/x', { deadlineMs: 3000 }),
      3100,
    );
    expect(error).toMatchObject({ category: 'retryable', reason: 'the attempt timed out' });
    expect(Date.now() - start).toBeLessThanOrEqual(3100);
  });

  it('a rate-limit wait past the deadline fails at once with retryAt', async () => {
    use(
      http.get(`${API}/2/x`, () =>
        respond.json(v1Error(88), 429, rateLimitHeaders({ resetAt: T0 + 120_000 })),
      ),
    );
    const start = Date.now();
    const { error } = await settle(createClient().get('/2/x', { deadlineMs: 60_000 }));
    expect(isRateLimitError(error)).toBe(true);
    expect(error).toMatchObject({ attempts: 1, retryAt: new Date(start + 120_000) });
  });
});

describe('decision hooks', () => {
  it('shouldRetry can stop a retry and can force one for a permanent failure', async () => {
    const seen = recordRequests(server);
    use(sequence('get', `${API}/2/x`, [() => respond.json({}, 404), () => respond.json({}, 503), ok]));
    const decisions: boolean[] = [];
    const x = createClient({
      random: () => 0,
      hooks: {
        shouldRetry: ({ classification, retry }) => {
          decisions.push(retry);
          return classification.status === 404 ? true : undefined;
        },
      },
    });
    expect((await run(x.get('/2/x'))).attempts).toBe(3);
    expect(decisions).toEqual([false, true]);
    server.resetHandlers();
    use(http.get(`${API}/2/y`, () => respond.json({}, 503)));
    const y = createClient({ hooks: { shouldRetry: () => false } });
    const { error } = await settle(y.get('/2/y'));
    expect(error).toMatchObject({ attempts: 1, giveUp: 'hooks.shouldRetry said no' });
    expect(seen.length).toBe(4);
  });

  it('beforeRetry observes, changes the delay, or vetoes', async () => {
    use(sequence('get', `${API}/2/x`, [() => respond.json({}, 503), () => respond.json({}, 503), ok]));
    const seenDelays: number[] = [];
    const log = eventLog();
    const x = createClient({
      random: () => 0.5,
      hooks: {
        beforeRetry: ({ delayMs, attempt }) => {
          seenDelays.push(delayMs);
          return attempt === 1 ? { delayMs: 42 } : undefined;
        },
        onEvent: log.onEvent,
      },
    });
    await run(x.get('/2/x'), 2000);
    expect(seenDelays).toEqual([500, 1000]);
    expect(log.delays('retry')).toEqual([42, 1000]);
    server.resetHandlers();
    use(http.get(`${API}/2/x`, () => respond.json({}, 503)));
    const vetoed = createClient({ hooks: { beforeRetry: () => false } });
    const { error } = await settle(vetoed.get('/2/x'));
    expect(error).toMatchObject({ attempts: 1, giveUp: 'hooks.beforeRetry vetoed the retry' });
  });

  it('onRateLimit chooses to fail now, with retryAt', async () => {
    use(
      http.get(`${API}/2/x`, () =>
        respond.json(v1Error(88), 429, rateLimitHeaders({ resetAt: T0 + 60_000 })),
      ),
    );
    const start = Date.now();
    const waits: number[] = [];
    const x = createClient({
      random: () => 0,
      hooks: {
        onRateLimit: ({ delayMs }) => {
          waits.push(Date.now() + delayMs);
          return 'fail';
        },
      },
    });
    const { error } = await settle(x.get('/2/x'));
    expect(waits).toEqual([T0 + 60_000]);
    expect(error).toMatchObject({
      category: 'rate-limited',
      retryAt: new Date(start + 60_000),
      giveUp: 'onRateLimit chose to fail',
    });
  });

  it('a throwing decision hook fails the call as permanent, giveUp naming the hook, cause what it threw', async () => {
    use(http.get(`${API}/2/x`, () => respond.json({}, 503)));
    const bug = new Error('hook bug');
    const x = createClient({
      hooks: {
        shouldRetry: () => {
          throw bug;
        },
      },
    });
    const { error } = await settle(x.get('/2/x'));
    expect(error).toMatchObject({ name: 'PermanentError', giveUp: 'hooks.shouldRetry threw', status: 503 });
    expect((error as Error).cause).toBe(bug);
  });

  it('a throwing beforeRequest hook rejects with a permanent error (bugs are not retried)', async () => {
    const seen = recordRequests(server);
    use(http.get(`${API}/2/x`, ok));
    const x = createClient({
      hooks: {
        beforeRequest: [
          () => {
            throw new RangeError('bad hook');
          },
        ],
      },
    });
    const { error } = await settle(x.get('/2/x'));
    expect(error).toMatchObject({ name: 'PermanentError', attempts: 1 });
    expect((error as Error).cause).toEqual(new RangeError('bad hook'));
    expect(seen).toHaveLength(0);
  });
});

it('a network error gives a RetryableError whose cause is the network error', async () => {
  use(http.get(`${API}/2/x`, () => HttpResponse.error()));
  const { error } = await settle(createClient({ random: () => 0, retry: { limit: 1 } }).get('/2/x'));
  expect(error).toMatchObject({ name: 'RetryableError', attempts: 2, status: undefined });
  expect((error as Error).cause).toBeInstanceOf(Error);
});
