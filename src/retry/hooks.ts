import type { Classification } from '../classify/classify.ts';
import type { CalmError, RequestSummary } from '../errors/CalmError.ts';
import type { NormalizedRetry } from '../options/normalize.ts';
import type { Hooks, RateLimitContext, RetryContext } from '../options/types.ts';
import { raceSignal } from '../utils/abort.ts';
import { type Decision, giveUp, overrideDelay } from './decide.ts';

/**
 * A decision hook threw or rejected: the call fails as permanent, `giveUp` naming the hook, `cause` what it threw.
 * @internal
 */
export class HookFailure extends Error {
  override name = 'HookFailure';
  readonly hook: string;

  constructor(hook: string, cause: unknown) {
    super(`hooks.${hook} threw`, { cause });
    this.hook = hook;
  }
}

/**
 * What the decision hooks are shown, and how they are bounded.
 * @internal
 */
export interface HookInput {
  readonly classification: Classification;
  readonly request: RequestSummary;
  readonly attempt: number;
  readonly retriesConsumed: number;
  readonly replayable: boolean;
  /** The method is idempotent, or the call is marked so. */
  readonly idempotent: boolean;
  readonly retry: NormalizedRetry;
  readonly random: () => number;
  /** The call's scope: a hook that never settles is abandoned when it ends. */
  readonly signal: AbortSignal;
  /** The error the call would fail with now, for the hooks' context. */
  readonly error: (decision: Decision) => CalmError;
}

/** Runs one hook, bounded by the call's scope; a throw or rejection becomes a HookFailure naming it. */
async function call<T>(hook: string, signal: AbortSignal, run: () => T | Promise<T>): Promise<T> {
  let pending: T | Promise<T>;
  try {
    pending = run();
  } catch (error) {
    throw new HookFailure(hook, error);
  }
  try {
    return await raceSignal(pending, signal);
  } catch (error) {
    if (signal.aborted && error === signal.reason) throw error;
    throw new HookFailure(hook, error);
  }
}

/**
 * Lets the decision hooks change a decision, in a fixed order: `onAuthError` (one refresh), `onRateLimit` (wait or
 * fail), `shouldRetry` (override), `beforeRetry` (veto or new delay). Returns the final decision.
 * @internal
 */
export async function applyHooks(hooks: Hooks, decision: Decision, input: HookInput): Promise<Decision> {
  let current = decision;
  const context = (d: Decision): RetryContext => ({
    error: input.error(d),
    classification: input.classification,
    request: input.request,
    attempt: input.attempt,
    retry: d.retry,
    delayMs: d.retry ? d.delayMs : 0,
  });
  const { onAuthError, onRateLimit, shouldRetry, beforeRetry } = hooks;
  if (!current.retry && current.refreshable && onAuthError) {
    const refreshed = await call('onAuthError', input.signal, () => onAuthError(context(current)));
    // Refreshed credentials are tried once, at once: the other hooks have nothing to decide.
    if (refreshed === true)
      return { retry: true, kind: 'auth-refresh', delayMs: 0, source: 'hook', consumesRetry: false };
  }
  if (current.retry && current.kind === 'wait' && onRateLimit) {
    const wait = current;
    const rateLimitContext: RateLimitContext = { ...context(wait), retryAt: wait.retryAt ?? new Date() };
    const choice = await call('onRateLimit', input.signal, () => onRateLimit(rateLimitContext));
    if (choice === 'fail') current = giveUp('onRateLimit chose to fail', wait.retryAt);
  }
  if (shouldRetry) {
    const override = await call('shouldRetry', input.signal, () => shouldRetry(context(current)));
    if (override === false && current.retry) current = giveUp('hooks.shouldRetry said no');
    else if (override === true && !current.retry && overridable(input)) {
      const delayMs = overrideDelay(input.retriesConsumed, input.retry, input.random);
      current = { retry: true, kind: 'retry', delayMs, source: 'hook', consumesRetry: true };
    }
  }
  if (current.retry && beforeRetry) {
    const before = current;
    const answer = await call('beforeRetry', input.signal, () => beforeRetry(context(before)));
    if (answer === false) current = giveUp('hooks.beforeRetry vetoed the retry');
    else if (answer && typeof answer === 'object' && Number.isFinite(answer.delayMs) && answer.delayMs >= 0) {
      current = { ...before, delayMs: Math.min(answer.delayMs, input.retry.maxWaitMs), source: 'hook' };
    }
  }
  return current;
}

/**
 * What `shouldRetry: true` may turn into a retry: a transient or permanent failure, within `retry.limit`, whose
 * body can be sent again and which cannot duplicate a write. It never overrides a rate limit's wait (the server
 * said when), an auth failure (onAuthError's), or the rule that a write the server may have processed is not sent
 * twice.
 */
function overridable(input: HookInput): boolean {
  const c = input.classification;
  return (
    (c.category === 'retryable' || c.category === 'permanent') &&
    (c.unprocessed || input.idempotent) &&
    input.replayable &&
    input.retriesConsumed < input.retry.limit
  );
}
