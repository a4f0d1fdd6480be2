// A caller's signal whose abort carries no reason (an AbortSignal polyfill such as the `abort-controller` package,
// or a signal-like object from another realm: the options check only asks for `addEventListener`). Before
// bcc832c the call rejected with its scope's `signal.reason`, which AbortController turns into an AbortError
// DOMException when given `undefined`. Now the scope keeps the raw reason (`scope.reason`) and the call rejects
// with `undefined`: an untyped, un-`instanceof`-able rejection, and a different one at each wait point (the
// limiter's queue still rejects with the lazily made signal's AbortError).
import { HttpResponse, http } from 'msw';
import { describe, expect, it, vi } from 'vitest';
import { rateLimitHeaders, respond, v1Error } from '../../mocks/index.ts';
import { createClient } from '../../src/index.ts';
import { API, useMockServer } from '../helpers.ts';

const { use } = useMockServer();

/** A polyfill-style signal: an EventTarget with `aborted`, and no `reason` at all. */
function reasonlessSignal(abortedAlready = false) {
  const target = new EventTarget();
  const signal = {
    aborted: abortedAlready,
    reason: undefined,
    onabort: null,
    addEventListener: target.addEventListener.bind(target),
    removeEventListener: target.removeEventListener.bind(target),
    dispatchEvent: target.dispatchEvent.bind(target),
    throwIfAborted() {},
  };
  const abort = () => {
    signal.aborted = true;
    target.dispatchEvent(new Event('abort'));
  };
  return { signal: signal as unknown as AbortSignal, abort };
}

async function outcome(promise: Promise<unknown>, ms: number) {
  const state: { settled: boolean; error?: unknown } = { settled: false };
  promise.then(
    () => Object.assign(state, { settled: true }),
    (error: unknown) => Object.assign(state, { settled: true, error }),
  );
  await vi.advanceTimersByTimeAsync(ms);
  return state;
}

describe('a caller signal that aborts without a reason', () => {
  it('already aborted: the call rejects with a typed error, not undefined', async () => {
    use(http.get(`${API}/2/a`, () => HttpResponse.json({ data: {} })));
    const x = createClient({ rateLimit: false });
    const { signal } = reasonlessSignal(true);
    const state = await outcome(x.get('/2/a', { signal }), 20);
    expect(state.settled).toBe(true);
    expect(state.error).toBeInstanceOf(Error);
  });

  it('aborted during a backoff sleep: the call rejects with a typed error, not undefined', async () => {
    use(http.get(`${API}/2/a`, () => respond.json(v1Error(130), 503)));
    const x = createClient({ rateLimit: false, random: () => 0.99 });
    const { signal, abort } = reasonlessSignal();
    const call = x.get('/2/a', { signal });
    await vi.advanceTimersByTimeAsync(50);
    abort();
    const state = await outcome(call, 5);
    expect(state.settled).toBe(true);
    expect(state.error).toBeInstanceOf(Error);
  });

  it('aborted in the limiter queue: the call rejects with a typed error, not undefined', async () => {
    use(
      http.get(`${API}/2/a`, () =>
        HttpResponse.json({ data: {} }, { headers: rateLimitHeaders({ remaining: 0, resetInSeconds: 600 }) }),
      ),
    );
    const x = createClient({});
    await outcome(x.get('/2/a'), 20);
    const { signal, abort } = reasonlessSignal();
    const call = x.get('/2/a', { signal });
    await vi.advanceTimersByTimeAsync(50);
    abort();
    const state = await outcome(call, 5);
    expect(state.settled).toBe(true);
    expect(state.error).toBeInstanceOf(Error);
    await x.close();
  });

  it('aborted in a credentials provider: the call rejects with a typed error, not undefined', async () => {
    const x = createClient({ rateLimit: false, auth: { bearer: () => new Promise<string>(() => {}) } });
    const { signal, abort } = reasonlessSignal();
    const call = x.get('/2/a', { signal });
    await vi.advanceTimersByTimeAsync(10);
    abort();
    const state = await outcome(call, 5);
    expect(state.settled).toBe(true);
    expect(state.error).toBeInstanceOf(Error);
  });
});
