// The signer against the fake X API's verifier, through msw with fake timers.
import { setImmediate as realTick } from 'node:timers/promises';
import { describe, expect, it, vi } from 'vitest';
import { createMockXApi, type MockXApiOptions } from '../../mocks/index.ts';
import { signOAuth1 } from '../../src/auth/oauth1.ts';
import { isAuthError } from '../../src/index.ts';
import { API, eventLog, T0, useMockServer } from '../helpers.ts';
import { oauthClient } from './oauth1-client.ts';

const USER = {
  consumerKey: 'mock-consumer-key-0001',
  consumerSecret: 'mock-consumer-secret-0001',
  token: '1234-mock-access-token-0001',
  tokenSecret: 'mock-token-secret-0001',
};
const MINUTE = 60_000;
const { use } = useMockServer();

function fakeX(extra: Partial<MockXApiOptions> = {}) {
  const api = createMockXApi({
    endpoints: [
      { method: 'GET', path: '/2/users/me' },
      { method: 'POST', path: '/1.1/statuses/update.json' },
      { method: 'POST', path: '/2/tweets' },
    ],
    oauth1: {
      consumerKey: USER.consumerKey,
      consumerSecret: USER.consumerSecret,
      tokens: { [USER.token]: USER.tokenSecret },
    },
    ...extra,
  });
  use(...api.handlers);
  return api;
}

/**
 * Settles a call under fake timers when part of its work is real: Web Crypto runs on libuv's thread pool, so its
 * result arrives after a real event-loop turn, however far fake time is advanced. Fake time moves 1 ms a turn.
 */
async function settle<T>(promise: Promise<T>): Promise<{ value?: T; error?: unknown }> {
  let done = false;
  const settled = promise.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
  void settled.finally(() => {
    done = true;
  });
  for (let turn = 0; turn < 5000 && !done; turn++) {
    await vi.advanceTimersByTimeAsync(1);
    await realTick();
  }
  return settled;
}
async function run<T>(promise: Promise<T>): Promise<T> {
  const { value, error } = await settle(promise);
  if (error !== undefined) throw error;
  return value as T;
}

const status = (text: string) => new URLSearchParams({ status: text });
/** A raw signed fetch (no client): what the fake answers to exactly this header. */
async function signedFetch(
  path: string,
  init: { method?: string; authorization?: string; timestamp?: number } = {},
) {
  const method = init.method ?? 'GET';
  const authorization =
    init.authorization ??
    (await signOAuth1({ method, url: `${API}${path}` }, USER, {
      timestamp: init.timestamp ?? Math.floor(Date.now() / 1000),
    }));
  const response = await run(fetch(`${API}${path}`, { method, headers: { authorization } }));
  return { response, body: await response.json(), authorization };
}

