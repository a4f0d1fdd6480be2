// OAuth 1.0a credentials: their types, their validation and their rate-limit identity. The signing itself is in
// ./sign.ts, a chunk of its own that a client loads at its first OAuth 1.0a request (issue 18's size budget).

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
 * The rate-limit identity of OAuth 1.0a credentials: a one-way hash of the app's key and the user's access token
 * (X counts user-context limits per user and app), never the token itself. The same hash as a bearer token's
 * identity, through `authIdentity`; app-only credentials (no token) share the app's identity.
 */
export function oauth1Identity(credentials: OAuth1Credentials): string | Promise<string> {
  return authIdentity(`OAuth ${credentials.consumerKey}&${credentials.token ?? ''}`);
}
