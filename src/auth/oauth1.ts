// OAuth 1.0a HMAC-SHA1 request signing, as X documents it (docs.x.com, "Authorizing a request" and "Creating a
// signature"; RFC 5849). Web Crypto only: no `node:` import, so it runs in Node ≥ 22, Deno, Bun, Workers and browsers.

import { authIdentity } from '../scheduler/bucket.ts';
import { checkKeys, describe, isRecord } from '../utils/validate.ts';

/** The credentials of an X app (consumer) acting for a user (token). */
export interface OAuth1Credentials {
  /** The app's API key. */
  readonly consumerKey: string;
  /** The app's API key secret. */
  readonly consumerSecret: string;
  /**
   * The user's access token. Leave it out (or empty) for the app-only forms: obtaining a request token, or an
   * endpoint that takes the app's key alone.
   */
  readonly token?: string;
  /** The user's access token secret (or the request token's secret while exchanging it). */
  readonly tokenSecret?: string;
}

/** What is signed: the method, the absolute URL with its query, and a form-urlencoded body when there is one. */
export interface OAuth1Request {
  readonly method: string;
  /** Absolute, with the query string; the query parameters are signed. */
  readonly url: string | URL;
  /**
   * The body. A URLSearchParams, or a string sent as `application/x-www-form-urlencoded`, is signed; any other
   * body (JSON, multipart) is not, as X's signature page and the OAuth spec say.
   */
  readonly body?: string | URLSearchParams | null | undefined;
  /** The body's Content-Type; a string body is signed only when this is form-urlencoded. */
  readonly contentType?: string | null | undefined;
}

export interface OAuth1SignOptions {
  /**
   * `oauth_timestamp`, in whole seconds since the epoch. Pass the server's time (see `ServerClock`) so that a
   * wrong local clock does not draw code 135. @default the local clock
   */
  readonly timestamp?: number;
  /** `oauth_nonce`: unique per request. @default 32 random hex digits from `crypto.getRandomValues` */
  readonly nonce?: string;
  /** Further `oauth_*` parameters for the token flows (`oauth_callback`, `oauth_verifier`); they are signed. */
  readonly oauthParams?: Readonly<Record<string, string>>;
}

const KNOWN = ['consumerKey', 'consumerSecret', 'token', 'tokenSecret'] as const;
const PROTOCOL: Record<string, string> = { oauth_signature_method: 'HMAC-SHA1', oauth_version: '1.0' };

/**
 * Validates OAuth 1.0a credentials up front, with a TypeError naming the field (`auth.oauth1.consumerKey`, …).
 * Messages never contain the values. Returns a frozen copy, with an empty token treated as absent.
 */
export function normalizeOAuth1(value: unknown, name = 'auth.oauth1'): OAuth1Credentials {
  if (!isRecord(value)) {
    throw new TypeError(
      `\`${name}\` must be { consumerKey, consumerSecret, token?, tokenSecret? }; got ${describe(value)}`,
    );
  }
  checkKeys(name, value, KNOWN);
  const field = (key: (typeof KNOWN)[number], required: boolean): string | undefined => {
    const v = value[key];
    if (v === undefined && !required) return undefined;
    if (typeof v !== 'string' || (required && v.trim() === '') || /[\r\n]/.test(v)) {
      const what = required ? 'a non-empty string' : 'a string';
      throw new TypeError(`\`${name}.${key}\` must be ${what} without line breaks; got ${describe(v)}`);
    }
    return v;
  };
  const consumerKey = field('consumerKey', true)!;
  const consumerSecret = field('consumerSecret', true)!;
  const token = field('token', false) || undefined;
  const tokenSecret = field('tokenSecret', false);
  if (tokenSecret && token === undefined) {
    throw new TypeError(`\`${name}.tokenSecret\` is given without \`${name}.token\``);
  }
  return Object.freeze({
    consumerKey,
    consumerSecret,
    ...(token !== undefined && { token }),
    ...(tokenSecret !== undefined && { tokenSecret }),
  });
}

/**
 * RFC 3986 percent-encoding (unreserved: A-Z a-z 0-9 - . _ ~), which X requires: also `!*'()`, unlike encodeURIComponent.
 * @internal
 */
