import type { AfterResponseHook, BeforeRequestHook } from 'ky';
import type { Catalogue } from '../catalogue/types.ts';
import type { ApiError, Classification } from '../classify/classify.ts';
import type { CalmError, RequestSummary } from '../errors/CalmError.ts';
import { MAX_TIMER_MS } from '../retry/backoff.ts';
import type { BucketRequest } from '../scheduler/bucket.ts';
import type { RedisOption } from '../scheduler/redis.ts';
import {
  DEFAULT_MIN_INTERVAL_MS,
  type MinIntervalOption,
  normalizeMinInterval,
} from '../scheduler/spacing.ts';
import {
  checkBoolean,
  checkFunction,
  checkKeys,
  checkNumber,
  describe,
  isRecord,
} from '../utils/validate.ts';
import type { CalmEvent } from './events.ts';

/** Credentials. A bearer token (or a function giving the current one), or a function giving headers per request. */
export type AuthOption =
  | { readonly bearer: string | (() => string | Promise<string>) }
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
  /** Prefix of every key calmfetch and Bottleneck write in Redis. @default 'calmfetch' */
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
  /** Shares the limiters across processes through Redis (Bottleneck's ioredis datastore). */
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

export type SearchParams =
  | Readonly<Record<string, string | number | boolean | undefined>>
  | URLSearchParams
  | string;

export interface RequestOptions {
  readonly searchParams?: SearchParams;
  /** A body sent as JSON. */
  readonly json?: unknown;
  /** A raw body (string, URLSearchParams, FormData, Blob, …). Streams cannot be resent, so are not retried. */
  readonly body?: BodyInit;
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
  readonly priority?: number;
}

/** Every default, in one place. The README's options table is rendered from this object. */
export const DEFAULTS = Object.freeze({
  baseUrl: 'https://api.x.com',
  timeoutMs: 10_000,
  deadlineMs: Number.POSITIVE_INFINITY,
  retry: Object.freeze({
    limit: 3,
    baseDelayMs: 1000,
    maxDelayMs: 60_000,
    maxWaitMs: 15 * 60_000,
    rateLimitBaseDelayMs: 60_000,
    rateLimitWaits: 3,
    jitterMs: 500,
  }),
  retryBudget: Object.freeze({ capacity: 10, retryCost: 1, refillPerSuccess: 0.1 }),
  rateLimit: Object.freeze({
    maxConcurrent: Number.POSITIVE_INFINITY,
    highWater: Number.POSITIVE_INFINITY,
    resetMarginMs: 250,
    redis: Object.freeze({ prefix: 'calmfetch', timeoutMs: 2000, onUnavailable: 'local' as const }),
    minIntervalMs: DEFAULT_MIN_INTERVAL_MS,
    maxBuckets: 5000,
  }),
  priority: 5,
});

export type NormalizedRetry = { -readonly [K in keyof typeof DEFAULTS.retry]: number };
export type NormalizedBudget = { -readonly [K in keyof typeof DEFAULTS.retryBudget]: number };

export interface NormalizedRateLimit {
  readonly maxConcurrent: number;
  readonly highWater: number;
  readonly resetMarginMs: number;
  readonly bucket: ((request: BucketRequest) => string) | undefined;
  readonly redis:
    | (RedisOption & { prefix: string; timeoutMs: number; onUnavailable: 'local' | 'fail' })
    | undefined;
  readonly minIntervalMs: (endpoint: string) => number;
  readonly maxBuckets: number;
}

export interface NormalizedOptions {
  readonly rateLimit: NormalizedRateLimit | false;
  readonly baseUrl: string;
  readonly auth: AuthOption | undefined;
  readonly retry: NormalizedRetry;
  readonly retryBudget: NormalizedBudget | false;
  readonly timeoutMs: number;
  readonly deadlineMs: number;
  readonly headers: HeadersInit | undefined;
  readonly hooks: Hooks;
  readonly catalogue: Catalogue | undefined;
  readonly fetch: typeof fetch | undefined;
  readonly random: () => number;
}

/** Every top-level option `createClient` accepts (an unknown one is a TypeError). */
export const CLIENT_KEYS = [
  'baseUrl',
  'auth',
  'retry',
  'retryBudget',
  'rateLimit',
  'timeoutMs',
  'deadlineMs',
  'headers',
  'hooks',
  'catalogue',
  'fetch',
  'random',
];
const HOOK_KEYS = [
  'beforeRequest',
  'afterResponse',
  'shouldRetry',
  'beforeRetry',
  'onRateLimit',
  'onAuthError',
  'onPartialErrors',
  'onEvent',
];
const REQUEST_KEYS = [
  'searchParams',
  'json',
  'body',
  'headers',
  'signal',
  'timeoutMs',
  'deadlineMs',
  'idempotent',
  'retry',
  'priority',
];

