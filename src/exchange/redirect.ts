import { CREDENTIAL_HEADER } from '../request/credentials.ts';

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
/** As fetch's own limit (WHATWG Fetch, "HTTP-redirect fetch": more than 20 redirects is a network error). */
const MAX_REDIRECTS = 20;

/** Browsers hide a manual redirect (an opaque response): there, fetch follows redirects itself, under CORS. */
const HIDES_REDIRECTS =
  typeof (globalThis as { document?: unknown }).document !== 'undefined' &&
  typeof (globalThis as { process?: unknown }).process === 'undefined';

/**
 * Sends a request (`init` is the caller's fresh object, changed in place) and follows its redirects the way fetch does, except that no credential-bearing header
 * (Authorization, cookies, API keys, tokens: CREDENTIAL_HEADER) follows a redirect to another origin. Fetch drops
 * only Authorization there; a client's `x-api-key` went along. A 307/308 of a request with a body is handed back
 * as it is (the body was sent once and is not sent again).
 * @internal
 */
export function fetchFollowing(
  fetch: typeof globalThis.fetch,
  request: Request,
  init: RequestInit,
): Promise<Response> {
  if (HIDES_REDIRECTS) return fetch(request, init);
  // `init` is the attempt's own object: set in place. The common case costs one status check, no async frame.
  init.redirect = 'manual';
  return fetch(request, init).then((response) =>
    REDIRECTS.has(response.status) ? follow(fetch, request, init, response) : response,
  );
}

async function follow(
  fetch: typeof globalThis.fetch,
  request: Request,
  init: RequestInit,
  first: Response,
): Promise<Response> {
  const origin = new URL(request.url).origin;
  let current = request;
  let response = first;
  for (let hop = 0; ; hop++) {
    if (hop > 0) response = await fetch(current, init);
    const location = REDIRECTS.has(response.status) ? response.headers.get('location') : null;
    if (location === null || hop >= MAX_REDIRECTS) return response;
    const keepsMethod = response.status === 307 || response.status === 308;
    if (keepsMethod && current.body !== null) return response;
    await response.body?.cancel().catch(() => {});
    const next = new URL(location, current.url);
    const method = keepsMethod || current.method === 'HEAD' ? current.method : 'GET';
    const headers = new Headers(current.headers);
    if (next.origin !== origin) {
      for (const name of [...headers.keys()]) if (CREDENTIAL_HEADER.test(name)) headers.delete(name);
    }
    if (method !== current.method) {
      headers.delete('content-type');
      headers.delete('content-length');
    }
    current = new Request(next, { method, headers, ...(init.signal && { signal: init.signal }) });
  }
}
