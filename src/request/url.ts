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