export function percentEncode(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/**
 * The base string URL: scheme and host lower-case, default port dropped, no query, no fragment, no user info.
 * @internal
 */
export function baseStringUrl(url: string | URL): string {
  const parsed = new URL(url);
  return `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
}

const FORM = /^\s*application\/x-www-form-urlencoded\s*(?:;|$)/i;

/**
 * The parameters of a request that are signed: the query's, and a form-urlencoded body's. Duplicates are kept.
 * @internal
 */
export function requestParams(request: OAuth1Request): [string, string][] {
  const params: [string, string][] = [...new URL(request.url).searchParams];
  const { body, contentType } = request;
  if (body instanceof URLSearchParams) {
    // fetch sends a URLSearchParams as form-urlencoded unless the caller overrode the type.
    if (contentType == null || FORM.test(contentType)) params.push(...body);
  } else if (typeof body === 'string' && contentType != null && FORM.test(contentType)) {
    params.push(...new URLSearchParams(body));
  }
  return params;
}

/**
 * The signature base string: METHOD & encoded base URL & encoded parameter string, where the parameters are
 * percent-encoded, then sorted by key and then by value (duplicate keys kept).
 * @internal
 */
export function signatureBaseString(
  method: string,
  url: string | URL,
  params: readonly (readonly [string, string])[],
): string {
  const encoded = params
    .filter(([key]) => key !== 'oauth_signature')
    .map(([key, value]) => [percentEncode(key), percentEncode(value)] as const)
    .sort(([ak, av], [bk, bv]) => (ak < bk ? -1 : ak > bk ? 1 : av < bv ? -1 : av > bv ? 1 : 0));
  const paramString = encoded.map(([key, value]) => `${key}=${value}`).join('&');
  return `${method.toUpperCase()}&${percentEncode(baseStringUrl(url))}&${percentEncode(paramString)}`;
}

const encoder = new TextEncoder();
/**
 * Imported HMAC keys, per credentials object: a WeakMap, so nothing outlives the credentials. The signing key is
 * kept beside its CryptoKey and compared, so that credentials changed in place are never signed with a stale key.
 */
const keys = new WeakMap<
  OAuth1Credentials,
  { readonly signingKey: string; readonly key: Promise<CryptoKey> }
>();

function hmacKey(credentials: OAuth1Credentials): Promise<CryptoKey> {
  const signingKey = `${percentEncode(credentials.consumerSecret)}&${percentEncode(credentials.tokenSecret ?? '')}`;
  const cached = keys.get(credentials);
  if (cached?.signingKey === signingKey) return cached.key;
  const key = globalThis.crypto.subtle.importKey(
    'raw',
    encoder.encode(signingKey),
    { name: 'HMAC', hash: 'SHA-1' },
    false,
    ['sign'],
  );
  keys.set(credentials, { signingKey, key });
  return key;
}

/**
 * HMAC-SHA1 of a base string with the credentials' signing key, base64-encoded.
 * @internal
 */
export async function hmacSha1Signature(credentials: OAuth1Credentials, baseString: string): Promise<string> {
  const mac = new Uint8Array(
    await globalThis.crypto.subtle.sign('HMAC', await hmacKey(credentials), encoder.encode(baseString)),
  );
  let binary = '';
  for (const byte of mac) binary += String.fromCharCode(byte);
  return btoa(binary);
}

/**
 * 16 random bytes as 32 hex digits: X asks for "a relatively random alphanumeric string".
 * @internal
 */
export function randomNonce(): string {
  const bytes = globalThis.crypto.getRandomValues(new Uint8Array(16));
  let hex = '';
  for (const byte of bytes) hex += byte.toString(16).padStart(2, '0');
  return hex;
}

/**
 * Signs one request and returns the `Authorization` header value (`OAuth oauth_consumer_key="…", …`). Call it
 * for every attempt: each needs a fresh nonce and timestamp (X uses the nonce to spot a request sent twice).
 */
export async function signOAuth1(
  request: OAuth1Request,
  credentials: OAuth1Credentials,
  options: OAuth1SignOptions = {},
): Promise<string> {
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  // Under 1e11 s (year 5138): a value in milliseconds is a mistake that would draw a 135 on every request.
  if (!Number.isSafeInteger(timestamp) || timestamp < 0 || timestamp >= 1e11) {
    throw new TypeError(`\`timestamp\` must be whole seconds since the epoch; got ${describe(timestamp)}`);
  }
  const oauth: Record<string, string> = {
    ...options.oauthParams,
    oauth_consumer_key: credentials.consumerKey,
    oauth_nonce: options.nonce ?? randomNonce(),
    ...PROTOCOL,
    oauth_timestamp: String(timestamp),
    ...(credentials.token && { oauth_token: credentials.token }),
  };
  for (const key of Object.keys(oauth)) {
    if (!key.startsWith('oauth_'))
      throw new TypeError(`\`oauthParams\` key \`${key}\` must start with oauth_`);
  }
  const params = [...requestParams(request), ...Object.entries(oauth)];
  const base = signatureBaseString(request.method, request.url, params);
  oauth.oauth_signature = await hmacSha1Signature(credentials, base);
  const fields = Object.entries(oauth)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, value]) => `${percentEncode(key)}="${percentEncode(value)}"`);
  return `OAuth ${fields.join(', ')}`;
}

/**
 * Reads an `Authorization: OAuth …` value into its parameters (decoded); undefined when it is not one.
 * @internal
 */
export function parseOAuth1Header(value: string | null | undefined): Map<string, string> | undefined {
  if (typeof value !== 'string' || !/^OAuth\s/i.test(value)) return undefined;
  const params = new Map<string, string>();
  for (const match of value.slice(6).matchAll(/([^\s=,]+)="([^"]*)"/g)) {
    try {
      params.set(decodeURIComponent(match[1]!), decodeURIComponent(match[2]!));
    } catch {
      return undefined;
    }
  }
  return params;
}

/**
 * The rate-limit identity of OAuth 1.0a credentials: a one-way hash of the app's key and the user's access token
 * (X counts user-context limits per user and app), never the token itself. The same hash as a bearer token's
 * identity, through `authIdentity`; app-only credentials (no token) share the app's identity.
 */
export function oauth1Identity(credentials: OAuth1Credentials): string | Promise<string> {
  return authIdentity(`OAuth ${credentials.consumerKey}&${credentials.token ?? ''}`);
}
