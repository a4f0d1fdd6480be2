// Every place a call waits × every way its scope ends: each wait ends within a few ms of the exit, typed, and
// leaves no timer or listener behind. Fake time; the Redis wait runs over loopback in real time.
import { createServer } from 'node:net';
import { delay, HttpResponse, http } from 'msw';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { rateLimitHeaders, respond, v1Error } from '../../mocks/index.ts';
import { type CalmClient, type ClientOptions, createClient, isCalmError } from '../../src/index.ts';
import { API, useMockServer } from '../helpers.ts';

const { use } = useMockServer();
const never = () => new Promise<never>(() => {});
const ok = () => HttpResponse.json({ data: { id: '1' } });

interface WaitPoint {
  /** The client for this wait, and anything that must happen before the call under test waits there. */
  readonly setup: () => Promise<{ x: CalmClient; path: string }> | { x: CalmClient; path: string };
}

const client = (options: ClientOptions) => createClient({ rateLimit: false, ...options });
const answer = (path: string, reply: () => Response | Promise<Response>) =>
  use(http.get(`${API}${path}`, reply));

const WAITS: Record<string, WaitPoint> = {
  'the bearer provider': { setup: () => ({ x: client({ auth: { bearer: never } }), path: '/2/a' }) },
  'the auth function': { setup: () => ({ x: client({ auth: never }), path: '/2/a' }) },
  'a beforeRequest hook': {
    setup: () => ({ x: client({ hooks: { beforeRequest: [never] } }), path: '/2/a' }),
  },
  onAuthError: {
    setup: () => {
      answer('/2/a', () => respond.json(v1Error(89), 401));
      return { x: client({ hooks: { onAuthError: never } }), path: '/2/a' };
    },
  },
  shouldRetry: {
    setup: () => {
      answer('/2/a', () => respond.json(v1Error(130), 503));
      return { x: client({ hooks: { shouldRetry: never } }), path: '/2/a' };
    },
  },
  beforeRetry: {
    setup: () => {
      answer('/2/a', () => respond.json(v1Error(130), 503));
      return { x: client({ hooks: { beforeRetry: never } }), path: '/2/a' };
    },
  },
  onRateLimit: {
    setup: () => {
      answer('/2/a', () => respond.json(v1Error(88), 429, rateLimitHeaders({ resetInSeconds: 60 })));
      return { x: client({ hooks: { onRateLimit: never } }), path: '/2/a' };
    },
  },
  'the limiter queue': {
    setup: async () => {
      answer('/2/a', () =>
        HttpResponse.json({ data: {} }, { headers: rateLimitHeaders({ remaining: 0, resetInSeconds: 600 }) }),
      );
      const x = createClient({});
      const first = x.get('/2/a');
      await vi.advanceTimersByTimeAsync(20);
      await first;
      return { x, path: '/2/a' };
    },
  },
  'a maxConcurrent slot': {
    setup: async () => {
      // Longer than the holder's 1 s timeout (msw's 'infinite' delay is a timer of its own that never ends).
      answer('/2/slow', async () => {
        await delay(5000);
        return ok();
      });
      const x = createClient({ rateLimit: { maxConcurrent: 1 }, timeoutMs: 1000 });
      x.get('/2/slow').catch(() => {});
      await vi.advanceTimersByTimeAsync(5);
      return { x, path: '/2/a' };
    },
  },
  'a backoff sleep': {
    setup: () => {
      answer('/2/a', () => respond.json(v1Error(130), 503));
      return { x: client({ random: () => 0.99 }), path: '/2/a' };
    },
  },
  'a rate-limit sleep': {
    setup: () => {
      answer('/2/a', () => respond.json(v1Error(88), 429, rateLimitHeaders({ resetInSeconds: 60 })));
      return { x: client({}), path: '/2/a' };
    },
  },
};

