// Pure backoff math: no timers, randomness injected. Each strategy is named.

/**
 * The largest delay `setTimeout` can hold; longer ones fire at once.
 * @internal
 */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Exponential backoff with **full jitter** (AWS Architecture Blog, "Exponential Backoff and Jitter"): a uniform
 * random delay in [0, min(max, base · 2^(retry−1))]. Spreads retrying callers out evenly.
 *
 * @param retry 1 for the first retry.
 * @internal
 */
export function fullJitter(retry: number, baseMs: number, maxMs: number, random: () => number): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.max(0, retry - 1), MAX_TIMER_MS);
  return Math.floor(clampUnit(random()) * ceiling);
}

/**
 * Exponential backoff without jitter below it, with a small **positive jitter** on top: base · 2^(wait−1), capped,
 * plus up to `jitterMs`. For rate limits without a server time, where waiting less than the step is never right.
 *
 * @param wait 1 for the first wait.
 * @internal
 */
export function exponentialWithPositiveJitter(
  wait: number,
  baseMs: number,
  maxMs: number,
  jitterMs: number,
  random: () => number,
): number {
  const step = Math.min(maxMs, baseMs * 2 ** Math.max(0, wait - 1), MAX_TIMER_MS);
  return Math.min(MAX_TIMER_MS, Math.ceil(step + clampUnit(random()) * jitterMs));
}

/**
 * A wait until a server-given time, never less, plus up to `jitterMs` so that callers don't return together.
 * @internal
 */
export function untilServerTime(
  retryAt: number,
  now: number,
  jitterMs: number,
  random: () => number,
): number {
  return Math.min(
    MAX_TIMER_MS,
    Math.max(0, Math.ceil(retryAt - now)) + Math.ceil(clampUnit(random()) * jitterMs),
  );
}

/** A random source may be broken (NaN, 1, negative): keep it in [0, 1). */
function clampUnit(value: number): number {
  return Number.isFinite(value) ? Math.min(Math.max(value, 0), 0.999_999_999) : 0;
}
