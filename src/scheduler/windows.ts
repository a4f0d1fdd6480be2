import type { Classification } from '../classify/classify.ts';
import { MAX_TIMER_MS } from '../retry/backoff.ts';
import { type Limiter, space } from './bottleneck.ts';
import type { Bucket } from './buckets.ts';
import { rateLimitVerdict, spentWindow } from './rules.ts';

/** A limiter event: what the proactive rate limiter did for a bucket. Never credentials (buckets hold a hash). */
export type LimiterEvent =
  | {
      readonly type: 'limiter';
      readonly action: 'hold';
      readonly bucket: string;
      readonly until: Date;
      readonly reason: string;
    }
  | {
      readonly type: 'limiter';
      readonly action: 'refill';
      readonly bucket: string;
      readonly reservoir: number | null;
    }
  | { readonly type: 'limiter'; readonly action: 'local-fallback'; readonly reason: string }
  | { readonly type: 'limiter'; readonly action: 'redis-recovered' };

/**
 * What the window rules need from the limiter around them.
 * @internal
 */
export interface WindowHost {
  readonly resetMarginMs: number;
  /** `retry.rateLimitBaseDelayMs`: how long a bare 420/429 holds its bucket, doubling after. */
  readonly rateLimitBaseDelayMs: number;
  /**
   * Sets the bucket's local reservoir (what this process may send). While Redis is down, a positive amount is split
   * across the processes last seen sharing the window: each gives itself its share, not the whole.
   */
  setReservoir(bucket: Bucket, reservoir: number | null): Promise<void>;
  /** The shared count of the bucket while Redis is up (the reservoir then holds leased units); else undefined. */
  shared(bucket: Bucket): SharedWindow | undefined;
  emit(event: LimiterEvent): void;
  closed(): boolean;
  /** The bucket's local limiter; made when `make`, else undefined when there is none yet. */
  limiter(bucket: Bucket, make: boolean): Limiter | undefined;
}

/**
 * What an answer tells the shared count (see shared.ts); each is one round trip, sent only when it changes
 * something: a window's first answer in this process, fewer remaining than the count, a hold, a failed probe.
 * @internal
 */
export interface SharedWindow {
  /** Units left in the shared window at the last answer from Redis (Infinity: not known). */
  readonly left: number;
  /** The window waits for a probe's answer: the next answer with a count sets it. */
  readonly probing: boolean;
  /** X's headers: the window `reset` has `remaining` left; `others` of this process's calls are in flight. */
  learn(reset: number, remaining: number, others: number): void;
  /** Nothing goes before `until` (margin included), then one probe. */
  hold(until: number): void;
  /** A probe that got no count back (no answer, a 429 with room): its unit goes back. */
  giveBack(units: number): void;
  /** The endpoint reports no window. */
  unlimited(): void;
  /** The window's reset passed (`at`: reset + margin): the next one opens with `fill` (its limit) or one probe. */
  reopened(fill: number | undefined, at: number): void;
}

/**
 * Feeds one attempt's outcome to its bucket. `undefined`: the attempt failed with no response.
 * @internal
 */
export function observe(host: WindowHost, bucket: Bucket, classification: Classification | undefined): void {
  const now = Date.now();
  const shared = host.shared(bucket);
  if (classification === undefined || classification.status === undefined) {
    if (bucket.mode === 'probe') probeAgain(host, bucket, shared);
    return;
  }
  const info = classification.rateLimit;
  if (classification.category === 'rate-limited' && !classification.capped) {
    const streaks = { room: bucket.roomStreak, bare: bucket.bareStreak };
    const verdict = rateLimitVerdict(classification, now, streaks, host.rateLimitBaseDelayMs);
    if (verdict.kind === 'room') {
      // A per-second (or connection) limit: space the bucket, never hold it until the window's reset.
      bucket.roomStreak++;
      spaceBucket(host, bucket, verdict.holdMs, now + verdict.holdMs);
      host.emit({
        type: 'limiter',
        action: 'hold',
        bucket: bucket.key,
        until: new Date(now + verdict.holdMs),
        reason: verdict.reason,
      });
      if (bucket.mode === 'probe') probeAgain(host, bucket, shared);
      return;
    }
    if (verdict.kind === 'bare') bucket.bareStreak++;
    const until = Math.min(verdict.until, now + MAX_TIMER_MS);
    if (info.limit !== undefined) bucket.limit = info.limit;
    if (bucket.mode === 'unlimited') bucket.mode = 'probe';
    void host.setReservoir(bucket, 0);
    hold(host, bucket, until, verdict.reason);
    // A hold from X's window refills it whole; any other ends with a probe (what is left is not known).
    const fromWindow = verdict.kind === 'spent' && info.remaining === 0 && info.reset?.getTime() === until;
    if (shared && fromWindow) shared.learn(until, 0, 0);
    else shared?.hold(until + host.resetMarginMs);
    scheduleRefill(host, bucket, until, fromWindow ? bucket.limit : undefined);
    return;
  }
  if (classification.category === 'ok' && (bucket.roomStreak > 0 || bucket.bareStreak > 0)) {
    bucket.roomStreak = 0;
    bucket.bareStreak = 0;
    if (bucket.spacing !== bucket.minIntervalMs) spaceBucket(host, bucket, 0, 0);
  }
  track(host, bucket, classification, now, shared);
}