describe('the fake X API checks OAuth 1.0a (msw)', () => {
  it('accepts a signed GET and a signed POST whose form body and query are signed', async () => {
    const api = fakeX();
    const x = oauthClient({ baseUrl: API, credentials: USER });
    x.target('GET', '/2/users/me');
    expect((await run(x.client.get('/2/users/me'))).status).toBe(200);
    x.target(
      'POST',
      '/1.1/statuses/update.json?include_entities=true',
      status('Hello Ladies + Gentlemen!*()'),
    );
    const posted = await run(
      x.client.post('/1.1/statuses/update.json', {
        searchParams: { include_entities: 'true' },
        body: status('Hello Ladies + Gentlemen!*()'),
      }),
    );
    expect(posted.status).toBe(200);
    expect(api.stats.byStatus).toEqual({ 200: 2 });
  });

  it('accepts a JSON body unsigned (X signs only form bodies)', async () => {
    const api = fakeX();
    const x = oauthClient({ baseUrl: API, credentials: USER });
    x.target('POST', '/2/tweets');
    const created = await run(
      x.client.post<{ id: string; text: string }>('/2/tweets', { json: { text: 'hi' } }),
    );
    expect(created.status).toBe(201);
    expect(created.data?.text).toBe('hi');
    expect(api.stats.byStatus).toEqual({ 201: 1 });
  });

  it('answers 401 + code 32 when the signed request differs from the one sent (a tampered query)', async () => {
    fakeX();
    const authorization = await signOAuth1({ method: 'GET', url: `${API}/2/users/me?x=1` }, USER);
    const { response, body } = await signedFetch('/2/users/me?x=2', { authorization });
    expect(response.status).toBe(401);
    expect(body).toEqual({ errors: [{ message: 'Could not authenticate you', code: 32 }] });
  });

  it('answers 401 + 32 to a replayed Authorization header (the same nonce twice)', async () => {
    fakeX();
    const first = await signedFetch('/2/users/me');
    expect(first.response.status).toBe(200);
    const again = await signedFetch('/2/users/me', { authorization: first.authorization });
    expect(again.response.status).toBe(401);
    expect(again.body.errors[0].code).toBe(32);
  });

  it('answers 401 + 89 for an unknown token, 400 + 215 without OAuth, and accepts the app-only form', async () => {
    fakeX();
    const stranger = await signOAuth1(
      { method: 'GET', url: `${API}/2/users/me` },
      { ...USER, token: 'who-is-this' },
    );
    expect((await signedFetch('/2/users/me', { authorization: stranger })).body.errors[0].code).toBe(89);
    const none = await signedFetch('/2/users/me', { authorization: 'Bearer abc' });
    expect(none.response.status).toBe(400);
    expect(none.body.errors[0].code).toBe(215);
    const app = await signOAuth1(
      { method: 'GET', url: `${API}/2/users/me` },
      { consumerKey: USER.consumerKey, consumerSecret: USER.consumerSecret },
    );
    expect((await signedFetch('/2/users/me', { authorization: app })).response.status).toBe(200);
  });

  it('answers 401 + 32 for an unknown app key, 400 + 215 for another signature method, and ignores realm', async () => {
    fakeX();
    const url = `${API}/2/users/me`;
    const otherApp = await signOAuth1({ method: 'GET', url }, { ...USER, consumerKey: 'another-app' });
    expect((await signedFetch('/2/users/me', { authorization: otherApp })).body.errors[0].code).toBe(32);
    const plaintext = (await signOAuth1({ method: 'GET', url }, USER)).replace('HMAC-SHA1', 'PLAINTEXT');
    const refused = await signedFetch('/2/users/me', { authorization: plaintext });
    expect([refused.response.status, refused.body.errors[0].code]).toEqual([400, 215]);
    const withRealm = (await signOAuth1({ method: 'GET', url }, USER)).replace('OAuth ', 'OAuth realm="X", ');
    expect((await signedFetch('/2/users/me', { authorization: withRealm })).response.status).toBe(200);
  });

  it('refuses a clock offset that is not a finite number', () => {
    expect(() => fakeX({ clockOffsetMs: Number.NaN })).toThrow(/clockOffsetMs/);
    expect(() => fakeX().setClockOffset(Number.POSITIVE_INFINITY)).toThrow(TypeError);
  });

  it('counts its windows per user token, not per signature', async () => {
    fakeX();
    const remaining = [];
    for (let i = 0; i < 3; i++) {
      remaining.push((await signedFetch('/2/users/me')).response.headers.get('x-rate-limit-remaining'));
    }
    expect(remaining).toEqual(['899', '898', '897']);
  });

  it('answers 401 + 135 beyond its skew (5 min by default, configurable), with its own Date', async () => {
    fakeX({ clockOffsetMs: 4 * MINUTE });
    expect((await signedFetch('/2/users/me')).response.status).toBe(200);
    const strict = fakeX({
      clockOffsetMs: 4 * MINUTE,
      oauth1: { consumerKey: USER.consumerKey, consumerSecret: USER.consumerSecret, maxSkewMs: MINUTE },
    });
    const app = await signOAuth1(
      { method: 'GET', url: `${API}/2/users/me` },
      { consumerKey: USER.consumerKey, consumerSecret: USER.consumerSecret },
    );
    const { response, body } = await signedFetch('/2/users/me', { authorization: app });
    expect(response.status).toBe(401);
    expect(body).toEqual({ errors: [{ message: 'Could not authenticate you', code: 135 }] });
    expect(response.headers.get('date')).toBe(new Date(Date.now() + 4 * MINUTE).toUTCString());
    strict.setClockOffset(0);
    const later = await signOAuth1(
      { method: 'GET', url: `${API}/2/users/me` },
      { consumerKey: USER.consumerKey, consumerSecret: USER.consumerSecret },
    );
    expect((await signedFetch('/2/users/me', { authorization: later })).response.status).toBe(200);
  });
});

