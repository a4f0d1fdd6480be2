/**
 * Network error codes meaning the request never reached a server: resending cannot duplicate it.
 * @internal
 */
export const UNSENT_ERROR_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ENETUNREACH',
  'ENETDOWN',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'EADDRNOTAVAIL',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/**
 * Network error codes after which the request may have been processed (it may have gone out).
 * @internal
 */
export const SENT_ERROR_CODES: ReadonlySet<string> = new Set([
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_RES_CONTENT_LENGTH_MISMATCH',
  'UND_ERR_REQ_CONTENT_LENGTH_MISMATCH',
  'ERR_STREAM_PREMATURE_CLOSE',
  'HPE_INVALID_CONSTANT',
  'HPE_INVALID_CHUNK_SIZE',
]);

/**
 * Messages of the errors fetch implementations throw for a failed network exchange, compared trimmed, in lower
 * case, without a final period. ky's list is the reference (`node_modules/ky/distribution/utils/is-network-error.js`,
 * inlined from sindresorhus/is-network-error 1.3.2), widened with what Node, Deno, Bun, workerd and Chromium were
 * seen to throw on loopback (test/classify/network.test.ts keeps each message with its source).
 */
const NETWORK_MESSAGES: ReadonlySet<string> = new Set([
  'fetch failed', // Undici (Node.js); Deno 2, which puts the detail in `cause`
  'terminated', // Undici: the connection closed during the body
  'socket hang up', // node:http
  'other side closed', // Undici's SocketError
  'failed to fetch', // Chrome, Edge
  'network error', // Chrome: a body read that fails
  'networkerror', // msw's `HttpResponse.error()` in some versions
  'networkerror when attempting to fetch resource', // Firefox
  'load failed', // Safari 17+ (ky also requires no stack; a generic message is rare enough elsewhere)
  'the internet connection appears to be offline', // Safari 16
  'a network error occurred', // Bun (WebKit), with a leading space
  'network connection lost', // Cloudflare Workers
  'network request failed', // cross-fetch, React Native
]);

/** Messages recognised by how they start: they go on with a host, an address or a reason. */
const NETWORK_PREFIXES: readonly string[] = [
  'failed to fetch (', // Chrome with the host: `Failed to fetch (api.x.com)`
  'load failed (', // Safari with the host
  'error sending request', // Deno: `error sending request for url (…)`, 2.9: `… from 127.0.0.1:N for http://…`
  'error reading a body from connection', // Deno: the connection closed during the body
];

/**
 * What a recognised network message tells about whether the request went out, for runtimes that put it in the
 * text rather than in a `code` (Deno: `client error (Connect): tcp connect error: Connection refused`).
 */
const MESSAGE_CODES: readonly (readonly [RegExp, string])[] = [
  [/\bconnection refused\b/i, 'ECONNREFUSED'],
  [/\bdns error\b|\bfailed to lookup address\b/i, 'ENOTFOUND'],
];

function isNetworkMessage(message: string): boolean {
  let text = message.trim().toLowerCase();
  if (text.endsWith('.')) text = text.slice(0, -1);
  if (NETWORK_MESSAGES.has(text)) return true;
  return NETWORK_PREFIXES.some((prefix) => text.startsWith(prefix));
}

function messageCode(message: string): string | undefined {
  for (const [pattern, code] of MESSAGE_CODES) if (pattern.test(message)) return code;
  return undefined;
}

/** @internal */
export interface NetworkErrorInfo {
  /** `network`: the exchange failed; `timeout`: the per-attempt timeout fired; `abort`: the caller aborted. */
  readonly kind: 'network' | 'timeout' | 'abort';
  /** The most specific error code found in the cause chain (ECONNRESET, …). */
  readonly code?: string;
  /** True when the request cannot have reached a server (connection refused, DNS failure). */
  readonly unsent: boolean;
}

function field(value: unknown, key: string): unknown {
  if (typeof value !== 'object' || value === null) return undefined;
  try {
    return (value as Record<string, unknown>)[key];
  } catch {
    return undefined;
  }
}

/** Walks `cause` chains and AggregateError lists (bounded) and yields every error-like object in them. */
function* chain(error: unknown): Generator<unknown> {
  const queue: unknown[] = [error];
  const seen = new Set<unknown>();
  while (queue.length > 0 && seen.size < 16) {
    const current = queue.shift();
    if (typeof current !== 'object' || current === null || seen.has(current)) continue;
    seen.add(current);
    yield current;
    queue.push(field(current, 'cause'));
    const nested = field(current, 'errors');
    if (Array.isArray(nested)) queue.push(...nested.slice(0, 8));
  }
}

/**
 * What a thrown value says about the network, or undefined when it is not a network failure (a programming
 * error, say — those are never retried). Never throws, whatever it is handed.
 * @internal
 */
export function inspectNetworkError(error: unknown): NetworkErrorInfo | undefined {
  let code: string | undefined;
  let networkMessage = false;
  let textCode: string | undefined;
  for (const link of chain(error)) {
    const name = field(link, 'name');
    if (name === 'TimeoutError') return { kind: 'timeout', code: 'ETIMEDOUT', unsent: false };
    if (name === 'AbortError') return { kind: 'abort', unsent: false };
    if (name === 'NetworkError') networkMessage = true;
    const linkCode = field(link, 'code');
    if (
      typeof linkCode === 'string' &&
      (UNSENT_ERROR_CODES.has(linkCode) || SENT_ERROR_CODES.has(linkCode))
    ) {
      code ??= linkCode;
    }
    const message = field(link, 'message');
    if (typeof message === 'string') {
      if (isNetworkMessage(message)) networkMessage = true;
      textCode ??= messageCode(message);
    }
  }
  if (code !== undefined) return { kind: 'network', code, unsent: UNSENT_ERROR_CODES.has(code) };
  // A code read from a message counts only inside an error already known to be a network failure.
  if (networkMessage && textCode !== undefined)
    return { kind: 'network', code: textCode, unsent: UNSENT_ERROR_CODES.has(textCode) };
  if (networkMessage) return { kind: 'network', unsent: false };
  return undefined;
}

/**
 * A short, secret-free description of an unknown thrown value: its name, never its whole content.
 * @internal
 */
export function describeThrown(error: unknown): string {
  const name = field(error, 'name');
  const message = field(error, 'message');
  const label = typeof name === 'string' ? name.slice(0, 64) : typeof error;
  return typeof message === 'string' ? `${label}: ${message.slice(0, 200)}` : label;
}
