// Issue 12's seven observations, each a test that failed on the code before the pipeline rework. Public API only.
import { runInNewContext } from 'node:vm';
import { delay, HttpResponse, http } from 'msw';
import { describe, expect, it, vi } from 'vitest';
import { rateLimitHeaders, respond, v1Error } from '../../mocks/index.ts';
import { type CalmError, type CalmEvent, createClient, isCalmError } from '../../src/index.ts';
import { API, eventLog, recordRequests, useMockServer, watch } from '../helpers.ts';

const { server, use } = useMockServer();
const never = () => new Promise<never>(() => {});
const ok = () => HttpResponse.json({ data: { id: '1' } });

const closedError = { name: 'PermanentError', category: 'permanent', giveUp: 'the client was closed' };

describe('1. an onAuthError hook that never resolves', () => {
  it('is bounded by deadlineMs', async () => {
    use(http.get(`${API}/2/me`, () => respond.json(v1Error(89), 401)));
    const x = createClient({ rateLimit: false, deadlineMs: 1000, hooks: { onAuthError: never } });
    const call = watch(x.get('/2/me'));
    await vi.advanceTimersByTimeAsync(1001);
    expect(call.at).toBeLessThanOrEqual(1001);
    expect(call.error).toMatchObject({ name: 'AuthError', status: 401 });
    expect((call.error as CalmError).giveUp).toMatch(/deadline/);
  });

  it('is ended by close()', async () => {
    use(http.get(`${API}/2/me`, () => respond.json(v1Error(89), 401)));
    const x = createClient({ rateLimit: false, hooks: { onAuthError: never } });
    const call = watch(x.get('/2/me'));
    await vi.advanceTimersByTimeAsync(50);
    expect(call.at).toBeUndefined();
    await x.close();
    await vi.advanceTimersByTimeAsync(0);
    expect(call.error).toMatchObject(closedError);
    expect((call.error as Error).cause).toMatchObject({ name: 'AuthError' });
    // Said once: the reason already says why it gave up.
    expect((call.error as Error).message).toMatch(/^GET \/2\/me: not retried: the client was closed\b/);
    expect((call.error as Error).message).not.toMatch(/closed.*the client was closed/);
  });
});

describe('2. an async bearer provider', () => {
  const slow = () => new Promise<string>((resolve) => setTimeout(() => resolve('token-from-provider'), 2000));

  it('taking 2 s: an abort at 100 ms rejects at 100 ms, with the signal’s reason, and nothing is sent', async () => {
    const seen = recordRequests(server);
    use(http.get(`${API}/2/me`, ok));
    const x = createClient({ auth: { bearer: slow } });
    const controller = new AbortController();
    const call = watch(x.get('/2/me', { signal: controller.signal }));
    await vi.advanceTimersByTimeAsync(100);
    controller.abort(new Error('caller gave up'));
    await vi.advanceTimersByTimeAsync(0);
    expect(call.at).toBe(100);
    expect(call.error).toEqual(new Error('caller gave up'));
    await vi.advanceTimersByTimeAsync(2000);
    expect(seen).toHaveLength(0);
  });

  it('taking 2 s: deadlineMs 300 settles at 300 ms, typed, unsent', async () => {
    use(http.get(`${API}/2/me`, ok));
    const x = createClient({ auth: { bearer: slow }, deadlineMs: 300 });
    const call = watch(x.get('/2/me'));
    await vi.advanceTimersByTimeAsync(300);
    expect(call.at).toBe(300);
    expect(call.error).toMatchObject({ name: 'RetryableError', classification: { unprocessed: true } });
    expect((call.error as Error).message).toMatch(/deadline/);
  });

  it('never resolving: close() ends the call at once', async () => {
    const x = createClient({ auth: { bearer: never } });
    const call = watch(x.get('/2/me'));
    await vi.advanceTimersByTimeAsync(60_000);
    expect(call.at).toBeUndefined();
    await x.close();
    await vi.advanceTimersByTimeAsync(0);
    expect(call.error).toMatchObject(closedError);
  });
});

