// Issue 14, item 11: tests that share one client start fresh with `client.resetRateLimits()`; and a call the
// limiter refused says it was not sent, not "(1 attempt)".
import { HttpResponse, http } from 'msw';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { rateLimited } from '../../mocks/index.ts';
import { bareClassification } from '../../src/classify/classify.ts';
import { createClient, isRateLimitError } from '../../src/index.ts';
import { errorMessage } from '../../src/result/messages.ts';
import { API, recordRequests, settle, T0, useMockServer } from '../helpers.ts';

const { server, use } = useMockServer();

describe('one shared client, reset between tests', () => {
  // As the README's FAQ shows: one client for the whole file, its rate limits reset before each test.
  const x = createClient({ retry: { maxWaitMs: 60_000 } });
  beforeEach(() => x.resetRateLimits());
  afterEach(() => x.resetRateLimits());

  it('a test that draws a 429 with a reset 900 s ahead holds the bucket…', async () => {
    use(rateLimited('get', `${API}/2/tweets`, { resetInSeconds: 900 }));
    const { error } = await settle(x.get('/2/tweets'));
    expect(isRateLimitError(error)).toBe(true);
    const held = await settle(x.get('/2/tweets'));
    expect((held.error as Error).message).toMatch(/^GET \/2\/tweets: not sent: the window for this endpoint/);
  });

  it('…and the next test starts fresh: its call is sent', async () => {
    use(http.get(`${API}/2/tweets`, () => HttpResponse.json({ data: [] })));
    const seen = recordRequests(server);
    const { value, error } = await settle(x.get('/2/tweets'));
    expect(error).toBeUndefined();
    expect(value).toMatchObject({ status: 200, attempts: 1 });
    expect(seen).toHaveLength(1);
  });
});

describe('resetRateLimits()', () => {
  it('without it, the held bucket leaks into the next call (the bug the reset is for)', async () => {
    const x = createClient({ retry: { maxWaitMs: 60_000 } });
    use(rateLimited('get', `${API}/2/tweets`, { resetInSeconds: 900, once: true }));
    await settle(x.get('/2/tweets'));
    use(http.get(`${API}/2/tweets`, () => HttpResponse.json({ data: [] })));
    expect(isRateLimitError((await settle(x.get('/2/tweets'))).error)).toBe(true);
    await x.resetRateLimits();
    expect((await settle(x.get('/2/tweets'))).value).toMatchObject({ status: 200 });
    await x.close();
  });

  it('clears the refill timers', async () => {
    const x = createClient({ retry: { maxWaitMs: 60_000 } });
    use(rateLimited('get', `${API}/2/tweets`, { resetInSeconds: 900 }));
    await settle(x.get('/2/tweets'));
    const held = vi.getTimerCount();
    await x.resetRateLimits();
    const afterReset = vi.getTimerCount();
    expect(afterReset).toBeLessThan(held);
    // Nothing left that close() would clear: the timers left are not the client's.
    await x.close();
    expect(vi.getTimerCount()).toBe(afterReset);
  });

  it('fails a call still queued with a RateLimitError that says so, unsent', async () => {
    const x = createClient({ rateLimit: { maxConcurrent: 1 }, retry: { maxWaitMs: 600_000 } });
    use(rateLimited('get', `${API}/2/tweets`, { resetInSeconds: 300, once: true }));
    await settle(x.get('/2/tweets', { retry: { maxWaitMs: 1000 } }));
    const queued = settle(x.get('/2/tweets'), 0);
    await vi.advanceTimersByTimeAsync(10);
    expect(x.queued).toBe(1);
    await x.resetRateLimits();
    await vi.advanceTimersByTimeAsync(10);
    const { error } = await queued;
    expect(isRateLimitError(error)).toBe(true);
    expect((error as Error).message).toBe(
      'GET /2/tweets: not sent: the rate limits were reset (client.resetRateLimits()); the request was never sent',
    );
    expect(x.queued).toBe(0);
    await x.close();
  });

  it('is a no-op without a limiter', async () => {
    await expect(createClient({ rateLimit: false }).resetRateLimits()).resolves.toBeUndefined();
  });
});

describe('the message of a call the limiter refused', () => {
  const refused = bareClassification('rate-limited', 'not sent: the window is spent', { unprocessed: true });
  const retryAt = new Date(T0 + 900_000);

  it('names no attempt when none was sent', () => {
    expect(errorMessage('GET', `${API}/2/x`, refused, 1, 'the request was never sent', retryAt)).toBe(
      `GET /2/x: not sent: the window is spent; the request was never sent; retry at ${retryAt.toISOString()}`,
    );
  });

  it('counts the attempts sent when a retry was refused', () => {
    expect(errorMessage('GET', `${API}/2/x`, refused, 2, undefined, undefined)).toBe(
      'GET /2/x: not sent: the window is spent (1 attempt sent, the next not)',
    );
  });

  it('still counts a network failure that never reached a server as an attempt', () => {
    const network = bareClassification('retryable', 'network error ECONNREFUSED', {
      unprocessed: true,
      decidedBy: { kind: 'network', code: 'ECONNREFUSED' },
    });
    expect(errorMessage('GET', `${API}/2/x`, network, 1, undefined, undefined)).toBe(
      'GET /2/x: network error ECONNREFUSED (1 attempt)',
    );
  });
});
