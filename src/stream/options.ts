import { checkRequestOptions } from '../options/request.ts';
import type { RequestOptions } from '../options/types.ts';
import { MAX_TIMER_MS } from '../retry/backoff.ts';
import { checkKeys, checkNumber, describe, isRecord } from '../utils/validate.ts';
import type { ScheduleOptions } from './schedule.ts';

/** X's reconnect schedules (handling-disconnections.mdx:83-106); each number can be shrunk, for tests. */
export interface StreamReconnectOptions {
  /** Network errors: the delay grows by this much per attempt (X: 250 ms). @default 250 */
  readonly networkStepMs?: number;
  /** Network errors: the longest delay (X: 16 s). @default 16000 */
  readonly networkMaxMs?: number;
  /** HTTP errors (5xx): the first delay, doubled per attempt (X: 5 s). @default 5000 */
  readonly httpBaseMs?: number;
  /** HTTP errors: the longest delay (X: 320 s). @default 320000 */
  readonly httpMaxMs?: number;
  /** 420/429, TooManyConnections included: the first delay, doubled per attempt (X: 1 min). @default 60000 */
  readonly rateLimitBaseMs?: number;
  /** 420/429: the longest delay (X gives none; 16 min outlasts X's 15-minute connect window). @default 960000 */
  readonly rateLimitMaxMs?: number;
  /** Failed connects in a row before the stream gives up with the last error. @default Infinity */
  readonly maxAttempts?: number;
}

/** Recovery after a disconnect (X's `backfill_minutes`, Enterprise): opt-in. */
export interface StreamRecoveryOptions {
  /** The longest gap recovered with `backfill_minutes` (X allows 0–5 minutes). @default 300000 */
  readonly maxGapMs?: number;
  /** Post ids remembered to drop the duplicates a backfill brings (X does not deduplicate). @default 10000 */
  readonly remember?: number;
}

/** What to do when the consumer falls `maxQueue` messages behind the stream. */
export type LaggingPolicy = 'disconnect' | 'drop-oldest';

/** Options of `client.stream()`: the connect request's own options plus the stream's. */
export interface StreamOptions
  extends Pick<RequestOptions, 'searchParams' | 'headers' | 'signal' | 'timeoutMs' | 'priority'> {
  /**
   * No byte (keep-alives included) for this long: the connection is stalled, cut and reconnected. X sends a
   * keep-alive at least every 20 s; three heartbeats tolerate one late one. @default 60000
   */
  readonly stallTimeoutMs?: number;
  /** Messages read ahead of the consumer, at most. @default 1000 */
  readonly maxQueue?: number;
  /**
   * When the consumer is `maxQueue` behind: `disconnect` (stop reading, close the connection, reconnect once half
   * the queue is consumed: nothing read is lost, posts sent meanwhile are, unless `recovery` brings them back) or
   * `drop-oldest` (keep reading, drop the oldest queued messages). Either way a `stream-lagging` event. @default 'disconnect'
   */
  readonly onLagging?: LaggingPolicy;
  readonly reconnect?: StreamReconnectOptions;
  /** `true` or options: reconnect with `backfill_minutes` after a short gap and drop duplicates by post id. @default false */
  readonly recovery?: boolean | StreamRecoveryOptions;
}

export const STREAM_DEFAULTS = Object.freeze({
  stallTimeoutMs: 60_000,
  maxQueue: 1000,
  onLagging: 'disconnect' as LaggingPolicy,
  reconnect: Object.freeze({
    networkStepMs: 250,
    networkMaxMs: 16_000,
    httpBaseMs: 5000,
    httpMaxMs: 320_000,
    rateLimitBaseMs: 60_000,
    rateLimitMaxMs: 960_000,
    maxAttempts: Number.POSITIVE_INFINITY,
  }),
  recovery: Object.freeze({ maxGapMs: 300_000, remember: 10_000 }),
});

/** @internal */
export interface NormalizedStream {
  readonly stallTimeoutMs: number;
  readonly maxQueue: number;
  readonly onLagging: LaggingPolicy;
  readonly schedule: ScheduleOptions;
  readonly maxAttempts: number;
  readonly recovery: { readonly maxGapMs: number; readonly remember: number } | undefined;
  readonly signal: AbortSignal | undefined;
  /** The connect request's options (searchParams as given; backfill added per reconnect). */
  readonly request: RequestOptions;
}