function checkObject(name: string, value: unknown): Record<string, unknown> | undefined {
  if (value === undefined) return undefined;
  if (!isRecord(value)) throw new TypeError(`\`${name}\` must be an object; got ${describe(value)}`);
  return value;
}

export function normalizeRetry(name: string, value: unknown, base: NormalizedRetry): NormalizedRetry {
  const retry = checkObject(name, value);
  if (!retry) return base;
  checkKeys(name, retry, Object.keys(DEFAULTS.retry));
  const pick = (key: keyof NormalizedRetry, opts: Parameters<typeof checkNumber>[2]) =>
    retry[key] === undefined ? base[key] : checkNumber(`${name}.${key}`, retry[key], opts);
  const ms = { max: MAX_TIMER_MS };
  return {
    limit: pick('limit', { integer: true, max: 1000 }),
    baseDelayMs: pick('baseDelayMs', ms),
    maxDelayMs: pick('maxDelayMs', ms),
    maxWaitMs: pick('maxWaitMs', ms),
    rateLimitBaseDelayMs: pick('rateLimitBaseDelayMs', ms),
    rateLimitWaits: pick('rateLimitWaits', { integer: true, max: 1000 }),
    jitterMs: pick('jitterMs', { max: 60_000 }),
  };
}

function normalizeBudget(value: unknown): NormalizedBudget | false {
  if (value === false) return false;
  const budget = checkObject('retryBudget', value);
  if (!budget) return { ...DEFAULTS.retryBudget };
  checkKeys('retryBudget', budget, Object.keys(DEFAULTS.retryBudget));
  const pick = (key: keyof NormalizedBudget, min: number) =>
    budget[key] === undefined
      ? DEFAULTS.retryBudget[key]
      : checkNumber(`retryBudget.${key}`, budget[key], { min });
  return {
    capacity: pick('capacity', 0),
    retryCost: pick('retryCost', Number.MIN_VALUE),
    refillPerSuccess: pick('refillPerSuccess', 0),
  };
}

function normalizeRateLimit(value: unknown): NormalizedRateLimit | false {
  if (value === false) return false;
  const input = checkObject('rateLimit', value) ?? {};
  checkKeys('rateLimit', input, [
    'maxConcurrent',
    'highWater',
    'resetMarginMs',
    'bucket',
    'redis',
    'minIntervalMs',
    'maxBuckets',
  ]);
  const d = DEFAULTS.rateLimit;
  const pick = (
    key: 'maxConcurrent' | 'highWater' | 'resetMarginMs' | 'maxBuckets',
    opts: Parameters<typeof checkNumber>[2],
  ) => (input[key] === undefined ? d[key] : checkNumber(`rateLimit.${key}`, input[key], opts));
  checkFunction('rateLimit.bucket', input.bucket);
  const redis = checkObject('rateLimit.redis', input.redis);
  let normalizedRedis: NormalizedRateLimit['redis'];
  if (redis) {
    checkKeys('rateLimit.redis', redis, ['client', 'options', 'prefix', 'timeoutMs', 'onUnavailable']);
    if ((redis.client === undefined) === (redis.options === undefined)) {
      throw new TypeError(
        '`rateLimit.redis` needs exactly one of `client` (an ioredis client) or `options` (ioredis options)',
      );
    }
    if (
      redis.client !== undefined &&
      (!isRecord(redis.client) || typeof redis.client.duplicate !== 'function')
    ) {
      throw new TypeError(
        '`rateLimit.redis.client` must be an ioredis client (the `redis` package never becomes ready with Bottleneck)',
      );
    }
    checkObject('rateLimit.redis.options', redis.options);
    if (
      redis.prefix !== undefined &&
      (typeof redis.prefix !== 'string' || !/^[\w:.-]{1,64}$/.test(redis.prefix))
    ) {
      throw new TypeError('`rateLimit.redis.prefix` must be 1–64 word characters, colons, dots or dashes');
    }
    if (
      redis.onUnavailable !== undefined &&
      redis.onUnavailable !== 'local' &&
      redis.onUnavailable !== 'fail'
    ) {
      throw new TypeError("`rateLimit.redis.onUnavailable` must be 'local' or 'fail'");
    }
    normalizedRedis = {
      ...(redis.client !== undefined && { client: redis.client as never }),
      ...(redis.options !== undefined && { options: redis.options as Record<string, unknown> }),
      prefix: (redis.prefix as string | undefined) ?? d.redis.prefix,
      timeoutMs:
        redis.timeoutMs === undefined
          ? d.redis.timeoutMs
          : checkNumber('rateLimit.redis.timeoutMs', redis.timeoutMs, { min: 1, max: MAX_TIMER_MS }),
      onUnavailable: (redis.onUnavailable as 'local' | 'fail' | undefined) ?? d.redis.onUnavailable,
    };
  }
  return {
    maxConcurrent: pick('maxConcurrent', { integer: true, min: 1, allowInfinity: true }),
    highWater: pick('highWater', { integer: true, min: 0, allowInfinity: true }),
    resetMarginMs: pick('resetMarginMs', { max: 60_000 }),
    bucket: input.bucket as NormalizedRateLimit['bucket'],
    redis: normalizedRedis,
    minIntervalMs: normalizeMinInterval(input.minIntervalMs),
    maxBuckets: pick('maxBuckets', { integer: true, min: 1 }),
  };
}