describe('the 135 correction, end to end through the client (msw, fake timers)', () => {
  it.each([
    ['ahead', 10 * MINUTE],
    ['behind', -10 * MINUTE],
  ])(
    'a server clock 10 minutes %s: one 135, re-signed on its clock, then every call succeeds first time',
    async (_, offset) => {
      const api = fakeX({ clockOffsetMs: offset });
      const log = eventLog();
      const x = oauthClient({ baseUrl: API, credentials: USER, onEvent: log.onEvent });
      x.target('POST', '/1.1/statuses/update.json', status('first'));
      const first = await run(x.client.post('/1.1/statuses/update.json', { body: status('first') }));
      expect(first.status).toBe(200);
      expect(first.attempts).toBe(2);
      expect(api.stats.byStatus).toEqual({ 401: 1, 200: 1 });
      expect(x.decisions).toEqual([{ retry: true, reason: 'code-135', skewMs: expect.any(Number) }]);
      // The Date's second, read at its middle: within a second of the true offset.
      expect(Math.abs(x.decisions[0]!.skewMs! - offset)).toBeLessThanOrEqual(1000);
      expect(log.types()).toContain('auth-refresh');
      // The two attempts carried different nonces and timestamps 10 minutes apart.
      const [a, b] = x.headers.map((h) => /oauth_timestamp="(\d+)"/.exec(h)![1]);
      expect(Math.abs(Number(b) - Number(a) - offset / 1000)).toBeLessThanOrEqual(1);
      expect(Math.abs(x.clock.offset(API) - offset)).toBeLessThanOrEqual(1000);
      expect(Date.now() - T0).toBeLessThan(1000);

      for (const text of ['second', 'third']) {
        x.target('POST', '/1.1/statuses/update.json', status(text));
        const next = await run(x.client.post('/1.1/statuses/update.json', { body: status(text) }));
        expect(next.attempts).toBe(1);
      }
      expect(api.stats.byStatus).toEqual({ 401: 1, 200: 3 });
    },
  );

  it('a bad consumer secret fails as an AuthError after one request; nothing rendered holds a credential', async () => {
    const api = fakeX();
    const log = eventLog();
    const x = oauthClient({
      baseUrl: API,
      credentials: { ...USER, consumerSecret: 'a-wrong-consumer-secret' },
      onEvent: log.onEvent,
    });
    x.target('POST', '/1.1/statuses/update.json', status('nope'));
    const { error } = await settle(x.client.post('/1.1/statuses/update.json', { body: status('nope') }));
    expect(isAuthError(error)).toBe(true);
    expect(api.stats.requests).toBe(1);
    expect(x.decisions).toEqual([{ retry: false }]);
    const signature = /oauth_signature="([^"]+)"/.exec(x.headers[0]!)![1]!;
    const rendered = [
      String(error),
      (error as Error).message,
      JSON.stringify(error),
      JSON.stringify(log.events),
    ];
    for (const secret of [
      USER.token,
      'a-wrong-consumer-secret',
      USER.tokenSecret,
      signature,
      x.headers[0]!,
    ]) {
      for (const text of rendered) expect(text).not.toContain(secret);
    }
  });
});
