// client.stream with a caller signal that aborts without a reason (a polyfill signal; see
// reasonless-signal.test.ts). The supervisor now stops the stream with `scope.reason` (bcc832c), i.e. undefined:
// the iterator rejects with `undefined` where it used to reject with the scope signal's AbortError.
import { HttpResponse, http } from 'msw';
import { expect, it, vi } from 'vitest';
import { createClient } from '../../src/index.ts';
import { API, useMockServer } from '../helpers.ts';

const { use } = useMockServer();

function reasonlessSignal() {
  const target = new EventTarget();
  const signal = {
    aborted: false,
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

it('a stream aborted while it waits to reconnect ends with a typed error, not undefined', async () => {
  use(
    http.get(`${API}/2/tweets/search/stream`, () =>
      HttpResponse.json({ title: 'Service Unavailable' }, { status: 503 }),
    ),
  );
  const x = createClient({});
  const { signal, abort } = reasonlessSignal();
  const stream = x.stream('/2/tweets/search/stream', { signal });
  const state: { settled: boolean; error?: unknown } = { settled: false };
  (async () => {
    for await (const _ of stream) {
    }
  })().then(
    () => Object.assign(state, { settled: true }),
    (error: unknown) => Object.assign(state, { settled: true, error }),
  );
  await vi.advanceTimersByTimeAsync(200);
  expect(state.settled).toBe(false);
  abort();
  await vi.advanceTimersByTimeAsync(5);
  expect(state.settled).toBe(true);
  expect('error' in state ? 'rejected' : 'ended quietly').toBe('rejected');
  expect(state.error).toBeInstanceOf(Error);
  await x.close();
});
