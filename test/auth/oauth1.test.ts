import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  baseStringUrl,
  normalizeOAuth1,
  oauth1Identity,
  parseOAuth1Header,
  percentEncode,
  requestParams,
  signatureBaseString,
  signOAuth1,
} from '../../src/auth/oauth1.ts';
import { authIdentity } from '../../src/scheduler/bucket.ts';

// X's worked example: docs.x.com, OAuth 1.0a "Creating a signature" and "Authorizing a request". X marks these
// credentials invalid for real requests.
const X_EXAMPLE = {
  request: {
    method: 'post',
    url: 'https://api.x.com/1.1/statuses/update.json?include_entities=true',
    body: 'status=Hello%20Ladies%20%2b%20Gentlemen%2c%20a%20signed%20OAuth%20request%21',
    contentType: 'application/x-www-form-urlencoded',
  },
  credentials: {
    consumerKey: 'xvz1evFS4wEEPTGEFPHBog',
    consumerSecret: 'kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw',
    token: '370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb',
    tokenSecret: 'LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE',
  },
  options: { nonce: 'kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg', timestamp: 1318622958 },
  baseString:
    'POST&https%3A%2F%2Fapi.x.com%2F1.1%2Fstatuses%2Fupdate.json&include_entities%3Dtrue%26oauth_consumer_key%3Dxvz1evFS4wEEPTGEFPHBog%26oauth_nonce%3DkYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg%26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D1318622958%26oauth_token%3D370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb%26oauth_version%3D1.0%26status%3DHello%2520Ladies%2520%252B%2520Gentlemen%252C%2520a%2520signed%2520OAuth%2520request%2521',
  signature: 'Ls93hJiZbQ3akF3HF3x1Bz8/zU4=',
} as const;

const oauthOf = (header: string) => {
  const params = parseOAuth1Header(header);
  if (!params) throw new Error(`not an OAuth header: ${header}`);
  return params;
};

/** The reference HMAC-SHA1 (node:crypto), to check the Web Crypto path against on cases X gives no vector for. */
const reference = (key: string, base: string) => createHmac('sha1', key).update(base).digest('base64');

describe('signOAuth1: X\'s documented example ("Creating a signature")', () => {
  it("builds X's signature base string from the request", () => {
    const params = [
      ...requestParams(X_EXAMPLE.request),
      ['oauth_consumer_key', X_EXAMPLE.credentials.consumerKey],
      ['oauth_nonce', X_EXAMPLE.options.nonce],
      ['oauth_signature_method', 'HMAC-SHA1'],
      ['oauth_timestamp', String(X_EXAMPLE.options.timestamp)],
      ['oauth_token', X_EXAMPLE.credentials.token],
      ['oauth_version', '1.0'],
    ] as [string, string][];
    expect(signatureBaseString('POST', X_EXAMPLE.request.url, params)).toBe(X_EXAMPLE.baseString);
  });

  it('reproduces the signature Ls93hJiZbQ3akF3HF3x1Bz8/zU4= through Web Crypto', async () => {
    const header = await signOAuth1(X_EXAMPLE.request, X_EXAMPLE.credentials, X_EXAMPLE.options);
    expect(oauthOf(header).get('oauth_signature')).toBe(X_EXAMPLE.signature);
    expect(header).toBe(
      'OAuth oauth_consumer_key="xvz1evFS4wEEPTGEFPHBog", oauth_nonce="kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg", ' +
        'oauth_signature="Ls93hJiZbQ3akF3HF3x1Bz8%2FzU4%3D", oauth_signature_method="HMAC-SHA1", ' +
        'oauth_timestamp="1318622958", oauth_token="370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb", ' +
        'oauth_version="1.0"',
    );
  });

  it('signs the same body given as URLSearchParams (what fetch sends as form-urlencoded)', async () => {
    const body = new URLSearchParams({ status: 'Hello Ladies + Gentlemen, a signed OAuth request!' });
    const { contentType: _, ...request } = X_EXAMPLE.request;
    const header = await signOAuth1({ ...request, body }, X_EXAMPLE.credentials, X_EXAMPLE.options);
    expect(oauthOf(header).get('oauth_signature')).toBe(X_EXAMPLE.signature);
  });
});

