/**
 * `'/2/tweets'` and `'2/tweets'` both append to the base URL; an absolute URL is used as it is.
 * @internal
 */
export function joinUrl(baseUrl: string, path: string): string {
  if (ABSOLUTE.test(path)) return path;
  if (path.charCodeAt(0) !== 0x2f) return `${baseUrl}/${path}`;
  return baseUrl + (path.charCodeAt(1) === 0x2f ? path.replace(LEADING_SLASHES, '/') : path);
}

/**
 * Whether a URL made by joinUrl may carry the client's credentials: only to the base URL's own origin.
 * @internal
 */
export function sameOrigin(url: string, path: string, baseOrigin: string): boolean {
  if (!ABSOLUTE.test(path)) return true;
  try {
    return new URL(url).origin === baseOrigin;
  } catch {
    return false;
  }
}

const ABSOLUTE = /^https?:\/\//i;
const LEADING_SLASHES = /^\/+/;

/**
 * The URL with its query written in, exactly as ky would write it from `searchParams` — or undefined, and ky is
 * given the parameters. ky builds its `Request` twice for a call with parameters (the second time with the URL it
 * parsed and rewrote): handing it the final URL saves a `Request`, a URL parse and a copy of the parameters, about
 * a tenth of a query call's CPU (measured in process with a fetch that answers at once). Only the forms whose
 * result is certain are written here: a record with no `undefined` value, or a `URLSearchParams`, on a URL with no
 * query or fragment of its own; ky's own serialisation (`URLSearchParams`, application/x-www-form-urlencoded) is
 * what both use.
 * @internal
 */
export function withQuery(url: string, params: unknown): string | undefined {
  if (url.includes('?') || url.includes('#')) return undefined;
  let query: URLSearchParams;
  if (params instanceof URLSearchParams) query = params;
  else if (typeof params !== 'object' || params === null || Array.isArray(params)) return undefined;
  else {
    query = new URLSearchParams();
    const record = params as Record<string, unknown>;
    for (const key in record) {
      if (!Object.hasOwn(record, key)) continue;
      const value = record[key];
      if (value === undefined) return undefined; // ky leaves it out and deletes it: its own path
      query.append(key, value as string); // converted as URLSearchParams converts a record's values
    }
  }
  const search = query.toString();
  return search === '' ? url : `${url}?${search}`;
}