/** A probe ended without a count (no answer, or a 429 with room left): another may go. */
function probeAgain(host: WindowHost, bucket: Bucket, shared: SharedWindow | undefined): void {
  if (shared) shared.giveBack(1);
  else void host.setReservoir(bucket, 1);
}

/** An answer that is no 420/429: hold on every spent window, and follow X's 15-minute window. */
function track(
  host: WindowHost,
  bucket: Bucket,
  classification: Classification,
  now: number,
  shared: SharedWindow | undefined,
): void {
  const info = classification.rateLimit;
  const reset = info.reset?.getTime();
  const spent = spentWindow(info, now);
  if (spent) {
    hold(host, bucket, spent.until, `window spent (${spent.header}: 0)`);
    // The server's count beats ours (another app may share the window): nothing more goes until the reset.
    void host.setReservoir(bucket, 0);
    const xWindow = info.remaining === 0 && reset === spent.until;
    // X's own window is told below (remaining 0); a 24-hour window holds the bucket across the cluster.
    if (!xWindow) shared?.hold(spent.until + host.resetMarginMs);
    scheduleRefill(host, bucket, spent.until, xWindow ? (info.limit ?? bucket.limit) : undefined);
  }
  if (info.remaining === undefined || reset === undefined) {
    if (bucket.mode === 'probe' && !spent) {
      bucket.mode = 'unlimited';
      void host.setReservoir(bucket, null);
      shared?.unlimited();
    }
    return;
  }
  if (reset < bucket.reset - 1000) return; // from an older window, arriving late: never raises anything
  bucket.limit = info.limit ?? bucket.limit;
  // This call is still counted in flight: the others are what the server has not seen yet.
  const others = bucket.inflight - 1;
  if (shared) {
    // Once per window and process, and whenever X counts fewer left than the cluster thinks: never raises.
    if (bucket.mode !== 'tracked' || shared.probing || reset > bucket.reset || info.remaining < shared.left)
      shared.learn(reset, info.remaining, others);
    bucket.mode = 'tracked';
  } else if (bucket.mode !== 'tracked') {
    // The probe's answer: only it was in flight, so the server's count is exact.
    bucket.mode = 'tracked';
    if (bucket.spentUntil <= Date.now()) void host.setReservoir(bucket, Math.max(0, info.remaining - others));
  }
  if (reset > bucket.reset) {
    bucket.reset = reset;
    scheduleRefill(host, bucket, reset, bucket.limit);
  }
}

/** The bucket is held until `until`: remember it, and say so once per new `until`. */
function hold(host: WindowHost, bucket: Bucket, until: number, reason: string): void {
  if (until <= bucket.spentUntil) return;
  bucket.spentUntil = until;
  host.emit({ type: 'limiter', action: 'hold', bucket: bucket.key, until: new Date(until), reason });
}

/** Spaces the bucket's calls by at least `holdMs` (and its configured minimum), none before `notBefore`. */
function spaceBucket(host: WindowHost, bucket: Bucket, holdMs: number, notBefore: number): void {
  bucket.spacing = Math.max(bucket.minIntervalMs, holdMs);
  const limiter = host.limiter(bucket, notBefore > Date.now());
  if (limiter) void space(limiter, bucket.spacing, notBefore);
}

/** At `at` (plus the margin) the bucket reopens: to `amount` (the window's limit), or to one probe. */
function scheduleRefill(host: WindowHost, bucket: Bucket, at: number, amount: number | undefined): void {
  const when = at + host.resetMarginMs;
  if (bucket.timer && bucket.timerAt >= when) return;
  if (bucket.timer) clearTimeout(bucket.timer);
  bucket.timerAt = when;
  bucket.refillAmount = amount;
  bucket.timer = setTimeout(
    () => {
      bucket.timer = undefined;
      bucket.spentUntil = 0;
      if (host.closed()) return;
      const refill = bucket.refillAmount ?? 1;
      if (bucket.refillAmount === undefined) bucket.mode = 'probe';
      const shared = host.shared(bucket);
      if (shared) shared.reopened(bucket.refillAmount, when);
      else void host.setReservoir(bucket, refill);
      host.emit({ type: 'limiter', action: 'refill', bucket: bucket.key, reservoir: refill });
    },
    Math.max(0, Math.min(MAX_TIMER_MS, when - Date.now())),
  );
  bucket.timer.unref?.();
}
