// Silent misuse becomes a clear TypeError naming the option, and nothing malformed reaches the server.
import { inspect } from 'node:util';
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

describe('a credential that cannot be a header value is never quoted', () => {
  const BAD = 'SECRETTOKEN-abcdefghijklmnop-1234567890\nX';
  const leaks = (error: unknown) =>
    [String(error), (error as Error).stack, inspect(error, { depth: 5 }), JSON.stringify(error)].some(
      (text) => text?.includes('SECRETTOKEN'),
    );

  it('a static bearer with a line break: a TypeError that names the option, not the token', () => {
    let thrown: unknown;
    try {
      createClient({ auth: { bearer: BAD } });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(TypeError);
    expect((thrown as Error).message).toMatch(/`auth.bearer` must not contain line breaks/);
    expect(leaks(thrown)).toBe(false);
  });

  it('from a provider or an auth function: the call fails unsent, and no rendering quotes the token', async () => {
    await start();
    for (const auth of [{ bearer: async () => BAD }, () => ({ authorization: `Bearer ${BAD}` })]) {
      const x = createClient({ baseUrl: server.url, rateLimit: false, auth });
      const error = await x.get('/2/me').catch((e: unknown) => e);
      expect(error).toMatchObject({ name: 'PermanentError' });
      expect(leaks(error)).toBe(false);
    }
    expect(server.seen).toHaveLength(0);
  });

  it('a hook’s error that quotes the token is masked in the cause, which util.inspect prints', async () => {
    await start();
    const token = 'AAAAbearer-token-quoted-by-a-hook-0123456789';
    const x = createClient({
      baseUrl: server.url,
      rateLimit: false,
      auth: { bearer: token },
      fetch: async () => {
        throw new Error(`proxy refused Authorization: Bearer ${token}`);
      },
    });
    const error = await x.get('/2/me').catch((e: unknown) => e);
    expect((error as Error).cause).toBeInstanceOf(Error);
    expect(inspect(error, { depth: 5 })).not.toContain(token);
    expect(((error as Error).cause as Error).message).toContain('[redacted]');
  });
});
