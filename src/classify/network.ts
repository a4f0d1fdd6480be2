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

/** Messages of the errors fetch implementations throw for a failed network exchange. */
const NETWORK_MESSAGE =
  /^(?:fetch failed|failed to fetch|network ?error|networkerror when attempting to fetch resource\.?|load failed|terminated|socket hang up|other side closed)$/i;

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
    if (typeof message === 'string' && NETWORK_MESSAGE.test(message.trim())) networkMessage = true;
  }
  if (code !== undefined) return { kind: 'network', code, unsent: UNSENT_ERROR_CODES.has(code) };
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
