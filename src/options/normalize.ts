import { normalizeOAuth1 } from '../auth/oauth1.ts';
import type { Catalogue } from '../catalogue/types.ts';
import { MAX_TIMER_MS } from '../retry/backoff.ts';
import type { BucketRequest } from '../scheduler/bucket.ts';
import type { RedisOption } from '../scheduler/redis.ts';
import { normalizeMinInterval } from '../scheduler/spacing.ts';
import {
  checkFunction,
  checkKeys,
  checkNumber,
  describe,
  hasControlCharacter,
  isRecord,
} from '../utils/validate.ts';
import { DEFAULTS } from './defaults.ts';
import type { AuthOption, Hooks } from './types.ts';

/** @internal */
export type NormalizedRetry = { -readonly [K in keyof typeof DEFAULTS.retry]: number };
/** @internal */
export type NormalizedBudget = { -readonly [K in keyof typeof DEFAULTS.retryBudget]: number };

/** @internal */
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

/** @internal */
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

/**
 * Every top-level option `createClient` accepts (an unknown one is a TypeError).
 * @internal
 */
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

/** @internal */
export function checkObject(name: string, value: unknown): Record<string, unknown> | undefined {
  if (value === undefined) return undefined;
  if (!isRecord(value)) throw new TypeError(`\`${name}\` must be an object; got ${describe(value)}`);
  return value;
}

/** @internal */
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
    secondaryBaseDelayMs: pick('secondaryBaseDelayMs', ms),
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
      (!isRecord(redis.client) ||
        typeof redis.client.evalsha !== 'function' ||
        typeof redis.client.removeListener !== 'function')
    ) {
      throw new TypeError(
        '`rateLimit.redis.client` must be an ioredis client (calmfetch calls its `evalsha`; the `redis` package spells it `evalSha`)',
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
    // Never the value in the message: it is a credential.
    if (typeof bearer === 'string' && hasControlCharacter(bearer)) {
      throw new TypeError('`auth.bearer` must not contain line breaks or other control characters');
    }
    if (typeof bearer === 'string' && /^bearer\s/i.test(bearer)) {
      throw new TypeError(
        "`auth.bearer` must be the token alone: calmfetch adds the 'Bearer ' prefix itself (it would send 'Bearer Bearer …')",
      );
    }
    if ((typeof bearer === 'string' && bearer.trim() !== '') || typeof bearer === 'function')
      return value as AuthOption;
    throw new TypeError(`\`auth.bearer\` must be a non-empty string or a function; got ${describe(bearer)}`);
  }
  if (isRecord(value) && Object.keys(value).length === 1 && 'oauth1' in value) {
    const { oauth1 } = value;
    if (typeof oauth1 === 'function') return value as AuthOption;
    return { oauth1: normalizeOAuth1(oauth1) };
  }
  throw new TypeError(
    `\`auth\` must be { bearer }, { oauth1 } or a function (request) => headers; got ${describe(value)}`,
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

/**
 * Validates every client option up front, with a TypeError naming the option, and fills in the defaults.
 * @internal
 */
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
