import { bareClassification, type Classification, classify } from '../classify/classify.ts';
import { type Exchange, exchange } from '../exchange/exchange.ts';
import { type Call, summaryOf } from '../request/plan.ts';
import { type CallScope, ClientClosed } from '../request/scope.ts';
import { CLOSED, type Failure } from '../result/failure.ts';
import { LimiterRejection } from '../scheduler/limiter.ts';
import type { ScheduleOptions } from '../scheduler/types.ts';
import type { Pipeline } from './context.ts';

/**
 * How one attempt went: a classified response, or a failure (final when no retry can help).
 * @internal
 */
export type Outcome =
  | { readonly ok: true; readonly result: Exchange }
  | {
      readonly ok: false;
      readonly failure: Failure;
      /** Set when the limiter refused the call: it was never sent, and retrying cannot help. */
      readonly final?: { readonly giveUp: string; readonly retryAt: Date | undefined };
      /** OAuth 1.0a: refused for the clock (code 135, or a skewed `Date`): re-signing on the server's clock can fix it. */
      readonly clockSkew?: true;
    };

/**
 * One attempt: credentials → scheduler (the limiter's bucket and a concurrency slot) → exchange. Rejects only with
 * the call's scope reason (the loop turns it into the call's outcome); every other failure is an Outcome.
 * @internal
 */
export async function runAttempt(p: Pipeline, call: Call, attempt: number): Promise<Outcome> {
  const started = Date.now();
  const scope = call.scope;
  if (p.emitter.active) p.emitter.emit({ type: 'attempt', ...base(call, attempt) });
  try {
    const own = p.credentials.forAttempt(call);
    const headers = own instanceof Promise ? await own : own;
    const signing = p.credentials.oauth1For(call);
    const oauth1 = signing instanceof Promise ? await signing : signing;
    const ctx = call.sameOrigin ? p.exchange : p.foreign();
    const send = () => exchange(ctx, call, headers, scope, oauth1);
    let bucket = p.limiter ? p.bucketOf(call, headers, oauth1) : '';
    if (typeof bucket !== 'string') bucket = await bucket;
    const result = p.limiter ? await p.limiter.schedule(bucket, new Waits(call), send) : await send();
    report(p, call, attempt, result.classification, result.started);
    if (result.classification.category === 'ok') return { ok: true, result };
    const failure = { classification: result.classification, attempt };
    return { ok: false, failure, ...(result.clockSkew && { clockSkew: true }) };
  } catch (error) {
    if (error instanceof LimiterRejection && error.kind === 'closed')
      scope.end('closed', new ClientClosed(CLOSED));
    // The scope ended this attempt (close() lets one already on the wire end on its own: its failure stands), or
    // the caller aborted it after close().
    if (scope.exit !== undefined && !(scope.exit === 'closed' && scope.endedOnWire)) throw scope.reason;
    if (call.options.signal?.aborted) throw call.options.signal.reason;
    if (error instanceof LimiterRejection) return refused(attempt, error);
    const classification = p.redactor.classification(
      classify({ error, method: call.method }, { now: Date.now() }),
    );
    report(p, call, attempt, classification, started);
    return { ok: false, failure: { classification, attempt, cause: safeCause(error) } };
  }
}

/**
 * What the limiter reads of a call. The scope's signal is made only if the call has to wait: a call admitted at once
 * (the common case) never makes one.
 */
class Waits implements ScheduleOptions {
  readonly #scope: CallScope;
  readonly priority: number;
  readonly maxWaitMs: number;
  readonly deadlineAt: number;
  readonly method: string;
  readonly endpoint: string;

  constructor(call: Call) {
    this.#scope = call.scope;
    this.priority = call.priority;
    this.maxWaitMs = call.retry.maxWaitMs;
    this.deadlineAt = call.deadlineAt;
    this.method = call.method;
    this.endpoint = call.endpoint;
  }

  get signal(): AbortSignal {
    return this.#scope.signal;
  }

  get ended(): boolean {
    return this.#scope.exit !== undefined;
  }
}

const base = (call: Call, attempt: number) => ({ method: call.method, url: summaryOf(call).url, attempt });

/** The `response` event: how one attempt ended (a response, or a failure without one), classified. */
function report(p: Pipeline, call: Call, attempt: number, c: Classification, started: number): void {
  if (!p.emitter.active) return;
  p.emitter.emit({
    type: 'response',
    ...base(call, attempt),
    status: c.status,
    category: c.category,
    reason: c.reason,
    durationMs: Date.now() - started,
  });
}

/** The limiter refused the call before sending it: a final failure, with `retryAt` when the window is known. */
function refused(attempt: number, rejection: LimiterRejection): Outcome {
  const unavailable = rejection.kind === 'store-unavailable';
  const classification = bareClassification(
    unavailable ? 'retryable' : 'rate-limited',
    `not sent: ${rejection.message}`,
    { unprocessed: true, ...(rejection.retryAt && { retryAt: rejection.retryAt }) },
  );
  return {
    ok: false,
    failure: { classification, attempt },
    final: { giveUp: 'the request was never sent', retryAt: rejection.retryAt },
  };
}

/**
 * The cause kept on a final error: the network error itself, never a wrapper that carries the request (whose
 * headers hold the credentials).
 */
function safeCause(error: unknown): unknown {
  if (typeof error === 'object' && error !== null && 'request' in error) {
    const cause = (error as { cause?: unknown }).cause;
    if (cause !== undefined) return cause;
    const { name, message } = error as { name?: unknown; message?: unknown };
    return new Error(`${String(name)}: ${String(message)}`);
  }
  return error;
}
