import type { Classification } from '../classify/classify.ts';

/** Query parameters whose values are credentials or look like them. */
const SECRET_PARAM = /token|secret|password|passwd|api[_-]?key|apikey|signature|auth|credential|session/i;

/**
 * The URL as it may be shown: no user info, credential-like query values masked. Never throws.
 * @internal
 */
export function safeUrl(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    for (const key of new Set(parsed.searchParams.keys())) {
      if (SECRET_PARAM.test(key)) parsed.searchParams.set(key, '[redacted]');
    }
    return parsed.toString();
  } catch {
    return '[invalid url]';
  }
}

/**
 * The path of a URL, for messages.
 * @internal
 */
export function urlPath(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return '[invalid url]';
  }
}

const PLAIN_PATH = /^(\/[\w\-.~!$&'()*+,;=:@/]*)(?:[?#]|$)/;

/**
 * A reader of URL paths for one base URL (an absolute http(s) URL without trailing slash): the path as
 * `new URL(url).pathname` gives it. A path under the base URL with nothing to normalise (no percent-escapes, dot
 * segments or backslashes) is read off the string, without parsing the URL; anything else is parsed.
 * @internal
 */
export function pathReader(baseUrl: string): (url: string) => string {
  const basePath = urlPath(baseUrl).replace(/\/+$/, '');
  return (url) => {
    if (url.startsWith(baseUrl) && url.charCodeAt(baseUrl.length) === 0x2f) {
      const plain = PLAIN_PATH.exec(url.slice(baseUrl.length));
      if (plain && !plain[1]!.includes('/.')) return basePath + plain[1];
    }
    return urlPath(url);
  };
}

/** Header names whose values are credentials (API keys, session cookies, tokens), besides `authorization`. */
const SECRET_HEADER = /token|key|secret|password|auth|cookie|session|signature|credential/i;
/** The OAuth 1.0a parameters that carry or prove a credential. */
const OAUTH_SECRET = new Set(['oauth_token', 'oauth_signature', 'oauth_consumer_key']);
/** How many credentials a client remembers: an OAuth 1.0a client adds a signature per request. */
const CAPACITY = 256;
const REDACTED = '[redacted]';

/**
 * Remembers the credentials a client has sent and masks them in any text it produces, and in copies of the values
 * it hands out (classifications, errors). Strings shorter than 8 characters are not masked: they would mangle
 * ordinary words.
 * @internal
 */
export class Redactor {
  /** Insertion order is recency: the oldest is dropped first. */
  readonly #secrets = new Set<string>();
  /** The secrets, longest first (so a whole header is masked before its parts); rebuilt after a change. */
  #ordered: string[] | undefined;

  add(secret: string | undefined | null): void {
    if (typeof secret !== 'string' || secret.length < 8) return;
    if (this.#secrets.has(secret)) {
      // Seen again: it is still in use, so it becomes the newest.
      this.#secrets.delete(secret);
      this.#secrets.add(secret);
      return;
    }
    this.#secrets.add(secret);
    this.#ordered = undefined;
    if (this.#secrets.size > CAPACITY) this.#secrets.delete(this.#secrets.values().next().value as string);
    // A server may echo a percent-encoded credential decoded (or the reverse): mask both forms.
    const decoded = percentDecoded(secret);
    if (decoded !== secret) this.add(decoded);
  }

  /**
   * Adds every credential-bearing part of an Authorization value, and the whole value: the token of `Bearer xyz`;
   * `oauth_token`, `oauth_signature` and `oauth_consumer_key` of an OAuth 1.0a header (as sent and decoded); the
   * base64 of `Basic …`, the `user:password` it encodes and the password; the text after the scheme of any other.
   */
  addAuthorization(value: string | null | undefined): void {
    if (typeof value !== 'string') return;
    this.add(value);
    const trimmed = value.trim();
    const space = trimmed.indexOf(' ');
    if (space <= 0) return;
    const scheme = trimmed.slice(0, space).toLowerCase();
    const rest = trimmed.slice(space + 1).trim();
    this.add(rest);
    if (scheme === 'oauth') {
      for (const [, key, quoted, bare] of rest.matchAll(/([\w.-]+)\s*=\s*(?:"([^"]*)"|([^,\s]*))/g)) {
        if (OAUTH_SECRET.has(key!.toLowerCase())) this.add(quoted ?? bare);
      }
    } else if (scheme === 'basic') {
      const decoded = base64Decoded(rest);
      if (decoded !== undefined) {
        this.add(decoded);
        this.add(decoded.slice(decoded.indexOf(':') + 1));
      }
    }
  }

  /** Adds a header's value when it carries a credential (Authorization, API keys, tokens, cookies). */
  addHeader(name: string, value: string): void {
    const lower = name.toLowerCase();
    if (lower === 'authorization' || lower === 'proxy-authorization') this.addAuthorization(value);
    else if (SECRET_HEADER.test(lower)) this.add(value);
  }

  /** Adds the credential-bearing values of a set of headers (any form `new Headers()` takes). */
  addHeaders(headers: HeadersInit | undefined): void {
    if (headers === undefined) return;
    for (const [name, value] of new Headers(headers)) this.addHeader(name, value);
  }

  redact(text: string): string {
    if (this.#secrets.size === 0) return text;
    this.#ordered ??= [...this.#secrets].sort((a, b) => b.length - a.length);
    let out = text;
    for (const secret of this.#ordered) if (out.includes(secret)) out = out.split(secret).join(REDACTED);
    return out;
  }

  /**
   * A copy of a classification with every credential masked, wherever the server echoed it (`codes[].message`,
   * `problems[].detail`, `errors[].raw`, `reason`, …); the same object when nothing in it needs masking. A success
   * without errors holds nothing the server wrote and is returned at once.
   */
  classification(c: Classification): Classification {
    return c.errors.length === 0 && c.category === 'ok' ? c : this.redactDeep(c);
  }

  /**
   * A copy of a value with every string (keys too) redacted, sharing whatever needed no change: a value without
   * secrets is returned as it is. Dates and other class instances are kept; plain objects and arrays are copied
   * (frozen when the original was).
   */
  redactDeep<T>(value: T): T {
    if (this.#secrets.size === 0) return value;
    return this.#deep(value, new Map()) as T;
  }

  #deep(value: unknown, seen: Map<object, unknown>): unknown {
    if (typeof value === 'string') return this.redact(value);
    if (typeof value !== 'object' || value === null) return value;
    const done = seen.get(value);
    if (done !== undefined) return done;
    const isArray = Array.isArray(value);
    const proto = Object.getPrototypeOf(value);
    if (!isArray && proto !== Object.prototype && proto !== null) return value;
    seen.set(value, value);
    let changed = false;
    const entries: [string, unknown][] = [];
    for (const [key, item] of Object.entries(value)) {
      const safeKey = this.redact(key);
      const safeItem = this.#deep(item, seen);
      if (safeKey !== key || safeItem !== item) changed = true;
      entries.push([safeKey, safeItem]);
    }
    if (!changed) return value;
    const copy = isArray ? entries.map(([, item]) => item) : Object.fromEntries(entries);
    if (Object.isFrozen(value)) Object.freeze(copy);
    seen.set(value, copy);
    return copy;
  }
}

function percentDecoded(text: string): string {
  if (!text.includes('%')) return text;
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function base64Decoded(text: string): string | undefined {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(text)) return undefined;
  try {
    const decoded = new TextDecoder('utf-8', { fatal: true }).decode(
      Uint8Array.from(atob(text), (c) => c.charCodeAt(0)),
    );
    return decoded.includes(':') ? decoded : undefined;
  } catch {
    return undefined;
  }
}