describe('3. a call waiting for a maxConcurrent slot', () => {
  const hang = () =>
    http.get(`${API}/2/slow`, async () => {
      await delay('infinite');
      return ok();
    });

  it('counts in client.queued and leaves at once on abort, and on its deadline', async () => {
    use(hang(), http.get(`${API}/2/fast`, ok));
    const x = createClient({ rateLimit: { maxConcurrent: 1 }, timeoutMs: 60_000 });
    const holder = watch(x.get('/2/slow'));
    await vi.advanceTimersByTimeAsync(10);
    const controller = new AbortController();
    const aborted = watch(x.get('/2/fast', { signal: controller.signal }));
    const timed = watch(x.get('/2/fast', { deadlineMs: 300 }));
    await vi.advanceTimersByTimeAsync(10);
    expect(x.queued).toBe(2);
    controller.abort(new Error('stop'));
    await vi.advanceTimersByTimeAsync(0);
    expect(aborted.error).toEqual(new Error('stop'));
    expect(x.queued).toBe(1);
    await vi.advanceTimersByTimeAsync(290);
    expect(timed.at).toBe(300);
    expect(timed.error).toMatchObject({ name: 'RetryableError' });
    expect(x.queued).toBe(0);
    expect(holder.at).toBeUndefined();
    void x.close();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(holder.error).toMatchObject(closedError);
  });
});

describe('4. close() with calls queued in the limiter or waiting for a slot', () => {
  it('fails each at once with the closed error, not "unexpected error (…stopped…)"', async () => {
    use(
      http.get(`${API}/2/spent`, () =>
        HttpResponse.json({ data: {} }, { headers: rateLimitHeaders({ remaining: 0, resetInSeconds: 600 }) }),
      ),
      http.get(`${API}/2/slow`, async () => {
        await delay('infinite');
        return ok();
      }),
    );
    const x = createClient({ rateLimit: { maxConcurrent: 1 }, timeoutMs: 60_000 });
    await vi.advanceTimersByTimeAsync(0);
    const first = watch(x.get('/2/spent'));
    await vi.advanceTimersByTimeAsync(20);
    expect(first.value).toBeDefined();
    const queued = watch(x.get('/2/spent'));
    const holder = watch(x.get('/2/slow'));
    await vi.advanceTimersByTimeAsync(20);
    const slot = watch(x.get('/2/slow'));
    await vi.advanceTimersByTimeAsync(20);
    expect(x.queued).toBe(2);
    const closing = watch(x.close());
    await vi.advanceTimersByTimeAsync(0);
    for (const call of [queued, slot]) {
      expect(call.error).toMatchObject(closedError);
      expect((call.error as Error).message).not.toMatch(/unexpected error|stopped/);
    }
    // close() does not wait for a call on the wire; that call finishes on its own (here: its 60 s timeout).
    expect(holder.at).toBeUndefined();
    expect(closing.at).toBeDefined();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(holder.error).toMatchObject(closedError);
    expect((holder.error as Error).cause).toMatchObject({ name: 'RetryableError' });
  });
});

describe('5. a decision hook that throws or rejects', () => {
  const cases: [string, (bug: Error) => Record<string, unknown>, () => Response][] = [
    [
      'shouldRetry',
      (bug) => ({
        shouldRetry: () => {
          throw bug;
        },
      }),
      () => respond.json(v1Error(130), 503),
    ],
    [
      'beforeRetry',
      (bug) => ({ beforeRetry: () => Promise.reject(bug) }),
      () => respond.json(v1Error(130), 503),
    ],
    [
      'onRateLimit',
      (bug) => ({
        onRateLimit: () => {
          throw bug;
        },
      }),
      () => respond.json(v1Error(88), 429, rateLimitHeaders({ remaining: 0, resetInSeconds: 5 })),
    ],
    [
      'onAuthError',
      (bug) => ({ onAuthError: () => Promise.reject(bug) }),
      () => respond.json(v1Error(89), 401),
    ],
  ];
  for (const [hook, hooks, answer] of cases) {
    it(`${hook}: a PermanentError naming the hook, cause what it threw, with a give-up event`, async () => {
      use(http.get(`${API}/2/x`, answer));
      const bug = new Error(`bug in ${hook}`);
      const log = eventLog();
      const x = createClient({ rateLimit: false, hooks: { ...hooks(bug), onEvent: log.onEvent } });
      const call = watch(x.get('/2/x'));
      await vi.advanceTimersByTimeAsync(50);
      expect(isCalmError(call.error)).toBe(true);
      expect(call.error).toMatchObject({ name: 'PermanentError', giveUp: `hooks.${hook} threw` });
      expect((call.error as Error).cause).toBe(bug);
      const giveUps = log.events.filter(
        (e): e is Extract<CalmEvent, { type: 'give-up' }> => e.type === 'give-up',
      );
      expect(giveUps).toMatchObject([{ category: 'permanent', giveUp: `hooks.${hook} threw` }]);
    });
  }
});

