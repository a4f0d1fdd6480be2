import type { Category, FailureCategory } from '../catalogue/types.ts';
import type { LimiterEvent } from '../scheduler/limiter.ts';
import type { StreamEvent } from '../stream/events.ts';

interface EventBase {
  /** Method and URL (user info and credential-like query values masked). Never headers, never credentials. */
  readonly method: string;
  readonly url: string;
  /** 1 for the first attempt. */
  readonly attempt: number;
}

/**
 * Structured telemetry, one event per step of a call. Events never carry credentials.
 *
 * - `attempt`: an attempt is about to be sent.
 * - `response`: an attempt ended (a response or a failure) and was classified.
 * - `retry`: a retryable failure will be retried after `delayMs` (`source`: computed backoff or the server's time).
 * - `wait`: a rate limit will be waited out for `delayMs`, until `retryAt`.
 * - `auth-refresh`: `hooks.onAuthError` refreshed the credentials; the call is tried once more.
 * - `budget-refused`: the retry budget is empty, so a retryable failure fails fast.
 * - `give-up`: the call fails with `category`, for `reason`.
 * - `partial-errors`: a success carried `count` partial errors.
 * - `hook-error`: an observing hook (`onPartialErrors`) threw; the call's result stands.
 * - `limiter`: the proactive rate limiter held a bucket until its reset (after a 429, or when a response reports
 *   the window spent), refilled one, fell back to local
 *   limiting because Redis was unreachable, or recovered.
 * - `stream-*`: what a `client.stream()` did (connected, keep-alive, disconnected, reconnecting, lagging, …): see
 *   StreamEvent.
 */
export type CalmEvent =
  | (EventBase & { readonly type: 'attempt' })
  | (EventBase & {
      readonly type: 'response';
      readonly status: number | undefined;
      readonly category: Category;
      readonly reason: string;
      readonly durationMs: number;
    })
  | (EventBase & {
      readonly type: 'retry';
      readonly category: FailureCategory;
      readonly reason: string;
      readonly delayMs: number;
      readonly source: 'backoff' | 'server' | 'hook';
    })
  | (EventBase & {
      readonly type: 'wait';
      readonly reason: string;
      readonly delayMs: number;
      readonly retryAt: Date;
      readonly source: 'server' | 'backoff';
    })
  | (EventBase & { readonly type: 'auth-refresh'; readonly reason: string })
  | (EventBase & { readonly type: 'budget-refused'; readonly reason: string; readonly tokens: number })
  | (EventBase & {
      readonly type: 'give-up';
      readonly category: FailureCategory;
      readonly reason: string;
      readonly giveUp: string | undefined;
      readonly retryAt: Date | undefined;
    })
  | (EventBase & { readonly type: 'partial-errors'; readonly count: number })
  | (EventBase & { readonly type: 'hook-error'; readonly hook: string; readonly error: string })
  | LimiterEvent
  | StreamEvent;

export type CalmEventType = CalmEvent['type'];
