// Issue 17's "done when", over a real loopback socket: the fake X API with its clock 10 minutes ahead; a signed
// POST draws one 135, is re-signed on the server's clock and succeeds on its second attempt; the next calls
// succeed first time; a bad consumer secret fails as an AuthError after one request. Real timers: nothing waits.
import { describe, expect, it } from 'vitest';
import { isAuthError } from '../../src/index.ts';
import { eventLog } from '../helpers.ts';
import { TEN_MINUTES, useOAuthApi } from './fake-api.ts';
import { oauthClient } from './oauth1-client.ts';

const USER = {
  consumerKey: 'socket-consumer-key-01',
  consumerSecret: 'socket-consumer-secret-01',
  token: '987-socket-access-token-01',
  tokenSecret: 'socket-token-secret-01',
};
const serveApi = useOAuthApi(USER, [USER]);

describe('OAuth 1.0a over a real socket, against a fake X API whose clock is 10 minutes ahead', () => {
  it('one 135, a re-signed second attempt that succeeds, and the offset kept for the next calls', async () => {
    const { api, url } = await serveApi(TEN_MINUTES);
    const log = eventLog();
    const x = oauthClient({ baseUrl: url, credentials: USER, onEvent: log.onEvent });
    const body = new URLSearchParams({ status: "Clock's fixed (100%)!" });
    x.target('POST', '/1.1/statuses/update.json?include_entities=true', body);
    const first = await x.client.post('/1.1/statuses/update.json', {
      searchParams: { include_entities: 'true' },
      body,
    });
    expect(first.status).toBe(200);
    expect(first.attempts).toBe(2);
    expect(api.stats.byStatus).toEqual({ 401: 1, 200: 1 });
    expect(x.decisions).toHaveLength(1);
    expect(x.decisions[0]).toMatchObject({ retry: true, reason: 'code-135' });
    expect(Math.abs(x.decisions[0]!.skewMs! - TEN_MINUTES)).toBeLessThan(2000);
    expect(Math.abs(x.clock.offset(url) - TEN_MINUTES)).toBeLessThan(2000);
    expect(log.types().filter((t) => t === 'auth-refresh')).toHaveLength(1);

    x.target('GET', '/2/users/me');
    for (let i = 0; i < 3; i++) expect((await x.client.get('/2/users/me')).attempts).toBe(1);
    expect(api.stats.byStatus).toEqual({ 401: 1, 200: 4 });
    await x.client.close();
  });

  it('a bad consumer secret fails as an AuthError after one request (no skew retry once the clock is known)', async () => {
    const { api, url } = await serveApi(TEN_MINUTES);
    const good = oauthClient({ baseUrl: url, credentials: USER });
    good.target('GET', '/2/users/me');
    await good.client.get('/2/users/me');
    const requestsBefore = api.stats.requests;

    const bad = oauthClient({ baseUrl: url, credentials: { ...USER, consumerSecret: 'wrong-secret-000' } });
    // The same process would share what it learnt: start this client on the server's clock too.
    bad.clock.observe(url, new Date(Date.now() + TEN_MINUTES).toUTCString());
    bad.target('GET', '/2/users/me');
    const error = await bad.client.get('/2/users/me').catch((e: unknown) => e);
    expect(isAuthError(error)).toBe(true);
    expect(api.stats.requests - requestsBefore).toBe(1);
    expect(bad.decisions).toEqual([{ retry: false }]);
    expect(String(error)).not.toContain('wrong-secret-000');
    await Promise.all([good.client.close(), bad.client.close()]);
  });
});