describe('the signature base string (edge cases)', () => {
  it("RFC 5849 §3.4.1.1's example: duplicate keys sorted by value, + as space, empty values, escapes decoded", () => {
    const request = {
      method: 'POST',
      url: 'http://example.com/request?b5=%3D%253D&a3=a&c%40=&a2=r%20b',
      body: 'c2&a3=2+q',
      contentType: 'application/x-www-form-urlencoded',
    };
    const params = [
      ...requestParams(request),
      ['oauth_consumer_key', '9djdj82h48djs9d2'],
      ['oauth_token', 'kkk9d7dh3k39sjv7'],
      ['oauth_signature_method', 'HMAC-SHA1'],
      ['oauth_timestamp', '137131201'],
      ['oauth_nonce', '7d8f3e4a'],
    ] as [string, string][];
    expect(signatureBaseString(request.method, request.url, params)).toBe(
      'POST&http%3A%2F%2Fexample.com%2Frequest&a2%3Dr%2520b%26a3%3D2%2520q%26a3%3Da%26b5%3D%253D%25253D%26c%2540%3D%26c2%3D%26oauth_consumer_key%3D9djdj82h48djs9d2%26oauth_nonce%3D7d8f3e4a%26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D137131201%26oauth_token%3Dkkk9d7dh3k39sjv7',
    );
  });

  it("percent-encodes per RFC 3986: !*'() too, unicode as UTF-8, space as %20, unreserved left alone", () => {
    expect(percentEncode("!*'()")).toBe('%21%2A%27%28%29');
    expect(percentEncode('Ladies + Gentlemen')).toBe('Ladies%20%2B%20Gentlemen');
    expect(percentEncode('café ☃ 🐦')).toBe('caf%C3%A9%20%E2%98%83%20%F0%9F%90%A6');
    expect(percentEncode('AZaz09-._~')).toBe('AZaz09-._~');
  });

  it('keeps duplicate keys and sorts by key, then value', () => {
    const params = requestParams({ method: 'GET', url: 'https://api.x.com/2/x?b=1&a=z&a=y&a=10' });
    expect(params).toEqual([
      ['b', '1'],
      ['a', 'z'],
      ['a', 'y'],
      ['a', '10'],
    ]);
    expect(signatureBaseString('GET', 'https://api.x.com/2/x', params)).toBe(
      'GET&https%3A%2F%2Fapi.x.com%2F2%2Fx&a%3D10%26a%3Dy%26a%3Dz%26b%3D1',
    );
  });

  it('normalises the base URL: lower-case scheme and host, default port dropped, no query or fragment', () => {
    expect(baseStringUrl('HTTPS://API.X.com:443/1.1/Statuses/update.json?x=1#frag')).toBe(
      'https://api.x.com/1.1/Statuses/update.json',
    );
    expect(baseStringUrl('http://Example.com:80/r')).toBe('http://example.com/r');
    expect(baseStringUrl('http://127.0.0.1:8080/r?q')).toBe('http://127.0.0.1:8080/r');
    expect(baseStringUrl('https://api.x.com')).toBe('https://api.x.com/');
  });

  it('signs unicode and reserved characters in the query and the form body', async () => {
    const credentials = { consumerKey: 'ck', consumerSecret: 'cs', token: 'tk', tokenSecret: 'ts' };
    const request = {
      method: 'POST',
      url: "https://api.x.com/1.1/x.json?q=caf%C3%A9+(!*')",
      body: new URLSearchParams({ status: 'Grüße ☃ 100% (yes!)' }),
    };
    const options = { nonce: 'n', timestamp: 1 };
    const header = await signOAuth1(request, credentials, options);
    const base =
      'POST&https%3A%2F%2Fapi.x.com%2F1.1%2Fx.json&oauth_consumer_key%3Dck%26oauth_nonce%3Dn%26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D1%26oauth_token%3Dtk%26oauth_version%3D1.0%26q%3Dcaf%25C3%25A9%2520%2528%2521%252A%2527%2529%26status%3DGr%25C3%25BC%25C3%259Fe%2520%25E2%2598%2583%2520100%2525%2520%2528yes%2521%2529';
    expect(oauthOf(header).get('oauth_signature')).toBe(reference('cs&ts', base));
  });

  it('does not sign a JSON body, nor a string body that is not form-urlencoded', async () => {
    const credentials = { consumerKey: 'ck', consumerSecret: 'cs', token: 'tk', tokenSecret: 'ts' };
    const options = { nonce: 'n', timestamp: 1 };
    const bare = await signOAuth1(
      { method: 'POST', url: 'https://api.x.com/2/tweets' },
      credentials,
      options,
    );
    const json = await signOAuth1(
      {
        method: 'POST',
        url: 'https://api.x.com/2/tweets',
        body: 'a=1',
        contentType: 'application/json',
      },
      credentials,
      options,
    );
    const untyped = await signOAuth1(
      { method: 'POST', url: 'https://api.x.com/2/tweets', body: 'a=1' },
      credentials,
      options,
    );
    const form = await signOAuth1(
      {
        method: 'POST',
        url: 'https://api.x.com/2/tweets',
        body: 'a=1',
        contentType: 'Application/X-WWW-Form-Urlencoded; charset=UTF-8',
      },
      credentials,
      options,
    );
    expect(json).toBe(bare);
    expect(untyped).toBe(bare);
    expect(form).not.toBe(bare);
  });
});

