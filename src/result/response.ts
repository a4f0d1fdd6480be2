import type { ApiError, Classification } from '../classify/classify.ts';
import type { RateLimitInfo } from '../rate-limit/parse.ts';

/** What a successful call resolves to. */
export interface CalmResponse<T = unknown> {
  /**
   * The body's `data` for an X v2 envelope, the whole body otherwise (parsed JSON, text, a `Uint8Array` for binary
   * content, or a `ReadableStream` with `responseType: 'stream'`). Undefined when a v2 body has only `errors` (every
   * lookup failed: see `errors`).
   */
  readonly data: T | undefined;
  /** Partial errors (X v2 `errors` beside `data`), each classified on its own; empty when none. */
  readonly errors: readonly ApiError[];
  readonly includes: unknown;
  readonly meta: unknown;
  /** The whole body, read as `data` is. */
  readonly body: unknown;
  readonly status: number;
  readonly headers: Headers;
  readonly rateLimit: RateLimitInfo;
  /** How many attempts the call took. */
  readonly attempts: number;
  readonly classification: Classification;
}

/**
 * Builds a success: an X v2 envelope is opened (`data`, `includes`, `meta`), anything else is `data` itself.
 * @internal
 */
export function successOf<T>(
  response: Response,
  body: unknown,
  json: boolean,
  classification: Classification,
  attempts: number,
): CalmResponse<T> {
  const envelope = json && isEnvelope(body) ? body : undefined;
  return {
    data: (envelope ? envelope.data : body) as T | undefined,
    errors: classification.errors,
    includes: envelope?.includes,
    meta: envelope?.meta,
    body,
    status: response.status,
    headers: response.headers,
    rateLimit: classification.rateLimit,
    attempts,
    classification,
  };
}

function isEnvelope(
  body: unknown,
): body is { data?: unknown; includes?: unknown; meta?: unknown; errors?: unknown } {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return false;
  if (Object.hasOwn(body, 'data') || Array.isArray((body as { errors?: unknown }).errors)) return true;
  // X's empty page: `{ "meta": { "result_count": 0 } }` alone (another API's own `meta` beside a payload is not).
  return Object.hasOwn(body, 'meta') && Object.keys(body).every((key) => ENVELOPE_KEYS.has(key));
}

const ENVELOPE_KEYS = new Set(['data', 'includes', 'meta', 'errors']);
