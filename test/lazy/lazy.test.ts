// The chunks calmfetch loads on first use (issue 18): each is loaded only when a call needs it, a failed load is a
// typed error (never a hang, never a retry of a request that was not sent), and every load is bounded by the call's
// scope. Each test imports calmfetch afresh (vi.resetModules): test/setup.ts preloads the chunks for the rest.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { lazy } from '../../src/utils/lazy.ts';

type Index = typeof import('../../src/index.ts');

const json = () =>
  Promise.resolve(new Response('{"data":{"id":"1"}}', { headers: { 'content-type': 'application/json' } }));

async function fresh() {
  vi.resetModules();
  const index: Index = await import('../../src/index.ts');
  const bottleneck = await import('../../src/scheduler/bottleneck.ts');
  const stream = await import('../../src/stream/stream.ts');
  return { ...index, loadLight: bottleneck.loadLight, supervisor: stream.supervisor };
}

afterEach(() => {
  vi.doUnmock('bottleneck/light.js');
  vi.doUnmock('../../src/stream/supervisor.ts');
  vi.resetModules();
});

describe('lazy(): one load, retried after a failure', () => {
  it('loads once, and forgets a failed load so that the next use tries again', async () => {
    const importer = vi.fn<() => Promise<string>>();
    importer.mockRejectedValueOnce(new Error('offline')).mockResolvedValue('module');
    const chunk = lazy(importer);
    expect(chunk.value).toBeUndefined();
    await expect(chunk.load()).rejects.toThrow('offline');
    expect(chunk.value).toBeUndefined();
    const [a, b] = await Promise.all([chunk.load(), chunk.load()]);
    expect([a, b, chunk.value]).toEqual(['module', 'module', 'module']);
    expect(importer).toHaveBeenCalledTimes(2);
  });
});

describe('preload(): every lazy chunk at once, for tests that fake time', () => {
  it('loads Bottleneck’s light build and the stream supervisor before any call', async () => {
    const m = await fresh();
    expect(m.supervisor.value).toBeUndefined();
    await m.preload();
    expect(m.loadLight()).toBeUndefined();
    expect(m.supervisor.value).toBeDefined();
  });
});

describe('Bottleneck’s light build: loaded at the first rate-limited call', () => {
  it('is not loaded by createClient(), only by the first call; never with rateLimit: false', async () => {
    const m = await fresh();
    const off = m.createClient({ fetch: json, rateLimit: false });
    await off.get('/2/users/me');
    expect(m.loadLight()).toBeInstanceOf(Promise); // still not loaded: loadLight() starts it now
    const m2 = await fresh();
    const client = m2.createClient({ fetch: json });
    expect(m2.loadLight()).toBeInstanceOf(Promise);
    await client.get('/2/users/me');
    expect(m2.loadLight()).toBeUndefined(); // loaded: later calls take no async step for it
  });

  it('fails the call with a RetryableError, unsent, when its chunk cannot be loaded', async () => {
    vi.doMock('bottleneck/light.js', () => {
      throw new Error('Failed to fetch dynamically imported module');
    });
    const m = await fresh();
    const fetch = vi.fn(json);
    const client = m.createClient({ fetch });
    const error = await client.get('/2/users/me').catch((e: unknown) => e);
    expect(m.isRetryableError(error)).toBe(true);
    expect(error).toMatchObject({ attempts: 1, giveUp: 'the request was never sent' });
    // (vitest wraps the factory's error in its own message.)
    expect((error as Error).message).toMatch(
      /^GET \/2\/users\/me: not sent: the rate limiter \(Bottleneck\) could not be loaded: .+; the request was never sent$/,
    );
    expect(fetch).not.toHaveBeenCalled();
  });

  it('is bounded by the call’s scope: an abort ends a load that never settles', async () => {
    vi.doMock('bottleneck/light.js', () => new Promise(() => {}));
    const m = await fresh();
    const controller = new AbortController();
    const call = m.createClient({ fetch: json }).get('/2/users/me', { signal: controller.signal });
    const reason = new Error('caller gave up');
    setTimeout(() => controller.abort(reason), 20);
    await expect(call).rejects.toBe(reason);
  });
});

describe('client.stream(): the supervisor is loaded at the first iteration', () => {
  it('is not loaded by client.stream(), only when the stream is read', async () => {
    const m = await fresh();
    const body = new ReadableStream({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('{"data":{"id":"1","text":"hi"}}\r\n'));
      },
    });
    const fetch = () =>
      Promise.resolve(new Response(body, { headers: { 'content-type': 'application/json' } }));
    const client = m.createClient({ fetch, rateLimit: false });
    const stream = client.stream('/2/tweets/search/stream');
    expect(m.supervisor.value).toBeUndefined();
    for await (const message of stream) {
      expect(message).toMatchObject({ data: { id: '1' } });
      break;
    }
    expect(m.supervisor.value).toBeDefined();
    await client.close();
  });

  it('ends the stream with a RetryableError, unsent, when its chunk cannot be loaded', async () => {
    vi.doMock('../../src/stream/supervisor.ts', () => {
      throw new Error('chunk gone after a deploy');
    });
    const m = await fresh();
    const fetch = vi.fn(json);
    const client = m.createClient({ fetch, rateLimit: false });
    const error = await client
      .stream('/2/tweets/search/stream')
      [Symbol.asyncIterator]()
      .next()
      .catch((e: unknown) => e);
    expect(m.isRetryableError(error)).toBe(true);
    expect((error as Error).message).toMatch(
      /^GET \/2\/tweets\/search\/stream: not sent: the stream reader could not be loaded \(.+\); the request was never sent$/,
    );
    expect(fetch).not.toHaveBeenCalled();
  });

  it('is bounded by the stream’s scope: close() ends a load that never settles, without an error', async () => {
    vi.doMock('../../src/stream/supervisor.ts', () => new Promise(() => {}));
    const m = await fresh();
    const client = m.createClient({ fetch: json, rateLimit: false });
    const stream = client.stream('/2/tweets/search/stream');
    const next = stream[Symbol.asyncIterator]().next();
    await new Promise((resolve) => setTimeout(resolve, 20));
    await stream.close();
    await expect(next).resolves.toEqual({ done: true, value: undefined });
  });
});
