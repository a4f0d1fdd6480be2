import type { Classification } from '../classify/classify.ts';
import type { NormalizedRetry } from '../options/normalize.ts';
import { seconds } from '../result/messages.ts';
import { exponentialWithPositiveJitter, fullJitter, MAX_TIMER_MS, untilServerTime } from './backoff.ts';

/**
 * Where a retry's delay came from.
 * @internal
 */
export type DelaySource = 'backoff' | 'server' | 'hook';

/**
 * What the call has been through so far, as the decision needs it.
 * @internal
 */
export interface CallState {
  /** The attempt that failed, 1 for the first. */
  readonly attempt: number;
  /** Retries that used up `retry.limit`. */
  readonly retriesConsumed: number;
  /** Rate-limit waits taken (they do not use up `retry.limit`). */
  readonly rateLimitWaits: number;
  /** Whether `hooks.onAuthError` already refreshed the credentials once. */
  readonly authRefreshed: boolean;
  /**
   * OAuth 1.0a: the attempt was refused for the clock (code 135, or a 401 whose `Date` is far from the time it was
   * signed at) and has not been re-signed yet. The request was never processed, so one re-signed retry is safe for
   * every method.
   */
  readonly clockFixable?: boolean;
  readonly method: string;
  /** The method is idempotent, or the caller said the call is (`idempotent: true`). */
  readonly idempotent: boolean;
  /** The request body can be sent again (a ReadableStream cannot). */
  readonly replayable: boolean;
  readonly deadlineAt: number;
  readonly now: number;
}

/**
 * Send again after `delayMs`.
 * @internal
 */
export interface Retry {
  readonly retry: true;
  /**
   * `retry`: a transient failure; `wait`: a rate limit waited out; `auth-refresh`: new credentials, once;
   * `resign`: OAuth 1.0a signed again on the server's clock, once.
   */
  readonly kind: 'retry' | 'wait' | 'auth-refresh' | 'resign';
  readonly delayMs: number;
  readonly source: DelaySource;
  /** Whether this retry uses up `retry.limit` (a rate-limit wait and an auth refresh do not). */
  readonly consumesRetry: boolean;
  /** When the wait ends, for a rate-limit wait. */
  readonly retryAt?: Date;
}

/**
 * Stop: the call fails with the attempt's classification.
 * @internal
 */
export interface GiveUp {
  readonly retry: false;
  /** Why the client stopped, for `CalmError.giveUp`. */
  readonly giveUp: string;
  /** When the call may be tried again, if known. */
  readonly retryAt?: Date;
  /** An auth failure that `hooks.onAuthError` may still turn into one retry with refreshed credentials. */
  readonly refreshable?: boolean;
}

/** @internal */
export type Decision = Retry | GiveUp;

/** @internal */
export const giveUp = (why: string, retryAt?: Date, refreshable?: boolean): GiveUp => ({
  retry: false,
  giveUp: why,
  ...(retryAt !== undefined && { retryAt }),
  ...(refreshable && { refreshable }),
});

const NOT_IDEMPOTENT = (method: string) =>
  `not retried: ${method} is not idempotent and the request may have been processed (pass idempotent: true if it is safe)`;
const NOT_REPLAYABLE = 'not retried: the request body is a stream, which cannot be sent again';

/**
 * The retry decision for one failed attempt, as a value: pure (time and randomness are passed in), no hooks, no
 * side effects. The hooks (./hooks.ts) may then change it; the loop (./loop.ts) carries it out.
 * @internal
 */
export function decide(
  c: Classification,
  state: CallState,
  retry: NormalizedRetry,
  random: () => number,
): Decision {
  switch (c.category) {
    case 'auth-fatal':
      if (state.clockFixable && state.replayable)
        return { retry: true, kind: 'resign', delayMs: 0, source: 'server', consumesRetry: false };
      return state.authRefreshed
        ? giveUp('still refused after the credentials were refreshed')
        : giveUp('credentials are not retried', undefined, state.replayable);
    case 'rate-limited':
      return decideRateLimit(c, state, retry, random);
    case 'retryable':
      return decideTransient(c, state, retry, random);
    default:
      return giveUp('not retried');
  }
}

