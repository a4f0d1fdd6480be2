// Silent misuse becomes a clear TypeError naming the option, and nothing malformed reaches the server.
import { afterEach, describe, expect, it } from 'vitest';
import { createClient } from '../../src/index.ts';
import { type LoopbackServer, loopback } from './server.ts';

let server: LoopbackServer;
afterEach(async () => {
  await server.close();
});
const start = async () => {
  server = await loopback((_request, response) => {
    response.writeHead(200, { 'content-type': 'application/json' }).end('{"data":{}}');
  });
  return server;
};

describe('misuse', () => {
  it("auth.bearer with its 'Bearer ' prefix is refused up front (it would send 'Bearer Bearer …')", async () => {
    await start();
    expect(() => createClient({ baseUrl: server.url, auth: { bearer: 'Bearer abc123456789' } })).toThrow(
      /`auth.bearer` must be the token alone/,
    );
    const x = createClient({ baseUrl: server.url, auth: { bearer: async () => 'Bearer abc123456789' } });
    await expect(x.get('/2/me')).rejects.toMatchObject({ name: 'PermanentError' });
    expect(server.seen).toHaveLength(0);
  });

  it('an auth function that gives nothing fails the call unsent instead of sending no credentials', async () => {
    await start();
    const x = createClient({ baseUrl: server.url, auth: (() => undefined) as never, rateLimit: false });
    const error = await x.get('/2/me').catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'PermanentError' });
    expect((error as Error).message).toMatch(/`auth` returned no headers/);
    expect(server.seen).toHaveLength(0);
  });

  it('an object body and a nested searchParams value are TypeErrors naming the option; arrays are joined', async () => {
    await start();
    const x = createClient({ baseUrl: server.url, rateLimit: false });
    await expect(x.post('/2/tweets', { body: { a: 1 } as never })).rejects.toThrow(
      /`body` must be .*send objects with `json`/,
    );
    await expect(x.get('/2/tweets', { searchParams: { a: { b: 1 } } as never })).rejects.toThrow(
      /`searchParams.a` must be/,
    );
    await x.get('/2/tweets', { searchParams: { ids: ['1', '2'] } as never });
    expect(server.seen).toHaveLength(1);
    expect(decodeURIComponent(server.seen[0]!.path)).toBe('/2/tweets?ids=1,2');
  });
});
