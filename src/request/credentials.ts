import type { AuthOption } from '../options/types.ts';
import { authIdentity } from '../scheduler/bucket.ts';
import { raceSignal } from '../utils/abort.ts';
import type { Redactor } from '../utils/redact.ts';
import { type Call, summaryOf } from './plan.ts';

/** Header names whose values are credentials: never sent to another origin, always masked. */
export const CREDENTIAL_HEADER = /^(?:authorization|proxy-authorization|cookie)$|token|key|secret|session/i;

/**
 * The credentials stage: which headers each attempt carries, fetched afresh per attempt from a provider (a rotated
 * token is picked up by the retry), every credential learnt by the redactor before anything can show it. Client
 * credentials go only to the base URL's origin: a call to another origin is sent without them (as fetch itself
 * drops Authorization on a cross-origin redirect).
 */
export class Credentials {
  readonly #auth: AuthOption | undefined;
  readonly #redactor: Redactor;
  /** Client headers plus a fixed bearer token: the ky instance sends them, a call pays nothing for them. */
  readonly instanceHeaders: Record<string, string>;
  /** The client headers without credentials, for calls to another origin. */
  readonly foreignHeaders: Record<string, string>;
  readonly #fixedIdentity: string;
  /** A call without headers of its own needs no per-call header work (no provider, or a fixed token). */
  readonly #fixed: boolean;

  constructor(auth: AuthOption | undefined, clientHeaders: HeadersInit | undefined, redactor: Redactor) {
    this.#auth = auth;
    this.#redactor = redactor;
    const bearer =
      auth && typeof auth === 'object' && typeof auth.bearer === 'string' ? auth.bearer : undefined;
    const authorization = bearer === undefined ? undefined : `Bearer ${bearer}`;
    redactor.addAuthorization(authorization);
    const merged = new Headers(clientHeaders);
    this.foreignHeaders = {};
    for (const [name, value] of merged) {
      if (CREDENTIAL_HEADER.test(name)) redactor.addAuthorization(value);
      else this.foreignHeaders[name] = value;
    }
    if (authorization !== undefined) merged.set('authorization', authorization);
    // A plain record: ky merges the instance's headers into every call, and copies a record faster than Headers.
    this.instanceHeaders = Object.fromEntries(merged);
    this.#fixedIdentity = authIdentity(merged.get('authorization'));
    this.#fixed = !auth || bearer !== undefined;
  }

  /**
   * The call's own headers for one attempt, or undefined when the ky instance's are all it needs. A provider's
   * wait races the call's scope.
   */
  forAttempt(call: Call): Headers | undefined | Promise<Headers> {
    if (!call.sameOrigin) return new Headers(call.options.headers);
    if (this.#fixed && call.options.headers === undefined) return undefined;
    return this.#provide(call);
  }

  /** The credential identity of an attempt's headers (a one-way hash), for the limiter's bucket. */
  identity(call: Call, headers: Headers | undefined): string {
    if (!call.sameOrigin) return authIdentity(headers?.get('authorization'));
    return headers ? authIdentity(headers.get('authorization')) : this.#fixedIdentity;
  }

  async #provide(call: Call): Promise<Headers> {
    const headers = new Headers(call.options.headers);
    const auth = this.#auth;
    if (!auth) return headers;
    const signal = call.scope.signal;
    if (typeof auth === 'function') {
      const given = await raceSignal(
        Promise.resolve().then(() => auth(summaryOf(call))),
        signal,
      );
      if (given === undefined || given === null) {
        throw new TypeError('`auth` returned no headers: the request would go without credentials');
      }
      for (const [name, value] of new Headers(given)) {
        if (name === 'authorization' || CREDENTIAL_HEADER.test(name)) this.#redactor.addAuthorization(value);
        headers.set(name, value);
      }
      return headers;
    }
    const token =
      typeof auth.bearer === 'function'
        ? await raceSignal(Promise.resolve().then(auth.bearer), signal)
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
    headers.set('authorization', `Bearer ${token}`);
    return headers;
  }
}