describe('signOAuth1: nonce, timestamp, the app-only form', () => {
  const credentials = { consumerKey: 'ck', consumerSecret: 'c&s', token: 'tk', tokenSecret: 't s' };

  it('draws a fresh 128-bit nonce per signature and defaults the timestamp to the local clock', async () => {
    const request = { method: 'GET', url: 'https://api.x.com/2/users/me' };
    const before = Math.floor(Date.now() / 1000);
    const [a, b] = await Promise.all([signOAuth1(request, credentials), signOAuth1(request, credentials)]);
    const nonceA = oauthOf(a).get('oauth_nonce');
    expect(nonceA).toMatch(/^[0-9a-f]{32}$/);
    expect(oauthOf(b).get('oauth_nonce')).not.toBe(nonceA);
    const timestamp = Number(oauthOf(a).get('oauth_timestamp'));
    expect(timestamp).toBeGreaterThanOrEqual(before);
    expect(timestamp).toBeLessThanOrEqual(Math.floor(Date.now() / 1000));
  });

  it('percent-encodes the secrets into the signing key', async () => {
    const request = { method: 'GET', url: 'https://api.x.com/2/users/me' };
    const header = await signOAuth1(request, credentials, { nonce: 'n', timestamp: 5 });
    const base =
      'GET&https%3A%2F%2Fapi.x.com%2F2%2Fusers%2Fme&oauth_consumer_key%3Dck%26oauth_nonce%3Dn%26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D5%26oauth_token%3Dtk%26oauth_version%3D1.0';
    expect(oauthOf(header).get('oauth_signature')).toBe(reference('c%26s&t%20s', base));
  });

  it('signs with the new secret when credentials are changed in place (no stale cached key)', async () => {
    const request = { method: 'GET', url: 'https://api.x.com/2/users/me' };
    const mutable = { ...credentials };
    const before = await signOAuth1(request, mutable, { nonce: 'n', timestamp: 5 });
    mutable.tokenSecret = 'rotated';
    const after = await signOAuth1(request, mutable, { nonce: 'n', timestamp: 5 });
    expect(after).not.toBe(before);
    expect(after).toBe(await signOAuth1(request, { ...mutable }, { nonce: 'n', timestamp: 5 }));
  });

  it('leaves oauth_token out and ends the key with & when there is no token (request token, app-only)', async () => {
    const request = { method: 'POST', url: 'https://api.x.com/oauth/request_token' };
    const options = { nonce: 'n', timestamp: 7, oauthParams: { oauth_callback: 'oob' } };
    for (const app of [
      { consumerKey: 'ck', consumerSecret: 'cs' },
      normalizeOAuth1({ consumerKey: 'ck', consumerSecret: 'cs', token: '' }),
    ]) {
      const params = oauthOf(await signOAuth1(request, app, options));
      expect(params.has('oauth_token')).toBe(false);
      expect(params.get('oauth_callback')).toBe('oob');
      const base =
        'POST&https%3A%2F%2Fapi.x.com%2Foauth%2Frequest_token&oauth_callback%3Doob%26oauth_consumer_key%3Dck%26oauth_nonce%3Dn%26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D7%26oauth_version%3D1.0';
      expect(params.get('oauth_signature')).toBe(reference('cs&', base));
    }
  });

  it('rejects a timestamp that is not whole epoch seconds, and extra parameters not named oauth_*', async () => {
    const request = { method: 'GET', url: 'https://api.x.com/2/users/me' };
    await expect(signOAuth1(request, credentials, { timestamp: 1.5 })).rejects.toThrow(TypeError);
    await expect(signOAuth1(request, credentials, { timestamp: Date.now() * 1000 })).rejects.toThrow(
      /timestamp/,
    );
    await expect(signOAuth1(request, credentials, { oauthParams: { callback: 'oob' } })).rejects.toThrow(
      /oauthParams.*callback/,
    );
  });
});

