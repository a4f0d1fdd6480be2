import type { Classification } from '../classify/classify.ts';
import type { WaitOptions } from './queue.ts';
import type { RedisOption } from './redis.ts';

/** @internal */
export interface LimiterOptions {
  readonly maxConcurrent: number;
  readonly highWater: number;
  readonly resetMarginMs: number;
  /** The Redis option as given: the connection is opened on the first call. */
  readonly redis: RedisOption | undefined;
  readonly onUnavailable: 'local' | 'fail';
  readonly timeoutMs: number;
  readonly prefix: string;
  /** `retry.rateLimitBaseDelayMs`: how long a bare 420/429 (no time given) holds its bucket, doubling after. */
  readonly rateLimitBaseDelayMs: number;
  /** The minimum spacing of an endpoint's calls (`GET /2/tweets/search/all` → 1000), 0 for none. */
  readonly minIntervalMs: (endpoint: string) => number;
  /** Buckets kept at most; beyond it the least recently created idle ones are dropped. */
  readonly maxBuckets: number;
}

/**
 * How a call is scheduled: its waits, and its endpoint (method + template) for the bucket's spacing.
 * @internal
 */
export interface ScheduleOptions extends WaitOptions {
  /** The call's method and endpoint template (`GET`, `/2/tweets/:id`), read only when a bucket is made. */
  readonly method?: string;
  readonly endpoint?: string;
}

/**
 * The key `rateLimit.minIntervalMs` is looked up by: `GET /2/tweets/search/all`.
 * @internal
 */
export const endpointOf = (options: ScheduleOptions): string =>
  `${options.method ?? 'GET'} ${options.endpoint ?? ''}`;

/** @internal */
export interface Observed {
  readonly classification: Classification;
}