function decideRateLimit(
  c: Classification,
  state: CallState,
  retry: NormalizedRetry,
  random: () => number,
): Decision {
  if (c.capped) return giveUp('a usage cap is not worth waiting for');
  const waits = state.rateLimitWaits;
  if (waits >= retry.rateLimitWaits) {
    return giveUp(
      `already waited ${waits} time${waits === 1 ? '' : 's'} for this rate limit (retry.rateLimitWaits)`,
      c.retryAt,
    );
  }
  let delayMs: number;
  let source: DelaySource = 'backoff';
  if (c.retryAt !== undefined) {
    source = 'server';
    delayMs = untilServerTime(c.retryAt.getTime(), state.now, retry.jitterMs, random);
  } else {
    // No time from the server. A window that still has room means a per-second or secondary limit: a short
    // backoff. Nothing at all (a bare 420/429, or headers ignored as garbage): X's 60 s step, doubling. Either
    // way the step is not capped by maxWaitMs: a longer wait fails at once, with its true time.
    const base = hasRoom(c) ? retry.secondaryBaseDelayMs : retry.rateLimitBaseDelayMs;
    delayMs = exponentialWithPositiveJitter(waits + 1, base, MAX_TIMER_MS, retry.jitterMs, random);
  }
  const retryAt = c.retryAt ?? new Date(state.now + delayMs);
  // The jitter is ours, not the server's: a wait the server named at exactly maxWaitMs (X's 15-minute window
  // against the 15-minute default) is taken, its jitter trimmed to fit.
  const untilRetryAt = Math.max(0, retryAt.getTime() - state.now);
  if (c.retryAt !== undefined && untilRetryAt <= retry.maxWaitMs)
    delayMs = Math.min(delayMs, retry.maxWaitMs);
  if (delayMs > retry.maxWaitMs) {
    return giveUp(
      `the wait (${seconds(delayMs)}) exceeds retry.maxWaitMs (${seconds(retry.maxWaitMs)})`,
      retryAt,
    );
  }
  if (state.now + delayMs >= state.deadlineAt)
    return giveUp(`the wait (${seconds(delayMs)}) would overrun the deadline`, retryAt);
  if (!c.unprocessed && !state.idempotent) return giveUp(NOT_IDEMPOTENT(state.method));
  if (!state.replayable) return giveUp(NOT_REPLAYABLE, retryAt);
  return { retry: true, kind: 'wait', delayMs, source, consumesRetry: false, retryAt };
}

function decideTransient(
  c: Classification,
  state: CallState,
  retry: NormalizedRetry,
  random: () => number,
): Decision {
  if (!c.unprocessed && !state.idempotent) return giveUp(NOT_IDEMPOTENT(state.method));
  if (!state.replayable) return giveUp(NOT_REPLAYABLE);
  const used = state.retriesConsumed;
  if (used >= retry.limit)
    return giveUp(`gave up after ${used} retr${used === 1 ? 'y' : 'ies'} (retry.limit)`);
  const server = c.retryAt !== undefined;
  const delayMs = server
    ? untilServerTime(c.retryAt!.getTime(), state.now, 0, random)
    : fullJitter(used + 1, retry.baseDelayMs, retry.maxDelayMs, random);
  if (delayMs > retry.maxWaitMs)
    return giveUp(`the server's wait (${seconds(delayMs)}) exceeds retry.maxWaitMs`, c.retryAt);
  if (state.now + delayMs >= state.deadlineAt)
    return giveUp(`the next retry (in ${seconds(delayMs)}) would overrun the deadline`);
  return { retry: true, kind: 'retry', delayMs, source: server ? 'server' : 'backoff', consumesRetry: true };
}

/**
 * A rate-limit answer whose reported windows still have room (none spent): a per-second or secondary limit.
 * @internal
 */
export function hasRoom(c: Classification): boolean {
  const info = c.rateLimit;
  const windows = [info, info.app24h, info.user24h, info.ietf];
  let room = false;
  for (const w of windows) {
    if (w?.remaining === undefined) continue;
    if (w.remaining === 0) return false;
    room = true;
  }
  return room;
}

/**
 * The backoff a `shouldRetry: true` override gets: the transient schedule.
 * @internal
 */
export function overrideDelay(retriesConsumed: number, retry: NormalizedRetry, random: () => number): number {
  return fullJitter(retriesConsumed + 1, retry.baseDelayMs, retry.maxDelayMs, random);
}