describe('normalizeOAuth1', () => {
  const valid = {
    consumerKey: 'ck-value-1234',
    consumerSecret: 'cs-secret-1234',
    token: 't-1234',
    tokenSecret: 'ts',
  };

  it('returns a frozen copy of valid credentials', () => {
    const normalized = normalizeOAuth1(valid);
    expect(normalized).toEqual(valid);
    expect(Object.isFrozen(normalized)).toBe(true);
    expect(normalizeOAuth1({ consumerKey: 'a', consumerSecret: 'b' })).toEqual({
      consumerKey: 'a',
      consumerSecret: 'b',
    });
  });

  it.each([
    [undefined, /`auth\.oauth1` must be/],
    ['ck:cs', /`auth\.oauth1` must be/],
    [{ ...valid, consumerKey: undefined }, /`auth\.oauth1\.consumerKey` must be a non-empty string/],
    [{ ...valid, consumerKey: ' ' }, /`auth\.oauth1\.consumerKey`/],
    [{ ...valid, consumerSecret: 42 }, /`auth\.oauth1\.consumerSecret`.*got 42/],
    [{ ...valid, token: null }, /`auth\.oauth1\.token` must be a string/],
    [{ ...valid, tokenSecret: 'line\nbreak' }, /`auth\.oauth1\.tokenSecret`/],
    [{ consumerKey: 'a', consumerSecret: 'b', tokenSecret: 'orphan' }, /tokenSecret` is given without/],
    [
      { ...valid, secret: 'x' },
      /unknown option `secret`; known: consumerKey, consumerSecret, token, tokenSecret/,
    ],
  ])('rejects %j with a TypeError naming the field', (value, message) => {
    expect(() => normalizeOAuth1(value)).toThrow(TypeError);
    expect(() => normalizeOAuth1(value)).toThrow(message);
  });

  it('never puts a credential in its message', () => {
    const secret = 'do-not-print-this-secret';
    for (const bad of [
      { consumerKey: secret, consumerSecret: '' },
      { consumerKey: 'a', consumerSecret: `${secret}\n` },
      { consumerKey: 'a', consumerSecret: 'b', tokenSecret: secret },
    ]) {
      expect(() => normalizeOAuth1(bad)).toThrow(TypeError);
      try {
        normalizeOAuth1(bad);
      } catch (error) {
        expect(String((error as Error).message)).not.toContain(secret);
      }
    }
  });
});

describe('oauth1Identity: the rate-limit identity of a user token', () => {
  it("is authIdentity's hash of the app key and access token, never the token itself", () => {
    const identity = oauth1Identity(X_EXAMPLE.credentials);
    expect(identity).toBe(
      authIdentity(`OAuth ${X_EXAMPLE.credentials.consumerKey}&${X_EXAMPLE.credentials.token}`),
    );
    expect(identity).toMatch(/^[0-9a-f]{16}$/);
    expect(String(identity)).not.toContain(X_EXAMPLE.credentials.token);
  });

  it('tells users apart, ignores the secrets (they do not change who is counted) and groups app-only calls', () => {
    const user = X_EXAMPLE.credentials;
    expect(oauth1Identity({ ...user, token: 'another-user' })).not.toBe(oauth1Identity(user));
    expect(oauth1Identity({ ...user, tokenSecret: 'rotated' })).toBe(oauth1Identity(user));
    const app = { consumerKey: user.consumerKey, consumerSecret: user.consumerSecret };
    expect(oauth1Identity(app)).toBe(oauth1Identity({ ...app }));
    expect(oauth1Identity(app)).not.toBe(oauth1Identity(user));
  });
});
