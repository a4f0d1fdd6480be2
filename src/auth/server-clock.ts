// The server's clock, per origin, learnt from responses' `Date` headers, for OAuth 1.0a timestamps: X answers a
// timestamp outside its window with 401 + code 135 ("Timestamp out of bounds (often caused by a clock drift when
// authenticating - check your system clock)", the seeds' v1.1 code table).

import type { Classification } from '../classify/classify.ts';
import { httpDate, MAX_AHEAD_MS, SKEW_TOLERANCE_MS } from '../rate-limit/parse.ts';

/**
 * `Date` has a resolution of one second and is truncated: the server's time when it sent the response lies in
 * [Date, Date + 1 s), plus transit. The middle of that second is the unbiased reading.
 */
const HALF_SECOND = 500;
/** A server `Date` before this is garbage (a proxy's zero date, a broken default), whatever our own clock says. */
const EARLIEST_SERVER_DATE = Date.UTC(2024, 0, 1);

/**
 * When a 401 without code 135 counts as a clock problem: its `Date` is further than this from the clock the
 * request was signed on. X publishes no number for its timestamp window: its docs say only that it "will reject
 * requests which were created too far in the past" (docs.x.com, OAuth 1.0a "Authorizing a request",
 * `oauth_timestamp`), and the v1.1 table that the oauth_timestamp "is either ahead or behind our acceptable range"
 * (seeds 001, code 135). Other OAuth servers use ±5 minutes (AWS SigV4: 300 000 ms, resilience.md). We take a
 * smaller 30 s: a skew that large is worth correcting whatever X's window is, a false alarm costs one re-signed
 * request, and it stays far above the header's resolution plus transit (SKEW_TOLERANCE_MS, 2 s).
 */
export const DEFAULT_SKEW_TOLERANCE_MS = 30_000;

export interface ServerClockOptions {
  /** The local clock, epoch ms. @default Date.now */
  readonly now?: () => number;
  /** An offset beyond this is taken for garbage and ignored. @default 7 days (as the rate-limit parser) */
  readonly maxOffsetMs?: number;
}

/** The server's time from a `Date` header (the middle of its second), or undefined for garbage. */
function serverTime(dateHeader: string | null | undefined, localNow: number, maxOffsetMs: number) {
  const ms = httpDate(dateHeader);
  if (ms === undefined || ms < EARLIEST_SERVER_DATE) return undefined;
  const mid = ms + HALF_SECOND;
  return Math.abs(mid - localNow) <= maxOffsetMs ? mid : undefined;
}

/**
 * How far each origin's clock is ahead of ours (negative: behind), learnt from its `Date` headers, and the time on
 * it. One per client; the offsets live in memory only.
 *
 * The latest reading wins, except within the header's resolution plus transit (2 s) of the offset in force, where a
 * reading says nothing new and is ignored. Not a moving average: a clock error is a step (a wrong setting, a VM
 * resumed, an NTP correction), and an average would sign several more requests on the wrong time while it
 * converged, each drawing a 135. The noise a reading carries (under 2 s) is far inside any timestamp window.
 */
export class ServerClock {
  readonly #offsets = new Map<string, number>();
  readonly #now: () => number;
  readonly #maxOffsetMs: number;

  constructor(options: ServerClockOptions = {}) {
    this.#now = options.now ?? Date.now;
    this.#maxOffsetMs = options.maxOffsetMs ?? MAX_AHEAD_MS;
  }

  /**
   * Learns from one response's `Date` header, received at `receivedAt` on the local clock. Garbage, dates before
   * 2024 and offsets beyond `maxOffsetMs` are ignored. Returns the offset in force afterwards.
   */
  observe(origin: string, dateHeader: string | null | undefined, receivedAt: number = this.#now()): number {
    const key = originKey(origin);
    const current = this.#offsets.get(key) ?? 0;
    const server = serverTime(dateHeader, receivedAt, this.#maxOffsetMs);
    if (server === undefined) return current;
    const reading = server - receivedAt;
    if (Math.abs(reading - current) <= SKEW_TOLERANCE_MS) return current;
    if (this.#offsets.size >= 256 && !this.#offsets.has(key)) this.#offsets.clear();
    this.#offsets.set(key, reading);
    return reading;
  }

  /** How far the origin's clock is ahead of ours, in ms (0 until a `Date` showed otherwise). */
  offset(origin: string): number {
    return this.#offsets.get(originKey(origin)) ?? 0;
  }

  /** The time on the origin's clock, epoch ms: what to sign with. */
  now(origin: string): number {
    return this.#now() + this.offset(origin);
  }

  /** The origin's time in whole seconds: an `oauth_timestamp`. */
  timestamp(origin: string): number {
    return Math.floor(this.now(origin) / 1000);
  }
}

const origins = new Map<string, string>();

/** `https://API.x.com:443/2/tweets` → `https://api.x.com`; memoised, since it runs on every signed attempt. */
function originKey(value: string): string {
  let key = origins.get(value);
  if (key === undefined) {
    key = URL.canParse(value) ? new URL(value).origin : value;
    if (origins.size >= 256) origins.clear();
    origins.set(value, key);
  }
  return key;
}

export interface SkewDecision {
  /** Re-sign on the server's clock and send once more: the first was refused at authentication, unprocessed. */
  readonly retry: boolean;
  /** `code-135`: X said so; `date-skew`: a 401 whose `Date` is far from the clock the request was signed on. */
  readonly reason?: 'code-135' | 'date-skew';
  /** How far the server's clock was ahead of the signing clock (negative: behind), when `Date` told. */
  readonly skewMs?: number;
}

const NO_RETRY: SkewDecision = Object.freeze({ retry: false });

/**
 * Whether a failed attempt was refused for its OAuth timestamp, so that the caller re-signs on the server's clock
 * and retries once: a 401 with code 135, or a 401 whose `Date` is more than `toleranceMs` from `signedNow`, the
 * time on the clock the request was signed on (already corrected by `ServerClock`) when the response came.
 *
 * Code 135 is retried even when `Date` agrees with the signing clock: the request may have waited (in a queue,
 * a slow connection) between signing and arriving, and a fresh signature fixes that too. The caller keeps the
 * "once": a second refusal is final.
 */
export function skewRetry(
  classification: Pick<Classification, 'status' | 'codes' | 'clockSkew'>,
  dateHeader: string | null | undefined,
  signedNow: number,
  toleranceMs: number = DEFAULT_SKEW_TOLERANCE_MS,
): SkewDecision {
  if (classification.status !== 401) return NO_RETRY;
  const server = serverTime(dateHeader, signedNow, MAX_AHEAD_MS);
  const skewMs = server === undefined ? undefined : server - signedNow;
  const withSkew = skewMs === undefined ? {} : { skewMs };
  if (classification.clockSkew !== undefined || classification.codes.some((c) => c.code === 135)) {
    return { retry: true, reason: 'code-135', ...withSkew };
  }
  if (skewMs !== undefined && Math.abs(skewMs) > toleranceMs) {
    return { retry: true, reason: 'date-skew', skewMs };
  }
  return NO_RETRY;
}