/** A caller's signal that counts its live listeners. */
function countedSignal() {
  const controller = new AbortController();
  const live = new Set<unknown>();
  const { signal } = controller;
  const add = signal.addEventListener.bind(signal);
  const remove = signal.removeEventListener.bind(signal);
  signal.addEventListener = ((type: string, listener: EventListener, options?: AddEventListenerOptions) => {
    live.add(listener);
    add(type, listener, options);
  }) as typeof signal.addEventListener;
  signal.removeEventListener = ((type: string, listener: EventListener) => {
    live.delete(listener);
    remove(type, listener);
  }) as typeof signal.removeEventListener;
  return { controller, live };
}

const EXIT_AT = 100;

afterEach(() => {
  vi.useFakeTimers(); // the Redis case switches to real time
});

describe.each(Object.entries(WAITS))('waiting in %s', (_name, wait) => {
  it.each(['abort', 'deadline', 'close'] as const)(
    'ends within a few ms of %s, typed, leaving nothing behind',
    async (exit) => {
      const { x, path } = await wait.setup();
      const { controller, live } = countedSignal();
      const started = Date.now();
      const state: { at?: number; error?: unknown; value?: unknown } = {};
      x.get(path, { signal: controller.signal, ...(exit === 'deadline' && { deadlineMs: EXIT_AT }) }).then(
        (value) => Object.assign(state, { at: Date.now() - started, value }),
        (error: unknown) => Object.assign(state, { at: Date.now() - started, error }),
      );
      await vi.advanceTimersByTimeAsync(EXIT_AT - 1);
      // Still waiting there; except that a deadline shorter than a wait the client knows in advance (a backoff,
      // a reset, a spent window) fails the call at once: no wait starts that would overrun it.
      if (state.at !== undefined) {
        expect(exit).toBe('deadline');
        expect((state.error as Error).message).toMatch(/overrun the deadline|past the deadline/);
      }
      const reason = new Error('the caller gave up');
      await vi.advanceTimersByTimeAsync(1);
      if (exit === 'abort') controller.abort(reason);
      const closing = exit === 'close' ? x.close() : undefined;
      await vi.advanceTimersByTimeAsync(2);
      expect(state.at).toBeLessThanOrEqual(EXIT_AT + 2);
      if (exit !== 'deadline') expect(state.at).toBeGreaterThanOrEqual(EXIT_AT);
      if (exit === 'abort') expect(state.error).toBe(reason);
      else if (exit === 'deadline') {
        expect(isCalmError(state.error)).toBe(true);
        expect((state.error as Error).message).toMatch(/deadline/);
      } else expect(state.error).toMatchObject({ name: 'PermanentError', giveUp: 'the client was closed' });
      if (exit !== 'abort') expect(live.size).toBe(0);
      const done = closing ?? x.close();
      // A call left on the wire ends at its timeout; msw's own fetch timers (there with any client) end by 10 s.
      await vi.advanceTimersByTimeAsync(10_000);
      await done;
      expect(vi.getTimerCount()).toBe(0);
    },
  );
});

describe('waiting for Redis (loopback, real time)', () => {
  /** A port nothing listens on. */
  async function deadPort(): Promise<number> {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const { port } = probe.address() as { port: number };
    await new Promise((resolve) => probe.close(resolve));
    return port;
  }

  it.each(['abort', 'deadline', 'close'] as const)('ends within a few ms of %s', async (exit) => {
    vi.useRealTimers();
    const port = await deadPort();
    const x = createClient({
      rateLimit: {
        redis: { options: { host: '127.0.0.1', port, maxRetriesPerRequest: 0 }, timeoutMs: 5000 },
      },
    });
    const controller = new AbortController();
    const started = performance.now();
    const settled = x
      .get('/2/a', { signal: controller.signal, ...(exit === 'deadline' && { deadlineMs: 150 }) })
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    const reason = new Error('the caller gave up');
    await new Promise((resolve) => setTimeout(resolve, 150));
    if (exit === 'abort') controller.abort(reason);
    if (exit === 'close') void x.close();
    const error = await settled;
    const elapsed = performance.now() - started;
    expect(elapsed).toBeLessThan(400); // the Redis wait would take 5 s
    if (exit === 'abort') expect(error).toBe(reason);
    else if (exit === 'deadline') expect((error as Error).message).toMatch(/deadline/);
    else expect(error).toMatchObject({ giveUp: 'the client was closed' });
    await x.close();
  });
});
