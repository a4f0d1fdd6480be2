// A caller's signal whose abort carries no reason: an AbortSignal polyfill (such as the `abort-controller` package)
// or a signal-like object from another realm (the options check only asks for `addEventListener`). The call ends
// with an AbortError, as AbortController.abort() makes of no reason, wherever it waits; bcc832c made it reject
// with `undefined` (the scope kept the raw reason).
import { HttpResponse, http } from 'msw';
import { describe, expect, it, vi } from 'vitest';
import { rateLimitHeaders, respond, v1Error } from '../../mocks/index.ts';
import { type CalmClient, createClient } from '../../src/index.ts';
import { API, useMockServer, watch } from '../helpers.ts';

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

const abortError = { name: 'AbortError' };

/** Where a call waits when it is aborted: a client, and the wait started with the caller's signal. */
const waits: Record<string, () => Promise<(signal: AbortSignal) => Promise<unknown>>> = {
  'a backoff sleep': async () => {
    use(http.get(`${API}/2/a`, () => respond.json(v1Error(130), 503)));
    const x = createClient({ rateLimit: false, random: () => 0.99 });
    return (signal) => x.get('/2/a', { signal });
  },
  'the limiter queue': async () => {
    use(
      http.get(`${API}/2/a`, () =>
        HttpResponse.json({ data: {} }, { headers: rateLimitHeaders({ remaining: 0, resetInSeconds: 600 }) }),
      ),
    );
    const x = createClient();
    const spend = watch(x.get('/2/a'));
    await vi.advanceTimersByTimeAsync(20);
    expect(spend.value).toMatchObject({ data: {} });
    return (signal) => x.get('/2/a', { signal });
  },
  'a credentials provider': async () => {
    const x = createClient({ rateLimit: false, auth: { bearer: () => new Promise<string>(() => {}) } });
    return (signal) => x.get('/2/a', { signal });
  },
  "a stream's reconnect wait": async () => {
    use(
      http.get(`${API}/2/tweets/search/stream`, () =>
        HttpResponse.json({ title: 'Service Unavailable' }, { status: 503 }),
      ),
    );
    const x: CalmClient = createClient();
    return async (signal) => {
      for await (const _ of x.stream('/2/tweets/search/stream', { signal })) {
        // no post arrives: the stream only reconnects
      }
    };
  },
};

describe('a caller signal that aborts without a reason', () => {
  it('already aborted: the call rejects with an AbortError', async () => {
    use(http.get(`${API}/2/a`, () => HttpResponse.json({ data: {} })));
    const x = createClient({ rateLimit: false });
    const call = watch(x.get('/2/a', { signal: reasonlessSignal(true).signal }));
    await vi.advanceTimersByTimeAsync(20);
    expect(call.at).toBeDefined();
    expect(call.error).toBeInstanceOf(Error);
    expect(call.error).toMatchObject(abortError);
  });

  it.each(Object.keys(waits))('aborted in %s: the call rejects with an AbortError at once', async (name) => {
    const start = await waits[name]!();
    const { signal, abort } = reasonlessSignal();
    const call = watch(start(signal));
    await vi.advanceTimersByTimeAsync(200);
    expect(call.at).toBeUndefined();
    abort();
    await vi.advanceTimersByTimeAsync(5);
    expect(call.at).toBeDefined();
    expect(call.error).toBeInstanceOf(Error);
    expect(call.error).toMatchObject(abortError);
  });
});
