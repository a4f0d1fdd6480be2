// Fault injection over a real socket (test/chaos/server.ts on loopback). Real timers: the faults are real socket
// behaviour (resets, stalls, trickles); timeouts and backoffs are set to a few milliseconds so nothing sleeps long.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type CalmEvent,
  createClient,
  isAuthError,
  isCalmError,
  isRateLimitError,
  isRetryableError,
} from '../../src/index.ts';
import { TOKEN } from '../helpers.ts';
import { type ChaosServer, type Fault, startChaosServer } from './server.ts';

let chaos: ChaosServer;
beforeAll(async () => {
  chaos = await startChaosServer({ stallMs: 2000, trickleMs: 40 });
});
afterAll(() => chaos.close());

const client = (events: CalmEvent[] = [], extra: Parameters<typeof createClient>[0] = {}) =>
  createClient({
    baseUrl: chaos.url,
    auth: { bearer: TOKEN },
    timeoutMs: 300,
    retry: { limit: 2, baseDelayMs: 1, maxDelayMs: 5, maxWaitMs: 60_000 },
    random: () => 0,
    hooks: { onEvent: (e) => events.push(e) },
    ...extra,
  });

async function outcome(promise: Promise<unknown>) {
  try {
    return { value: await promise, error: undefined };
  } catch (error) {
    return { value: undefined, error };
  }
}

describe('reads: every fault is classified, retried when it should be, and the call settles', () => {
  it.each<[Fault, 'retryable' | 'ok', number]>([
    ['reset-before-headers', 'retryable', 3],
    ['reset-after-headers', 'retryable', 3],
    ['drop-mid-body', 'retryable', 3],
    ['stall-headers', 'retryable', 3],
    ['trickle-body', 'retryable', 3],
    ['html-error', 'retryable', 3],
    ['invalid-json-200', 'retryable', 3],
    ['truncated-json-200', 'retryable', 3],
    ['retry-after-past', 'retryable', 3],
    ['garbage-rate-limit-headers', 'ok', 1],
  ])('GET %s → %s after %i attempt(s)', async (fault, category, attempts) => {
    const x = client();
    const { value, error } = await outcome(x.get(`/2/${fault}/20`));
    if (category === 'ok') {
      expect(error).toBeUndefined();
      expect(value).toMatchObject({ attempts });
    } else {
      expect(isRetryableError(error)).toBe(true);
      expect(error).toMatchObject({ category, attempts });
      expect(String((error as Error).message)).not.toContain(TOKEN);
    }
    await x.close();
  });

  it('garbage rate-limit headers are dropped, never NaN or negative', async () => {
    const x = client();
    const result = await x.get(`/2/garbage-rate-limit-headers/20`);
    for (const value of Object.values(result.rateLimit)) {
      if (typeof value === 'number') expect(Number.isFinite(value) && value >= 0).toBe(true);
    }
    expect(result.rateLimit).not.toHaveProperty('limit');
    expect(result.rateLimit).not.toHaveProperty('retryAfterMs');
    await x.close();
  });

  it('a 10 MB body is read whole', async () => {
    const x = client([], { timeoutMs: 10_000 });
    const result = await x.get<{ text: string }>('/2/big-body/20');
    expect(result.data.text).toHaveLength(10 * 1024 * 1024);
    await x.close();
  });

  it('401 + code 135 is auth-fatal, sent once, and says the clock may be wrong', async () => {
    const x = client();
    const { error } = await outcome(x.get('/2/auth-135/20'));
    expect(isAuthError(error)).toBe(true);
    expect(error).toMatchObject({ attempts: 1, status: 401 });
    expect((error as Error).message).toMatch(/135/);
    await x.close();
  });
});

describe('writes: a POST the server may have processed is never sent twice', () => {
  it.each<Fault>([
    'reset-before-headers',
    'reset-after-headers',
    'drop-mid-body',
    'trickle-body',
    'invalid-json-200',
    'truncated-json-200',
    'html-error',
  ])('POST %s: one request, a typed error, processed at most once', async (fault) => {
    const x = client();
    const id = randomUUID();
    const { error } = await outcome(
      x.post(`/2/${fault}/tweets`, { json: { text: 'hi' }, headers: { 'x-call-id': id } }),
    );
    expect(isCalmError(error)).toBe(true);
    expect(error).toMatchObject({ attempts: 1 });
    expect(chaos.processed.get(id) ?? 0).toBeLessThanOrEqual(1);
    await x.close();
  });

  it('POST over-capacity (503 + 130: not processed) is retried, and processed once when it goes through', async () => {
    const x = client();
    const { error } = await outcome(x.post('/2/over-capacity/tweets', { json: { text: 'hi' } }));
    expect(error).toMatchObject({ category: 'retryable', attempts: 3 });
    await x.close();
  });
});

describe('waits are computed from the server, bounded and right', () => {
  const waitFor = async (fault: Fault) => {
    let seen: { delayMs: number; retryAt: Date } | undefined;
    const x = client([], {
      hooks: {
        onRateLimit: (ctx) => {
          seen = { delayMs: ctx.delayMs, retryAt: ctx.retryAt };
          return 'fail';
        },
      },
    });
    const { error } = await outcome(x.get(`/2/${fault}/20`));
    await x.close();
    return { seen, error };
  };

  it('Retry-After as an HTTP date 3 s ahead: a wait of about 3 s (the date has one-second resolution)', async () => {
    const { seen, error } = await waitFor('retry-after-http-date');
    expect(isRateLimitError(error)).toBe(true);
    expect(seen!.delayMs).toBeGreaterThanOrEqual(2000);
    expect(seen!.delayMs).toBeLessThanOrEqual(3000);
  });

  it('Retry-After ten years ahead is not trusted: waits stay within retry.maxWaitMs, then the call fails', async () => {
    const events: CalmEvent[] = [];
    const x = client(events, { retry: { maxWaitMs: 100 } });
    const { error } = await outcome(x.get('/2/retry-after-future/20'));
    expect(isRateLimitError(error)).toBe(true);
    const waits = events.flatMap((e) => (e.type === 'wait' ? [e.delayMs] : []));
    // A 429 with no usable time holds its bucket for retry.rateLimitBaseDelayMs (60 s): the limiter fails the
    // retry unsent, with retryAt at the end of that hold, rather than sending it again.
    expect(waits.length).toBeLessThanOrEqual(1);
    for (const delay of waits) expect(delay).toBeLessThanOrEqual(100);
    expect((error as { retryAt?: Date }).retryAt!.getTime()).toBeGreaterThanOrEqual(Date.now() + 59_000);
    await x.close();
  });

  it("a server clock 10 minutes ahead: the reset is read against the server's Date, right to within a second", async () => {
    const { seen, error } = await waitFor('skewed-clock-429');
    expect(isRateLimitError(error)).toBe(true);
    // The reset is 2–3 s ahead on the server's clock (whole seconds); calmfetch adds up to 500 ms (0 here).
    expect(seen!.delayMs).toBeGreaterThanOrEqual(1000);
    expect(seen!.delayMs).toBeLessThanOrEqual(4000);
    expect(Math.abs(seen!.retryAt.getTime() - Date.now())).toBeLessThan(4000);
  });
});
