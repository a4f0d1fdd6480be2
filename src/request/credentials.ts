import { normalizeOAuth1, type OAuth1Credentials, oauth1Identity } from '../auth/oauth1.ts';
import type { AuthOption } from '../options/types.ts';
import { authIdentity } from '../scheduler/bucket.ts';
import { raceSignal } from '../utils/abort.ts';
import type { Redactor } from '../utils/redact.ts';
import { hasControlCharacter } from '../utils/validate.ts';
import { type Call, summaryOf } from './plan.ts';

/**
 * Header names whose values are credentials: never sent to another origin, always masked.
 * @internal
 */
export const CREDENTIAL_HEADER = /^(?:authorization|proxy-authorization|cookie)$|token|key|secret|session/i;

type OAuth1Option = Extract<AuthOption, { oauth1: unknown }>['oauth1'];

/**
 * The credentials stage: which headers each attempt carries, fetched afresh per attempt from a provider (a rotated
 * token is picked up by the retry), every credential learnt by the redactor before anything can show it. Client
 * credentials go only to the base URL's origin: a call to another origin is sent without them (as fetch itself
 * drops Authorization on a cross-origin redirect). OAuth 1.0a credentials are resolved here (their identity names
 * the bucket) and signed later, in the exchange, once the call has left the limiter: a timestamp signed before a
 * long wait would be stale.
 * @internal
 */
export class Credentials {
  readonly #auth: AuthOption | undefined;
  readonly #oauth1: OAuth1Option | undefined;
  readonly #redactor: Redactor;
  /** Client headers plus a fixed bearer token: the ky instance sends them, a call pays nothing for them. */
  readonly instanceHeaders: Record<string, string>;
  /** The client headers without credentials, for calls to another origin. */
  readonly foreignHeaders: Record<string, string>;
  /** The client's headers hold a credential besides Authorization (an API key, a cookie, a token). */
  readonly extraCredentials: boolean;
  readonly #fixedAuthorization: string | null;
  /** A call without headers of its own needs no per-call header work (no provider, or a fixed token). */
  readonly #fixed: boolean;

  constructor(auth: AuthOption | undefined, clientHeaders: HeadersInit | undefined, redactor: Redactor) {
    this.#auth = auth;
    this.#redactor = redactor;
    const bearer =
      auth && typeof auth === 'object' && 'bearer' in auth && typeof auth.bearer === 'string'
        ? auth.bearer
        : undefined;
    this.#oauth1 = auth && typeof auth === 'object' && 'oauth1' in auth ? auth.oauth1 : undefined;
    if (this.#oauth1 && typeof this.#oauth1 === 'object') this.#learn(this.#oauth1);
    const authorization = bearer === undefined ? undefined : `Bearer ${bearer}`;
    redactor.addAuthorization(authorization);
    const merged = new Headers(clientHeaders);
    this.foreignHeaders = {};
    let extra = false;
    for (const [name, value] of merged) {
      redactor.addHeader(name, value);
      if (!CREDENTIAL_HEADER.test(name)) this.foreignHeaders[name] = value;
      else if (name !== 'authorization') extra = true;
    }
    this.extraCredentials = extra;
    if (authorization !== undefined) merged.set('authorization', authorization);
    // A plain record: ky merges the instance's headers into every call, and copies a record faster than Headers.
    this.instanceHeaders = Object.fromEntries(merged);
    this.#fixedAuthorization = merged.get('authorization');
    this.#fixed = !auth || bearer !== undefined || this.#oauth1 !== undefined;
  }

  /**
   * The call's own headers for one attempt, or undefined when the ky instance's are all it needs. A provider's
   * wait races the call's scope.
   */
  forAttempt(call: Call): Headers | undefined | Promise<Headers> {
    if (call.options.headers === undefined) {
      if (this.#fixed || !call.sameOrigin) return undefined;
    } else this.#redactor.addHeaders(call.options.headers); // the call's own credentials are masked too
    if (!call.sameOrigin) return new Headers(call.options.headers);
    return this.#provide(call);
  }

  /** The OAuth 1.0a credentials of one attempt (undefined without them): a per-user provider races the scope. */
  oauth1For(call: Call): OAuth1Credentials | Promise<OAuth1Credentials> | undefined {
    const option = this.#oauth1;
    if (option === undefined || !call.sameOrigin) return undefined;
    if (typeof option !== 'function') return option;
    return raceSignal(
      Promise.resolve().then(() => option(summaryOf(call))),
      call.scope.signal,
    ).then((given) => this.#learn(normalizeOAuth1(given, 'auth.oauth1()')));
  }

  /**
   * The credential identity of an attempt (a one-way hash), for the limiter's bucket. A promise only on a
   * credential's first call where the platform has Web Crypto alone (browsers, Workers): it is memoised.
   */
  identity(
    call: Call,
    headers: Headers | undefined,
    oauth1: OAuth1Credentials | undefined,
  ): string | Promise<string> {
    if (oauth1) return oauth1Identity(oauth1);
    if (!call.sameOrigin) return authIdentity(headers?.get('authorization'));
    return authIdentity(headers ? headers.get('authorization') : this.#fixedAuthorization);
  }

  #learn(credentials: OAuth1Credentials): OAuth1Credentials {
    for (const value of Object.values(credentials)) this.#redactor.add(value);
    return credentials;
  }

  async #provide(call: Call): Promise<Headers> {
    const headers = new Headers(call.options.headers);
    const auth = this.#auth;
    if (!auth || this.#oauth1 !== undefined) {
      // The token beats an authorization header in the call's own headers (only a signer may set it).
      if (this.#oauth1 !== undefined) headers.delete('authorization');
      return headers;
    }
    if (typeof auth === 'function') {
      const given = await raceSignal(
        Promise.resolve().then(() => auth(summaryOf(call))),
        call.scope.signal,
      );
      if (given === undefined || given === null) {
        throw new TypeError('`auth` returned no headers: the request would go without credentials');
      }
      for (const [name, value] of validHeaders(given, '`auth`')) {
        this.#redactor.addHeader(name, value);
        headers.set(name, value);
      }
      return headers;
    }
    if (!('bearer' in auth)) return headers;
    const token =
      typeof auth.bearer === 'function'
        ? await raceSignal(Promise.resolve().then(auth.bearer), call.scope.signal)
        : auth.bearer;
    if (typeof token !== 'string' || token.trim() === '') {
      throw new TypeError('`auth.bearer()` must give a non-empty token string');
    }
    this.#redactor.add(token);
    if (/^bearer\s/i.test(token)) {
      throw new TypeError(
        "`auth.bearer()` must give the token alone: calmfetch adds the 'Bearer ' prefix itself",
      );
    }
    if (hasControlCharacter(token)) {
      throw new TypeError('`auth.bearer()` gave a token with line breaks or other control characters');
    }
    headers.set('authorization', `Bearer ${token}`);
    return headers;
  }
}

/**
 * The headers an `auth` function gave, or a TypeError that names the option and never the value: the platform's
 * own error for an invalid header quotes the value, which is a credential.
 */
function validHeaders(given: HeadersInit, option: string): Headers {
  try {
    return new Headers(given);
  } catch {
    throw new TypeError(
      `${option} gave an invalid header (a line break or other control character in a value?)`,
    );
  }
}