describe('6. a call made after close()', () => {
  for (const rateLimit of [false, undefined] as const) {
    it(`is refused unsent (rateLimit: ${String(rateLimit)})`, async () => {
      const seen = recordRequests(server);
      use(http.get(`${API}/2/me`, ok));
      const x = createClient(rateLimit === false ? { rateLimit } : {});
      await x.close();
      const call = watch(x.get('/2/me'));
      await vi.advanceTimersByTimeAsync(20);
      expect(call.error).toMatchObject(closedError);
      expect(seen).toHaveLength(0);
    });
  }
});

describe('7. a ReadableStream body meeting 503 + code 130', () => {
  it('is sent once, and the call ends with the server’s own classification', async () => {
    const seen = recordRequests(server);
    use(http.put(`${API}/2/upload`, () => respond.json(v1Error(130), 503)));
    const x = createClient({ rateLimit: false });
    const body = new ReadableStream({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('chunk'));
        controller.close();
      },
    });
    const call = watch(x.put('/2/upload', { body, headers: { 'content-type': 'text/plain' } }));
    await vi.advanceTimersByTimeAsync(5000);
    expect(seen).toHaveLength(1);
    expect(call.error).toMatchObject({ name: 'RetryableError', status: 503, codes: [{ code: 130 }] });
    expect((call.error as CalmError).giveUp).toMatch(/stream/);
  });
});

describe('close() and calls already on the wire (found by attacking the rework)', () => {
  it('a call that queued behind a probe and is on the wire at close() keeps its answer', async () => {
    use(
      http.get(`${API}/2/a`, async () => {
        await delay(300);
        return HttpResponse.json(
          { data: 1 },
          { headers: rateLimitHeaders({ limit: 15, remaining: 10, resetInSeconds: 900 }) },
        );
      }),
    );
    const x = createClient({});
    const probe = watch(x.get('/2/a'));
    const queued = watch(x.get('/2/a')); // waits for the probe's answer, then goes out
    await vi.advanceTimersByTimeAsync(450); // the probe answered at 300 ms; the queued call is on the wire
    void x.close();
    await vi.advanceTimersByTimeAsync(400);
    expect(probe.value).toMatchObject({ status: 200 });
    expect(queued.error).toBeUndefined();
    expect(queued.value).toMatchObject({ status: 200, attempts: 1 });
  });

  it('after close(), the caller’s signal still aborts a call on the wire', async () => {
    use(
      http.get(`${API}/2/slow`, async () => {
        await delay(5000);
        return ok();
      }),
    );
    const x = createClient({ rateLimit: false, timeoutMs: 60_000 });
    const controller = new AbortController();
    const call = watch(x.get('/2/slow', { signal: controller.signal }));
    await vi.advanceTimersByTimeAsync(100);
    void x.close();
    await vi.advanceTimersByTimeAsync(100);
    expect(call.at).toBeUndefined();
    controller.abort(new Error('stop now'));
    await vi.advanceTimersByTimeAsync(1);
    expect(call.at).toBe(200);
    expect(call.error).toEqual(new Error('stop now'));
  });
});

