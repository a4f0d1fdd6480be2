import { describe, expect, it } from 'vitest';
import {
  createMockXApi,
  noRules,
  streamSteps as s,
  tooManyConnections,
  usageCapped,
  xFailures,
} from '../../mocks/index.ts';
import { isAuthError, isPermanentError, isRateLimitError } from '../../src/index.ts';
import { T0, TOKEN, useMockServer } from '../helpers.ts';
import { openHarness, STREAM } from './harness.ts';

const mock = useMockServer();
const HOLD = [{ wait: Number.POSITIVE_INFINITY }];
const unavailable = () => xFailures['service-unavailable']();
const network = () => xFailures['network-error']();

describe("each failure class reconnects on X's schedule for it", () => {
  it('network +250 ms, HTTP 5 s doubling, 429 TooManyConnections 1 min doubling, a dropped stream at once', async () => {
    const h = openHarness(mock, [
      network,
      network,
      unavailable,
      unavailable,
      tooManyConnections,
      tooManyConnections,
      [s.post('1')], // established, then closed by the server
      [s.operationalDisconnect()], // X announces the close, then closes
      unavailable, // the schedules started over once a connection was established
      [s.post('2'), ...HOLD],
    ]);
    await h.advance(250 + 500 + 5000 + 10_000 + 60_000 + 120_000 + 5000 + 1000);
    expect(h.reconnects()).toEqual([
      ['network', 250],
      ['network', 500],
      ['http', 5000],
      ['http', 10_000],
      ['rate-limit', 60_000],
      ['rate-limit', 120_000],
      ['immediate', 0],
      ['immediate', 0],
      ['http', 5000],
    ]);
    // Each connect went out only after its delay (a few ms of timer hops aside).
    for (const [i, waited] of h.waited().entries()) {
      const delay = h.reconnects()[i]![1];
      expect(waited).toBeGreaterThanOrEqual(delay);
      expect(waited).toBeLessThan(delay + 50);
    }
    expect(h.got).toEqual(['1', '2']);
    const whys = h.of('stream-disconnected').map((e) => e.why);
    expect(whys).toEqual(['ended', 'operational-disconnect']);
    expect(h.of('stream-errors')).toMatchObject([{ disconnect: true }]);
    await h.stream.close();
    await h.done;
    expect(h.error).toBeUndefined();
  });

  it('a TooManyConnections 429 ignores its x-rate-limit-reset (it counts connects, remaining is far above 0)', async () => {
    const h = openHarness(mock, [
      () => tooManyConnections({ 'x-rate-limit-remaining': '39995', 'x-rate-limit-limit': '40000' }),
      [s.post('1'), ...HOLD],
    ]);
    await h.advance(60_100);
    expect(h.reconnects()).toEqual([['rate-limit', 60_000]]);
    expect(h.got).toEqual(['1']);
    expect(h.connectTimes()[1]).toBeLessThan(60_100);
    await h.stream.close();
  });

  it('reconnect.maxAttempts failed connects in a row end the stream with the last error', async () => {
    const h = openHarness(mock, [unavailable], { reconnect: { maxAttempts: 3, httpBaseMs: 10 } });
    await h.advance(200);
    await h.done;
    expect(h.seen).toHaveLength(3);
    expect(h.reconnects()).toEqual([
      ['http', 10],
      ['http', 20],
    ]);
    expect(h.of('stream-give-up')).toMatchObject([{ giveUp: 'reconnect.maxAttempts reached' }]);
    expect(h.error).toMatchObject({ status: 503, category: 'retryable' });
  });
});

describe('what reconnecting cannot fix ends the stream with a typed error, at once', () => {
  it('started with invalid credentials: one refresh through onAuthError, no 429, an AuthError', async () => {
    const api = createMockXApi({
      bearer: 'the-right-token',
      endpoints: [{ method: 'GET', path: STREAM, limit: 50, stream: [[s.post('1'), ...HOLD]] }],
    });
    mock.use(...api.handlers);
    let refreshes = 0;
    const h = openHarness(mock, undefined, {}, { hooks: { onAuthError: () => ++refreshes === 1 } });
    await h.advance(10 * 60_000);
    await h.done;
    expect(isAuthError(h.error)).toBe(true);
    expect(refreshes).toBe(1);
    expect(api.stats.byStatus).toEqual({ 401: 2 });
    expect(h.reconnects()).toEqual([]);
    expect(h.of('stream-give-up')).toMatchObject([{ category: 'auth-fatal' }]);
    // The credentials appear nowhere in what the stream reported.
    expect(JSON.stringify(h.log.events)).not.toContain(TOKEN);
  });

  it.each([
    ['409 (a filtered stream with no rules)', noRules, isPermanentError, 409],
    ['400', () => xFailures['invalid-pagination-token'](), isPermanentError, 400],
    [
      '403',
      () => new Response(JSON.stringify({ title: 'Forbidden', type: 'about:blank' }), { status: 403 }),
      (e: unknown) => isPermanentError(e) || isAuthError(e),
      403,
    ],
    ['a usage cap (429 usage-capped)', () => xFailures['usage-capped'](), isRateLimitError, 429],
  ])('%s', async (_name, answer, guard, status) => {
    const h = openHarness(mock, [answer, [s.post('1'), ...HOLD]]);
    await h.advance(1000);
    await h.done;
    expect(guard(h.error)).toBe(true);
    expect(h.error).toMatchObject({ status });
    expect(h.seen).toHaveLength(1);
    expect(h.reconnects()).toEqual([]);
    expect(h.of('stream-give-up')).toHaveLength(1);
  });

  it('the usage cap fixture is what X sends', () => {
    expect(usageCapped()).toMatchObject({ title: 'UsageCapExceeded' });
  });
});

describe('every connect goes through the limiter bucket of the stream endpoint', () => {
  it('connects beyond the window wait for its reset: a reconnect storm draws no 429', async () => {
    const api = createMockXApi({
      alignWindows: true,
      // X: 50 connects per 15 minutes on /2/tweets/search/stream (rate-limits.mdx:81); 3 here.
      endpoints: [{ method: 'GET', path: STREAM, limit: 3, windowMs: 900_000, stream: [[s.post('x')]] }],
    });
    mock.use(...api.handlers);
    const h = openHarness(mock, undefined, { recovery: false });
    await h.advance(900_000 + 5000);
    expect(api.stats.byStatus[429]).toBeUndefined();
    const times = h.seen.map((r) => r.at - T0);
    expect(times.slice(0, 3).every((t) => t < 1000)).toBe(true);
    expect(times[3]).toBeGreaterThanOrEqual(900_000);
    expect(
      h
        .of('stream-reconnecting')
        .slice(0, 3)
        .map((e) => e.schedule),
    ).toEqual(['immediate', 'immediate', 'immediate']);
    expect(h.log.events.some((e) => e.type === 'limiter' && e.action === 'hold')).toBe(true);
    await h.stream.close();
  });
});
