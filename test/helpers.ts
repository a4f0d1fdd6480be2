import type { RequestHandler } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, beforeEach, vi } from 'vitest';
import type { CalmEvent } from '../src/index.ts';

export const API = 'https://api.x.com';
/** The fake time every test starts at (a whole second, as X's resets are). */
export const T0 = Date.UTC(2026, 10, 21, 12, 0, 0);
export const TOKEN =
  'AAAAAAAAAAAAAAAAAAAAAMLheAAAAAAA0%2BuSeid%2BULvsea4JtiGRiSDSJSI%3DEUifiRBkKG5E2XzMDjRfl76ZC9Ub0wnz4XsNiRVBChTYbJcE3F';

/** An msw server for one test file, failing on any unhandled request, with fake timers per test. */
export function useMockServer() {
  const server = setupServer();
  beforeAll(() => server.listen({ onUnhandledFrame: 'error' }));
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(T0);
  });
  afterEach(() => {
    server.resetHandlers();
    vi.useRealTimers();
  });
  afterAll(() => server.close());
  return {
    server,
    use: (...handlers: RequestHandler[]) => server.use(...handlers),
  };
}

/** One request as the tests record it: method, path with query, fake time, headers (the body is not read). */
export type SeenRequest = { method: string; path: string; at: number; headers: Headers; body: string };

/** What `recordRequests` records of one request. */
export function seenRequest(request: Request): SeenRequest {
  const url = new URL(request.url);
  return {
    method: request.method,
    path: url.pathname + url.search,
    at: Date.now(),
    headers: request.headers,
    body: '',
  };
}

/** Records every request the server sees: method, path, fake time, and the request itself. */
export function recordRequests(server: ReturnType<typeof setupServer>) {
  const seen: SeenRequest[] = [];
  const listener = async ({ request }: { request: Request }) => {
    seen.push(seenRequest(request));
  };
  server.events.on('request:start', listener);
  return seen;
}

/** Collects events; `delays(type)` lists the scheduled delays of one kind. */
export function eventLog() {
  const events: CalmEvent[] = [];
  return {
    events,
    onEvent: (event: CalmEvent) => events.push(event),
    types: () => events.map((e) => e.type),
    delays: (type: 'retry' | 'wait') => events.flatMap((e) => (e.type === type ? [e.delayMs] : [])),
  };
}

/**
 * Starts watching a call: `at` is set (fake ms since the start) when it settles, with its value or error. For calls
 * that may not settle at all (held in a queue): `settle()` would wait for them.
 */
export function watch<T>(promise: Promise<T>) {
  const started = Date.now();
  const state: { at?: number; value?: T; error?: unknown } = {};
  promise.then(
    (value) => Object.assign(state, { at: Date.now() - started, value }),
    (error: unknown) => Object.assign(state, { at: Date.now() - started, error }),
  );
  return state;
}

/** Starts a call, advances fake time by `ms`, and settles it (resolved value or rejection). */
export async function settle<T>(promise: Promise<T>, ms = 50): Promise<{ value?: T; error?: unknown }> {
  const settled = promise.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
  await vi.advanceTimersByTimeAsync(ms);
  return settled;
}

/**
 * Runs a call to completion under fake timers: advances fake time by `ms` (msw and ky need a few timer hops
 * even for an instant answer), then returns the value or rethrows the rejection.
 */
export async function run<T>(promise: Promise<T>, ms = 50): Promise<T> {
  const { value, error } = await settle(promise, ms);
  if (error !== undefined) throw error;
  return value as T;
}
