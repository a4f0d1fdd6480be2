import type { AfterResponseHook, BeforeRequestHook } from 'ky';
import type { OAuth1Credentials } from '../auth/oauth1.ts';
import type { Catalogue } from '../catalogue/types.ts';
import type { ApiError, Classification } from '../classify/classify.ts';
import type { CalmError, RequestSummary } from '../errors/CalmError.ts';
import type { CalmEvent } from '../result/events.ts';
import type { BucketRequest } from '../scheduler/bucket.ts';
import type { RedisOption } from '../scheduler/redis.ts';
import type { MinIntervalOption } from '../scheduler/spacing.ts';

// Every option a user can pass, with its documentation. Defaults live in ./defaults.ts (DEFAULTS); each
// `@default` tag below is checked against DEFAULTS by test/options/defaults.test.ts.

/**
 * Credentials. A bearer token (or a function giving the current one); OAuth 1.0a user context (the app's and the
 * user's keys, or a function giving them per request for a service acting for many users), signed afresh for every
 * attempt on the server's clock; or a function giving headers per request (any other scheme).
 */
export type AuthOption =
  | { readonly bearer: string | (() => string | Promise<string>) }
  | {
      readonly oauth1:
        | OAuth1Credentials
        | ((request: RequestSummary) => OAuth1Credentials | Promise<OAuth1Credentials>);
    }
  | ((request: RequestSummary) => HeadersInit | Promise<HeadersInit>);

export interface RetryOptions {
  /** Retries of retryable failures (500, 502, 503, 504, code 130/131, network, timeout) per call. @default 3 */
  readonly limit?: number;
  /** The first backoff step; backoff is exponential with full jitter. @default 1000 */
  readonly baseDelayMs?: number;
  /** The cap on one computed backoff delay. @default 60000 */
  readonly maxDelayMs?: number;
  /** The longest wait the client takes; a longer server-given wait fails at once, with `retryAt`. @default 900000 */
  readonly maxWaitMs?: number;
  /** The first wait for a rate limit with no server time (a bare 420/429, code 185); doubles after. @default 60000 */
  readonly rateLimitBaseDelayMs?: number;
  /**
   * The first wait after a 420/429 while the reported window still has room: a per-second or secondary limit (X's
   * `search/all` allows 1 request per second), not a spent window. Doubles after; `Retry-After` wins when sent.
   * @default 1000
   */
  readonly secondaryBaseDelayMs?: number;
  /** Rate-limit waits per call. They do not use up `limit`. @default 3 */
  readonly rateLimitWaits?: number;
  /** Up to this much random extra wait after a server-given time, so that callers don't return together. @default 500 */
  readonly jitterMs?: number;
}

export interface RetryBudgetOption {
  /** Tokens in a full (warm) bucket. @default 10 */
  readonly capacity?: number;
  /** Tokens one retry spends. @default 1 */
  readonly retryCost?: number;
  /** Tokens one success refills. @default 0.1 */
  readonly refillPerSuccess?: number;
}

export interface RateLimitRedisOption extends RedisOption {
  /** Prefix of every key calmfetch writes in Redis. @default 'calmfetch' */
  readonly prefix?: string;
  /** The longest any Redis wait may take before the limiter falls back. @default 2000 */
  readonly timeoutMs?: number;
  /** When Redis cannot be reached: limit locally (with a `limiter` event) or fail calls. @default 'local' */
  readonly onUnavailable?: 'local' | 'fail';
}

export interface RateLimitOptions {
  /** Calls in flight at once, client-wide. @default Infinity */
  readonly maxConcurrent?: number;
  /** Calls that may wait in the limiter at once; beyond it a call fails at once with a RateLimitError. @default Infinity */
  readonly highWater?: number;
  /** A window is refilled this long after X's reset, against clock differences and transit. @default 250 */
  readonly resetMarginMs?: number;
  /** Overrides the bucket key (default: method + endpoint template + a hash of the credentials). */
  readonly bucket?: (request: BucketRequest) => string;
  /** Shares each bucket's window across processes through a count in Redis (ioredis). */
  readonly redis?: RateLimitRedisOption;
  /**
   * Minimum spacing of one bucket's calls, per endpoint (`'GET /2/tweets/search/all': 1000`), merged over the
   * defaults (X documents 1/s for search/all); or a function of `'METHOD /template'`.
   * @default { 'GET /2/tweets/search/all': 1000 }
   */
  readonly minIntervalMs?: MinIntervalOption;
  /** Buckets kept at most (idle ones are pruned after 10 minutes; beyond this the oldest go). @default 5000 */
  readonly maxBuckets?: number;
}

/** What the decision hooks are shown. */
export interface RetryContext {
  readonly error: CalmError;
  readonly classification: Classification;
  readonly request: RequestSummary;
  /** The attempt that failed (1 for the first). */
  readonly attempt: number;
  /** What the client decided: retry after `delayMs`, or not. */
  readonly retry: boolean;
  readonly delayMs: number;
}

export interface RateLimitContext extends RetryContext {
  /** When the wait would end. */
  readonly retryAt: Date;
}

/** `false` vetoes the retry, `{ delayMs }` changes its delay, nothing (undefined) keeps it. */
export type BeforeRetryAnswer = undefined | false | { readonly delayMs: number };

