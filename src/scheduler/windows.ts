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

/** How long a cluster remembers that some process has counted a bucket (see Bucket.joining). */
const COUNTED_TTL_MS = 24 * 3_600_000;

/**
 * What the window rules need from the limiter around them.
 * @internal
 */
export interface WindowHost {
  readonly resetMarginMs: number;
  /** `retry.rateLimitBaseDelayMs`: how long a bare 420/429 holds its bucket, doubling after. */
  readonly rateLimitBaseDelayMs: number;
  /** Sets the reservoir of the bucket's limiter in the store in use. */
  setReservoir(bucket: Bucket, reservoir: number | null): Promise<void>;
  /** True for exactly one caller per name (per process locally; across processes with Redis). */
  gate(name: string, ttlMs: number): Promise<boolean>;
  emit(event: LimiterEvent): void;
  closed(): boolean;
  /** The bucket's limiter in the store in use; made when `make`, else undefined when there is none yet. */
  limiter(bucket: Bucket, make: boolean): Limiter | undefined;
}

/**
 * Feeds one attempt's outcome to its bucket. `undefined`: the attempt failed with no response.
 * @internal
 */
export function observe(host: WindowHost, bucket: Bucket, classification: Classification | undefined): void {
  const now = Date.now();
  if (classification === undefined || classification.status === undefined) {
    if (bucket.mode === 'probe') void host.setReservoir(bucket, 1);
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
      if (bucket.mode === 'probe') void host.setReservoir(bucket, 1);
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
    scheduleRefill(host, bucket, until, fromWindow ? bucket.limit : undefined);
    return;
  }
  if (classification.category === 'ok' && (bucket.roomStreak > 0 || bucket.bareStreak > 0)) {
    bucket.roomStreak = 0;
    bucket.bareStreak = 0;
    if (bucket.spacing !== bucket.minIntervalMs) spaceBucket(host, bucket, 0, 0);
  }
  track(host, bucket, classification, now);
}

/** An answer that is no 420/429: hold on every spent window, and follow X's 15-minute window. */
function track(host: WindowHost, bucket: Bucket, classification: Classification, now: number): void {
  const info = classification.rateLimit;
  const spent = spentWindow(info, now);
  if (spent) {
    hold(host, bucket, spent.until, `window spent (${spent.header}: 0)`);
    // The server's count beats ours (another app may share the window): nothing more goes until the reset.
    void host.setReservoir(bucket, 0);
    const xWindow = info.remaining === 0 && info.reset?.getTime() === spent.until;
    scheduleRefill(host, bucket, spent.until, xWindow ? (info.limit ?? bucket.limit) : undefined);
  }
  const reset = info.reset?.getTime();
  if (info.remaining === undefined || reset === undefined) {
    if (bucket.mode === 'probe' && !spent) {
      bucket.mode = 'unlimited';
      void host.setReservoir(bucket, null);
    }
    return;
  }
  if (reset < bucket.reset - 1000) return; // from an older window, arriving late: never raises anything
  bucket.limit = info.limit ?? bucket.limit;
  if (bucket.mode !== 'tracked') {
    // The probe's answer: only it was in flight, so the server's count is exact. Once per window, cluster-wide.
    bucket.mode = 'tracked';
    // Read now: by the time the gate answers, this call is no longer in flight.
    const reservoir = Math.max(0, info.remaining - (bucket.inflight - 1));
    // A process joining a cluster counts only if no process has counted this bucket before: otherwise its
    // answer may open a window another's refill already opened, with their calls in flight, and overfill it.
    const counting = bucket.joining
      ? host.gate(`counted:${bucket.key}`, COUNTED_TTL_MS)
      : Promise.resolve(true);
    bucket.joining = false;
    void counting
      .then((first) => first && host.gate(`window:${bucket.key}:${reset}`, reset - now))
      .then((won) => {
        if (won) void host.setReservoir(bucket, bucket.spentUntil > Date.now() ? 0 : reservoir);
      });
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
      void host.gate(`refill:${bucket.key}:${at}`, 60_000).then((won) => {
        if (!won || host.closed()) return;
        const refill = bucket.refillAmount ?? 1;
        if (bucket.refillAmount === undefined) bucket.mode = 'probe';
        void host.setReservoir(bucket, refill);
        host.emit({ type: 'limiter', action: 'refill', bucket: bucket.key, reservoir: refill });
      });
    },
    Math.max(0, Math.min(MAX_TIMER_MS, when - Date.now())),
  );
  bucket.timer.unref?.();
}