describe('observers and hooks that misbehave (found by attacking the rework)', () => {
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);

  it('an async onEvent that rejects, and onPartialErrors throwing a null-prototype object, leave no unhandled rejection', async () => {
    process.on('unhandledRejection', onUnhandled);
    try {
      use(
        http.get(`${API}/2/tweets`, () =>
          HttpResponse.json({
            data: [{ id: '20' }],
            errors: [
              {
                value: '9',
                detail: 'Could not find tweet with ids: [9].',
                title: 'Not Found Error',
                resource_type: 'tweet',
                parameter: 'ids',
                resource_id: '9',
                type: 'https://api.twitter.com/2/problems/resource-not-found',
              },
            ],
          }),
        ),
      );
      const log = eventLog();
      const x = createClient({
        rateLimit: false,
        hooks: {
          onEvent: async (event) => {
            log.onEvent(event);
            throw new Error('telemetry is down');
          },
          onPartialErrors: () => {
            throw Object.create(null);
          },
        },
      });
      const call = watch(x.get('/2/tweets'));
      await vi.advanceTimersByTimeAsync(50);
      await new Promise((resolve) => process.nextTick(resolve));
      expect(call.value).toMatchObject({ status: 200 });
      expect(log.events.find((e) => e.type === 'hook-error')).toMatchObject({ hook: 'onPartialErrors' });
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it('a hook that returns a thenable of its own (another realm’s promise) is still bounded by the deadline', async () => {
    use(http.get(`${API}/2/x`, () => respond.json(v1Error(130), 503)));
    // A promise from another realm: not `instanceof Promise` here.
    const thenable = runInNewContext('new Promise(() => {})') as Promise<boolean>;
    expect(thenable instanceof Promise).toBe(false);
    const x = createClient({ rateLimit: false, deadlineMs: 500, hooks: { shouldRetry: () => thenable } });
    const call = watch(x.get('/2/x'));
    await vi.advanceTimersByTimeAsync(500);
    expect(call.at).toBe(500);
    expect((call.error as Error).message).toMatch(/deadline/);
  });
});

describe('a deadline beyond one timer (found by attacking the rework)', () => {
  it('deadlineMs of 30 days ends the call at 30 days, not at 24.8 (2^31 - 1 ms)', async () => {
    const x = createClient({ rateLimit: false, deadlineMs: 30 * 86_400_000, auth: { bearer: never } });
    const call = watch(x.get('/2/me'));
    await vi.advanceTimersByTimeAsync(2 ** 31 + 1000);
    expect(call.at).toBeUndefined();
    await vi.advanceTimersByTimeAsync(30 * 86_400_000 - 2 ** 31 - 1000);
    expect(call.at).toBe(30 * 86_400_000);
    expect((call.error as Error).message).toMatch(/deadline/);
  });
});

describe('close() after an attempt was sent (found by attacking the rework)', () => {
  it('does not say "not sent": the attempt’s own word on whether it was processed stands', async () => {
    use(http.put(`${API}/2/lists/1`, () => respond.json({}, 503)));
    const x = createClient({ rateLimit: false, random: () => 0.99 });
    const call = watch(x.put('/2/lists/1', { json: { name: 'a' } }));
    await vi.advanceTimersByTimeAsync(50); // the 503 came back; the call waits to retry
    expect(call.at).toBeUndefined();
    await x.close();
    await vi.advanceTimersByTimeAsync(0);
    expect(call.error).toMatchObject(closedError);
    expect((call.error as CalmError).reason).toBe('not retried: the client was closed');
    expect((call.error as CalmError).classification.unprocessed).toBe(false);
    expect((call.error as Error).message).not.toMatch(/not sent/);
  });
});

describe('shouldRetry: true cannot break the promises (found by attacking the rework)', () => {
  it('never resends a POST the server may have processed, nor overrides a rate limit’s refusal', async () => {
    const seen = recordRequests(server);
    use(
      http.post(`${API}/2/tweets`, () => respond.json(v1Error(131), 500)),
      http.get(`${API}/2/limited`, () =>
        respond.json(v1Error(88), 429, rateLimitHeaders({ remaining: 0, resetInSeconds: 3600 })),
      ),
      http.get(`${API}/2/bad`, () => respond.json({}, 400)),
    );
    const x = createClient({ rateLimit: false, random: () => 0, hooks: { shouldRetry: () => true } });
    const post = watch(x.post('/2/tweets', { json: { text: 'once' } }));
    const limited = watch(x.get('/2/limited'));
    const bad = watch(x.get('/2/bad')); // a 400 on a GET: the override may retry it, within retry.limit
    await vi.advanceTimersByTimeAsync(10_000);
    expect(seen.filter((r) => r.path === '/2/tweets')).toHaveLength(1);
    expect(post.error).toMatchObject({ name: 'RetryableError', status: 500 });
    expect(seen.filter((r) => r.path === '/2/limited')).toHaveLength(1);
    expect(limited.error).toMatchObject({ name: 'RateLimitError' });
    expect(seen.filter((r) => r.path === '/2/bad')).toHaveLength(4);
    expect(bad.error).toMatchObject({ name: 'PermanentError', attempts: 4 });
  });
});
