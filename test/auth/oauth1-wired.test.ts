// auth: { oauth1 } wired into the call path, over a real loopback socket against the fake X API (which verifies
// signatures, tokens, nonces and timestamps). Real timers: nothing here waits.
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { type CalmEvent, createClient, isAuthError } from '../../src/index.ts';
import { TEN_MINUTES, useOAuthApi } from './fake-api.ts';

const USER = {
  consumerKey: 'wired-consumer-key-01',
  consumerSecret: 'wired-consumer-secret-01',
  token: '987-wired-access-token-01',
  tokenSecret: 'wired-token-secret-01',
};
const OTHER = { ...USER, token: '654-other-user-token-02', tokenSecret: 'other-user-secret-02' };
const serveApi = useOAuthApi(USER, [USER, OTHER]);

describe('auth.oauth1', () => {
  it('clock 10 minutes ahead: one 135, re-signed on the server’s clock, then every call succeeds first time', async () => {
    const { api, url } = await serveApi(TEN_MINUTES);
    const events: CalmEvent[] = [];
    const x = createClient({
      baseUrl: url,
      auth: { oauth1: USER },
      hooks: { onEvent: (e) => events.push(e) },
    });
    const first = await x.post('/1.1/statuses/update.json', {
      searchParams: { include_entities: 'true' },
      body: new URLSearchParams({ status: "Clock's fixed (100%)!" }),
    });
    expect(first.status).toBe(200);
    expect(first.attempts).toBe(2); // a POST too: a request refused at authentication was never processed
    expect(api.stats.byStatus).toEqual({ 401: 1, 200: 1 });
    const refresh = events.filter((e) => e.type === 'auth-refresh');
    expect(refresh).toHaveLength(1);
    expect((refresh[0] as { reason: string }).reason).toMatch(/code 135.*signed again on the server's clock/);
    for (let i = 0; i < 3; i++) expect((await x.get('/2/users/me')).attempts).toBe(1);
    expect(api.stats.byStatus).toEqual({ 401: 1, 200: 4 });
    await x.close();
  });

  it('a bad consumer secret fails as an AuthError after one request, and no rendering shows a credential', async () => {
    const { api, url } = await serveApi(0);
    const events: CalmEvent[] = [];
    const bad = { ...USER, consumerSecret: 'wrong-consumer-secret-000' };
    const x = createClient({
      baseUrl: url,
      auth: { oauth1: bad },
      hooks: { onEvent: (e) => events.push(e) },
    });
    const error = await x.get('/2/users/me').catch((e: unknown) => e);
    expect(isAuthError(error)).toBe(true);
    expect(error).toMatchObject({ status: 401, codes: [{ code: 32 }] });
    expect(api.stats.requests).toBe(1);
    const rendered = [
      String(error),
      (error as Error).stack,
      inspect(error, { depth: 10 }),
      JSON.stringify(error),
      JSON.stringify(events),
    ].join('\n');
    for (const secret of Object.values(bad)) expect(rendered).not.toContain(secret);
    await x.close();
  });

  it('per user: a function gives each call its user’s keys; each user has a bucket of its own', async () => {
    const { api, url } = await serveApi(0);
    const seen: string[] = [];
    const identities: string[] = [];
    const x = createClient({
      baseUrl: url,
      auth: {
        oauth1: (request) => {
          seen.push(request.url);
          return request.url.includes('other') ? OTHER : USER;
        },
      },
      rateLimit: {
        bucket: ({ identity }) => {
          identities.push(identity);
          return identity;
        },
      },
    });
    expect((await x.get('/2/users/me')).status).toBe(200);
    expect((await x.get('/2/users/me?who=other')).status).toBe(200);
    expect(api.stats.byStatus).toEqual({ 200: 2 });
    expect(seen).toHaveLength(2);
    expect(new Set(identities).size).toBe(2);
    for (const identity of identities) {
      for (const secret of [...Object.values(USER), ...Object.values(OTHER)])
        expect(identity).not.toContain(secret);
    }
    await expect(
      createClient({ baseUrl: url, auth: { oauth1: () => ({ consumerKey: '' }) as never } }).get(
        '/2/users/me',
      ),
    ).rejects.toThrow(/auth\.oauth1\(\)\.consumerKey/);
    await x.close();
  });

  it('options are validated up front, naming the field', () => {
    expect(() => createClient({ auth: { oauth1: { consumerKey: 'k' } as never } })).toThrow(
      /`auth.oauth1.consumerSecret`/,
    );
  });
});
