/** Query parameters whose values are credentials or look like them. */
const SECRET_PARAM = /token|secret|password|passwd|api[_-]?key|apikey|signature|auth|credential|session/i;

/** The URL as it may be shown: no user info, credential-like query values masked. Never throws. */
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

/** The path of a URL, for messages. */
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

/**
 * Remembers the credentials a client has sent and masks them in any text it produces. Shorter strings are not
 * secrets worth masking (and would mangle ordinary words).
 */
export class Redactor {
  readonly #secrets = new Set<string>();

  add(secret: string | undefined | null): void {
    if (typeof secret !== 'string' || secret.length < 8 || this.#secrets.has(secret)) return;
    this.#secrets.add(secret);
    // Rotating tokens: keep the newest few only.
    if (this.#secrets.size > 32) this.#secrets.delete(this.#secrets.values().next().value as string);
  }

  /** Adds the credential part of an Authorization value (`Bearer xyz` → `xyz`, and the whole value). */
  addAuthorization(value: string | null | undefined): void {
    if (typeof value !== 'string') return;
    this.add(value);
    const space = value.indexOf(' ');
    if (space > 0) this.add(value.slice(space + 1).trim());
  }

  redact(text: string): string {
    let out = text;
    for (const secret of this.#secrets) if (out.includes(secret)) out = out.split(secret).join('[redacted]');
    return out;
  }
}
