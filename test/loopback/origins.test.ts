// Client credentials go only to baseUrl's origin (a real second server on another port).
import { afterEach, describe, expect, it } from 'vitest';
import { createClient } from '../../src/index.ts';
import { type LoopbackServer, loopback } from './server.ts';

const TOKEN = 'AAAAAAAAAAAAAAAAAAAAAsecretbearertoken0123456789';
const servers: LoopbackServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});
const ok = async () => {
  const s = await loopback((_request, response) => {
    response.writeHead(200, { 'content-type': 'application/json' }).end('{"data":{}}');
  });
  servers.push(s);
  return s;
};

describe('credentials and another origin', () => {
  it('a fixed bearer token, client headers with keys, and an auth function reach baseUrl only', async () => {
    const home = await ok();
    const other = await ok();
    for (const auth of [{ bearer: TOKEN }, () => ({ authorization: `Bearer ${TOKEN}` })]) {
      const x = createClient({
        baseUrl: home.url,
        auth,
        headers: { 'x-api-key': 'k-0123456789abcdef', 'user-agent': 'calmfetch-test' },
        rateLimit: false,
      });
      await x.get('/2/me');
      await x.get(`${other.url}/leak`);
      await x.get(`${home.url}/2/absolute`);
    }
    expect(home.seen).toHaveLength(4);
    for (const request of home.seen) {
      expect(request.headers.authorization).toBe(`Bearer ${TOKEN}`);
    }
    expect(other.seen).toHaveLength(2);
    for (const request of other.seen) {
      expect(request.headers.authorization).toBeUndefined();
      expect(request.headers['x-api-key']).toBeUndefined();
    }
    // Headers that are not credentials still go everywhere.
    expect(other.seen[0]!.headers['user-agent']).toBe('calmfetch-test');
  });

  it('a per-call authorization header is the caller’s own choice and is sent as given', async () => {
    const home = await ok();
    const other = await ok();
    const x = createClient({ baseUrl: home.url, auth: { bearer: TOKEN }, rateLimit: false });
    await x.get(`${other.url}/upload`, { headers: { authorization: 'Bearer per-call-token-xyz' } });
    expect(other.seen[0]!.headers.authorization).toBe('Bearer per-call-token-xyz');
  });
});

describe('redirects (found by attacking the rework)', () => {
  it('no credential-bearing header follows a redirect to another origin; on the same origin they stay', async () => {
    const other = await ok();
    const home = await loopback((request, response) => {
      if (request.path === '/2/away') response.writeHead(302, { location: `${other.url}/landing` }).end();
      else if (request.path === '/2/moved') response.writeHead(301, { location: '/2/here' }).end();
      else response.writeHead(200, { 'content-type': 'application/json' }).end('{"data":{}}');
    });
    servers.push(home);
    const x = createClient({
      baseUrl: home.url,
      auth: () => ({ authorization: `Bearer ${TOKEN}`, 'x-session-token': 'session-0123456789' }),
      headers: { 'x-api-key': 'k-0123456789abcdef', 'user-agent': 'calmfetch-test' },
      rateLimit: false,
    });
    expect((await x.get('/2/away')).status).toBe(200);
    expect(other.seen).toHaveLength(1);
    const landed = other.seen[0]!.headers;
    expect(landed.authorization).toBeUndefined();
    expect(landed['x-api-key']).toBeUndefined();
    expect(landed['x-session-token']).toBeUndefined();
    expect(landed['user-agent']).toBe('calmfetch-test');
    expect((await x.get('/2/moved')).status).toBe(200);
    const here = home.seen.find((r) => r.path === '/2/here')!.headers;
    expect(here.authorization).toBe(`Bearer ${TOKEN}`);
    expect(here['x-api-key']).toBe('k-0123456789abcdef');
  });
});

describe('redirects with a bearer token alone', () => {
  it('fetch follows them itself and drops Authorization on a change of origin', async () => {
    const other = await ok();
    const home = await loopback((request, response) => {
      if (request.path === '/2/away') response.writeHead(307, { location: `${other.url}/landing` }).end();
      else response.writeHead(200, { 'content-type': 'application/json' }).end('{"data":{}}');
    });
    servers.push(home);
    const x = createClient({ baseUrl: home.url, auth: { bearer: TOKEN }, rateLimit: false });
    expect((await x.get('/2/away')).status).toBe(200);
    expect(other.seen).toHaveLength(1);
    expect(other.seen[0]!.headers.authorization).toBeUndefined();
  });
});