function normalizeAuth(value: unknown): AuthOption | undefined {
  if (value === undefined || typeof value === 'function') return value as AuthOption | undefined;
  if (isRecord(value) && Object.keys(value).length === 1 && 'bearer' in value) {
    const { bearer } = value;
    if ((typeof bearer === 'string' && bearer.trim() !== '') || typeof bearer === 'function')
      return value as AuthOption;
    throw new TypeError(`\`auth.bearer\` must be a non-empty string or a function; got ${describe(bearer)}`);
  }
  throw new TypeError(
    `\`auth\` must be { bearer } or a function (request) => headers; got ${describe(value)}`,
  );
}

function normalizeBaseUrl(value: unknown): string {
  if (value === undefined) return DEFAULTS.baseUrl;
  if (typeof value !== 'string' && !(value instanceof URL))
    throw new TypeError(`\`baseUrl\` must be a URL string; got ${describe(value)}`);
  let url: URL;
  try {
    url = new URL(String(value));
  } catch {
    throw new TypeError('`baseUrl` must be an absolute http(s) URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new TypeError('`baseUrl` must be an absolute http(s) URL');
  if (url.username || url.password) throw new TypeError('`baseUrl` must not carry credentials; use `auth`');
  return url.toString();
}

function normalizeHooks(value: unknown): Hooks {
  const hooks = checkObject('hooks', value);
  if (!hooks) return {};
  checkKeys('hooks', hooks, HOOK_KEYS);
  for (const key of ['beforeRequest', 'afterResponse']) {
    const list = hooks[key];
    if (list !== undefined && (!Array.isArray(list) || list.some((hook) => typeof hook !== 'function'))) {
      throw new TypeError(`\`hooks.${key}\` must be an array of functions`);
    }
  }
  for (const key of HOOK_KEYS.slice(2)) checkFunction(`hooks.${key}`, hooks[key]);
  return hooks as Hooks;
}

/** Validates every client option up front, with a TypeError naming the option, and fills in the defaults. */
export function normalizeClientOptions(options: unknown = {}): NormalizedOptions {
  const input = checkObject('options', options) ?? {};
  checkKeys('options', input, CLIENT_KEYS);
  checkFunction('fetch', input.fetch);
  checkFunction('random', input.random);
  if (input.catalogue !== undefined && !(isRecord(input.catalogue) && input.catalogue.codes instanceof Map)) {
    throw new TypeError('`catalogue` must be a catalogue (xCatalogue, or one made by defineCatalogue)');
  }
  if (input.headers !== undefined) {
    try {
      new Headers(input.headers as HeadersInit);
    } catch {
      throw new TypeError('`headers` must be a valid HeadersInit');
    }
  }
  return {
    baseUrl: normalizeBaseUrl(input.baseUrl),
    auth: normalizeAuth(input.auth),
    retry: normalizeRetry('retry', input.retry, { ...DEFAULTS.retry }),
    retryBudget: normalizeBudget(input.retryBudget),
    rateLimit: normalizeRateLimit(input.rateLimit),
    timeoutMs:
      input.timeoutMs === undefined
        ? DEFAULTS.timeoutMs
        : checkNumber('timeoutMs', input.timeoutMs, { min: 1, max: MAX_TIMER_MS }),
    deadlineMs:
      input.deadlineMs === undefined
        ? DEFAULTS.deadlineMs
        : checkNumber('deadlineMs', input.deadlineMs, { min: 1, allowInfinity: true }),
    headers: input.headers as HeadersInit | undefined,
    hooks: normalizeHooks(input.hooks),
    catalogue: input.catalogue as Catalogue | undefined,
    fetch: input.fetch as typeof fetch | undefined,
    random: (input.random as (() => number) | undefined) ?? Math.random,
  };
}

/** Validates per-call options, with a TypeError naming the option. */
export function checkRequestOptions(options: unknown): RequestOptions {
  const input = checkObject('request options', options) ?? {};
  checkKeys('request options', input, REQUEST_KEYS);
  if (input.timeoutMs !== undefined) checkNumber('timeoutMs', input.timeoutMs, { min: 1, max: MAX_TIMER_MS });
  if (input.deadlineMs !== undefined)
    checkNumber('deadlineMs', input.deadlineMs, { min: 1, allowInfinity: true });
  checkBoolean('idempotent', input.idempotent);
  if (input.priority !== undefined) checkNumber('priority', input.priority, { integer: true, max: 9 });
  if (input.json !== undefined && input.body !== undefined)
    throw new TypeError('`json` and `body` cannot both be set');
  const signal = input.signal as AbortSignal | undefined;
  if (
    signal !== undefined &&
    (typeof signal !== 'object' || signal === null || typeof signal.addEventListener !== 'function')
  ) {
    throw new TypeError('`signal` must be an AbortSignal');
  }
  return input as RequestOptions;
}

/** What each option is, for the README's options table (its defaults come from DEFAULTS). */
export const OPTION_DOCS: Readonly<Record<string, { readonly type: string; readonly description: string }>> =
  {
    baseUrl: {
      type: 'string',
      description: "Where paths are resolved; `'/2/tweets'` and `'2/tweets'` both append to it.",
    },
    auth: {
      type: '{ bearer } \\| (request) => headers',
      description: 'Credentials; a function can give per-user tokens. Never shown in errors, events or logs.',
    },
    timeoutMs: { type: 'number', description: 'Per attempt, reading the body included.' },
    deadlineMs: {
      type: 'number',
      description: 'Bounds the whole call; no retry starts whose wait would overrun it.',
    },
    'retry.limit': { type: 'number', description: 'Retries of retryable failures per call.' },
    'retry.baseDelayMs': { type: 'number', description: 'First backoff step (exponential, full jitter).' },
    'retry.maxDelayMs': { type: 'number', description: 'Cap on one computed backoff delay.' },
    'retry.maxWaitMs': {
      type: 'number',
      description: 'Longest wait taken; a longer server-given wait fails at once with `retryAt`.',
    },
    'retry.rateLimitBaseDelayMs': {
      type: 'number',
      description: 'First wait for a rate limit with no server time (bare 420/429); doubles after.',
    },
    'retry.rateLimitWaits': {
      type: 'number',
      description: 'Rate-limit waits per call (they do not use up `limit`).',
    },
    'retry.jitterMs': { type: 'number', description: 'Random extra wait (up to) after a server-given time.' },
    'retryBudget.capacity': {
      type: 'number',
      description: 'Tokens in a full bucket (`retryBudget: false` turns the budget off).',
    },
    'retryBudget.retryCost': { type: 'number', description: 'Tokens one retry spends.' },
    'retryBudget.refillPerSuccess': { type: 'number', description: 'Tokens one success refills.' },
    'rateLimit.maxConcurrent': {
      type: 'number',
      description: 'Calls in flight at once, client-wide (`rateLimit: false` turns the limiter off).',
    },
    'rateLimit.highWater': {
      type: 'number',
      description: 'Calls that may wait in the limiter; beyond it a call fails at once.',
    },
    'rateLimit.resetMarginMs': {
      type: 'number',
      description: 'A spent window is refilled this long after X’s reset.',
    },
    'rateLimit.bucket': {
      type: '(request) => string',
      description: 'Overrides the bucket key (method + endpoint template + credential hash).',
    },
    'rateLimit.minIntervalMs': {
      type: "{ 'METHOD /template': ms } \\| (endpoint) => ms",
      description: 'Minimum spacing of one bucket’s calls, per endpoint (merged over the defaults).',
    },
    'rateLimit.maxBuckets': {
      type: 'number',
      description: 'Buckets kept at most; idle ones are pruned after 10 minutes.',
    },
    'rateLimit.redis.client / .options': {
      type: 'ioredis client \\| options',
      description: 'Shares the limiters across processes through Redis.',
    },
    'rateLimit.redis.prefix': { type: 'string', description: 'Prefix of every Redis key.' },
    'rateLimit.redis.timeoutMs': {
      type: 'number',
      description: 'Bound on every Redis wait before falling back.',
    },
    'rateLimit.redis.onUnavailable': {
      type: "'local' \\| 'fail'",
      description: 'Without Redis: limit locally (with an event), or fail calls.',
    },
    priority: { type: 'number', description: 'Per call: queue priority in the limiter, 0 (first) to 9.' },
    headers: { type: 'HeadersInit', description: 'Headers sent with every request.' },
    hooks: { type: 'Hooks', description: 'See [Hooks](#hooks).' },
    catalogue: { type: 'Catalogue', description: 'Classifies responses (`defineCatalogue` for other APIs).' },
    fetch: { type: 'typeof fetch', description: 'The fetch to use.' },
    random: { type: '() => number', description: 'Source of jitter, for tests.' },
  };
