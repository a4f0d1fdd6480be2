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
  const stream = await import('../../src/stream/stream.ts');
  return { ...index, supervisor: stream.supervisor };
}

afterEach(() => {
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
  it('loads the stream supervisor before any stream is read', async () => {
    const m = await fresh();
    expect(m.supervisor.value).toBeUndefined();
    await m.preload();
    expect(m.supervisor.value).toBeDefined();
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