export interface Hooks {
  /** ky's beforeRequest hooks, run on every attempt. */
  readonly beforeRequest?: readonly BeforeRequestHook[];
  /** ky's afterResponse hooks, run on every response before it is classified. */
  readonly afterResponse?: readonly AfterResponseHook[];
  /** Overrides the decision: true retries (within `limit` and the budget), false stops; undefined keeps it. */
  readonly shouldRetry?: (context: RetryContext) => boolean | undefined | Promise<boolean | undefined>;
  /** Observes a retry or wait about to happen; may change its delay (`{ delayMs }`) or veto it (`false`). */
  readonly beforeRetry?: (context: RetryContext) => BeforeRetryAnswer | Promise<BeforeRetryAnswer>;
  /** Chooses between waiting out a rate limit and failing now (with `retryAt`). */
  readonly onRateLimit?: (
    context: RateLimitContext,
  ) => 'wait' | 'fail' | undefined | Promise<'wait' | 'fail' | undefined>;
  /** Called on an auth-fatal failure; resolve true after refreshing the credentials to try once more. */
  readonly onAuthError?: (context: RetryContext) => boolean | Promise<boolean>;
  /** Sees the partial errors of a success (`data` plus `errors`). */
  readonly onPartialErrors?: (errors: readonly ApiError[], request: RequestSummary) => void | Promise<void>;
  /** Structured telemetry for every attempt, retry, wait, give-up and budget refusal. Never credentials. */
  readonly onEvent?: (event: CalmEvent) => void;
}

export interface ClientOptions {
  /** Where paths are resolved: `'/2/tweets'` and `'2/tweets'` both append to it. @default 'https://api.x.com' */
  readonly baseUrl?: string;
  readonly auth?: AuthOption;
  readonly retry?: RetryOptions;
  /** Proactive rate limiting per endpoint bucket, fed by X's headers; `false` turns it off. */
  readonly rateLimit?: RateLimitOptions | false;
  /** Retry-storm protection (a token bucket per client); `false` turns it off. */
  readonly retryBudget?: RetryBudgetOption | false;
  /** Per attempt, including reading the body. @default 10000 */
  readonly timeoutMs?: number;
  /** Bounds a whole call, every attempt and wait included; no retry starts whose wait would overrun it. @default Infinity */
  readonly deadlineMs?: number;
  /** Headers sent with every request. */
  readonly headers?: HeadersInit;
  readonly hooks?: Hooks;
  /** The catalogue that classifies responses. @default xCatalogue */
  readonly catalogue?: Catalogue;
  /** The fetch to use. @default globalThis.fetch */
  readonly fetch?: typeof fetch;
  /** The source of jitter, for tests. @default Math.random */
  readonly random?: () => number;
}

/**
 * One query parameter's value. `undefined` leaves the parameter out; an array is joined with commas, the form X's
 * list parameters take (`ids: ['1', '2']` → `ids=1%2C2`, as `new URLSearchParams` writes it).
 */
export type SearchParamValue = string | number | boolean | undefined | readonly (string | number | boolean)[];

/**
 * Query parameters: a record, a `URLSearchParams`, a query string, or `[name, value]` pairs (for a parameter given
 * more than once: `[['a', 1], ['a', 2]]` → `a=1&a=2`). The forms ky takes.
 */
export type SearchParams =
  | Readonly<Record<string, SearchParamValue>>
  | URLSearchParams
  | string
  | readonly (readonly [string, string | number | boolean])[];

/** A queue priority in the rate limiter: 0 (first) to 9, as Bottleneck takes it. */
export type Priority = 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9;

/** A call's body: `json` (sent as JSON) or `body` (sent as it is), never both. */
export type RequestBody =
  | {
      /** A body sent as JSON. */
      readonly json?: unknown;
      readonly body?: undefined;
    }
  | {
      readonly json?: undefined;
      /**
       * A raw body (string, URLSearchParams, FormData, Blob, ArrayBuffer, ReadableStream). A stream cannot be sent
       * again, so a call with one is never retried.
       */
      readonly body?: BodyInit;
    };

/**
 * How a success's body is read. `auto`: JSON when it is JSON, text when it is text, bytes (`Uint8Array`) for
 * anything else (an image, a video). `stream`: the unread `ReadableStream` (never buffered: for large downloads;
 * the attempt's timeout stops once the headers arrive). Error bodies are always read, to classify them.
 */
export type ResponseType = 'auto' | 'json' | 'text' | 'bytes' | 'stream';

/** A call's options. */
export type RequestOptions = RequestCallOptions & RequestBody;

/** A call's options besides its body. */
export interface RequestCallOptions {
  /** How a success's body is read (see ResponseType). @default 'auto' */
  readonly responseType?: ResponseType;
  readonly searchParams?: SearchParams;
  readonly headers?: HeadersInit;
  /** Aborts every attempt and every wait of the call; the call rejects with `signal.reason`. */
  readonly signal?: AbortSignal;
  /** Overrides the client's per-attempt timeout. */
  readonly timeoutMs?: number;
  /** Overrides the client's deadline for this call. */
  readonly deadlineMs?: number;
  /** Marks a non-idempotent call (POST, PATCH) safe to resend after a failure that may have been processed. */
  readonly idempotent?: boolean;
  /** Overrides the client's retry options for this call. */
  readonly retry?: RetryOptions;
  /** Queue priority in the rate limiter, 0 (first) to 9. @default 5 */
  readonly priority?: Priority;
}