const REQUEST_KEYS = ['searchParams', 'headers', 'signal', 'timeoutMs', 'priority'] as const;
const KEYS = [...REQUEST_KEYS, 'stallTimeoutMs', 'maxQueue', 'onLagging', 'reconnect', 'recovery'];
const RECONNECT_KEYS = Object.keys(STREAM_DEFAULTS.reconnect);
const RECOVERY_KEYS = Object.keys(STREAM_DEFAULTS.recovery);

/**
 * Validates up front, with a TypeError naming the option.
 * @internal
 */
export function normalizeStream(options: unknown): NormalizedStream {
  if (options === undefined) options = {};
  if (!isRecord(options)) throw new TypeError(`\`options\` must be an object; got ${describe(options)}`);
  checkKeys('options', options, KEYS);
  const ms = (name: string, value: unknown, fallback: number, min = 1) =>
    value === undefined ? fallback : checkNumber(name, value, { min, max: MAX_TIMER_MS });
  const { onLagging = STREAM_DEFAULTS.onLagging } = options;
  if (onLagging !== 'disconnect' && onLagging !== 'drop-oldest') {
    throw new TypeError(`\`onLagging\` must be 'disconnect' or 'drop-oldest'; got ${describe(onLagging)}`);
  }
  const reconnect = section('reconnect', options.reconnect, RECONNECT_KEYS);
  const d = STREAM_DEFAULTS.reconnect;
  const r = (key: keyof typeof d & keyof ScheduleOptions, min = 0) =>
    ms(`reconnect.${key}`, reconnect[key], d[key], min);
  const recovery = options.recovery === true ? {} : options.recovery;
  const recover =
    recovery === undefined || recovery === false ? undefined : section('recovery', recovery, RECOVERY_KEYS);
  const request: Record<string, unknown> = {};
  for (const key of REQUEST_KEYS) if (options[key] !== undefined) request[key] = options[key];
  const checked = checkRequestOptions(request);
  return {
    stallTimeoutMs: ms('stallTimeoutMs', options.stallTimeoutMs, STREAM_DEFAULTS.stallTimeoutMs),
    maxQueue:
      options.maxQueue === undefined
        ? STREAM_DEFAULTS.maxQueue
        : checkNumber('maxQueue', options.maxQueue, { integer: true, min: 1 }),
    onLagging,
    schedule: {
      networkStepMs: r('networkStepMs'),
      networkMaxMs: r('networkMaxMs'),
      httpBaseMs: r('httpBaseMs'),
      httpMaxMs: r('httpMaxMs'),
      rateLimitBaseMs: r('rateLimitBaseMs'),
      rateLimitMaxMs: r('rateLimitMaxMs'),
    },
    maxAttempts:
      reconnect.maxAttempts === undefined
        ? d.maxAttempts
        : checkNumber('reconnect.maxAttempts', reconnect.maxAttempts, {
            integer: true,
            min: 1,
            allowInfinity: true,
          }),
    recovery: recover && {
      // X's backfill_minutes is an integer from 0 to 5 (openapi.json; recovery-and-redundancy.mdx:44-78).
      maxGapMs:
        recover.maxGapMs === undefined
          ? STREAM_DEFAULTS.recovery.maxGapMs
          : checkNumber('recovery.maxGapMs', recover.maxGapMs, { max: STREAM_DEFAULTS.recovery.maxGapMs }),
      remember:
        recover.remember === undefined
          ? STREAM_DEFAULTS.recovery.remember
          : checkNumber('recovery.remember', recover.remember, { integer: true, min: 1 }),
    },
    signal: checked.signal,
    request: checked,
  };
}

function section(name: string, value: unknown, keys: readonly string[]): Record<string, unknown> {
  if (value === undefined) return {};
  if (!isRecord(value)) throw new TypeError(`\`${name}\` must be an object; got ${describe(value)}`);
  checkKeys(name, value, keys);
  return value;
}
