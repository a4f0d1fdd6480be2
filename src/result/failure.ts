import type { FailureCategory } from '../catalogue/types.ts';
import { bareClassification, type Classification } from '../classify/classify.ts';
import { AuthError } from '../errors/AuthError.ts';
import type { CalmError } from '../errors/CalmError.ts';
import { PermanentError } from '../errors/PermanentError.ts';
import { RateLimitError } from '../errors/RateLimitError.ts';
import { RetryableError } from '../errors/RetryableError.ts';
import { type Call, summaryOf } from '../request/plan.ts';
import type { Redactor } from '../utils/redact.ts';
import { errorMessage } from './messages.ts';

/**
 * How an attempt (or the wait before one) failed: what the final error is made of.
 * @internal
 */
export interface Failure {
  readonly classification: Classification;
  /** The attempt that failed, 1 for the first. */
  readonly attempt: number;
  readonly cause?: unknown;
}

const ERROR_CLASSES: Record<FailureCategory, typeof CalmError> = {
  retryable: RetryableError,
  'rate-limited': RateLimitError,
  'auth-fatal': AuthError,
  permanent: PermanentError,
};

/**
 * The typed error a call rejects with: its class from the category, its message masked.
 * @internal
 */
export function finalError(
  call: Call,
  failure: Failure,
  giveUp: string | undefined,
  retryAt: Date | undefined,
  redactor: Redactor,
): CalmError {
  const c = redactor.classification(failure.classification);
  const category: FailureCategory = c.category === 'ok' ? 'permanent' : c.category;
  const at = retryAt ?? c.retryAt;
  const message = redactor.redact(errorMessage(call.method, call.url, c, failure.attempt, giveUp, at));
  const ErrorClass = ERROR_CLASSES[category];
  return new ErrorClass(
    message,
    {
      classification: c,
      request: summaryOf(call),
      attempts: failure.attempt,
      ...(giveUp !== undefined && { giveUp }),
      ...(at !== undefined && { retryAt: at }),
    },
    { cause: maskedCause(failure.cause, redactor) },
  );
}

/**
 * The cause kept on an error, its text masked: a hook's or a custom fetch's error may quote a credential, and
 * `util.inspect` of the error prints its cause. An error whose text holds none is kept as it is.
 */
function maskedCause(cause: unknown, redactor: Redactor): unknown {
  if (!(cause instanceof Error)) return typeof cause === 'string' ? redactor.redact(cause) : cause;
  const message = redactor.redact(cause.message);
  const stack = cause.stack === undefined ? undefined : redactor.redact(cause.stack);
  if (message === cause.message && stack === cause.stack) return cause;
  const masked = new Error(message);
  masked.name = cause.name;
  masked.stack = stack ?? `${cause.name}: ${message}`;
  const code = (cause as { code?: unknown }).code;
  if (code !== undefined) Object.assign(masked, { code });
  return masked;
}

/**
 * What a closed client tells every call it ends before sending: it will not recover, so `permanent`.
 * @internal
 */
export const CLOSED = 'the client was closed';

/**
 * The failure of a call ended by `close()`, wherever it waited: one classification for all, its last attempt's
 * error (if any) as the cause.
 * @internal
 */
export function closedFailure(
  attempt: number,
  last: { readonly error: CalmError; readonly classification: Classification } | undefined,
): Failure {
  // Nothing sent yet: unprocessed. After a sent attempt, whether the server processed it is that attempt's to say.
  const classification = last
    ? bareClassification('permanent', `not retried: ${CLOSED}`, {
        unprocessed: last.classification.unprocessed,
      })
    : bareClassification('permanent', `not sent: ${CLOSED}`, { unprocessed: true });
  return { classification, attempt, ...(last !== undefined && { cause: last.error }) };
}

/**
 * The failure of a call whose deadline passed before its first attempt went out (waiting for credentials, the
 * limiter, a slot or a hook): nothing was sent, and the call may be tried again later, so `retryable`.
 * @internal
 */
export function deadlineFailure(attempt: number): Failure {
  return {
    classification: bareClassification(
      'retryable',
      "not sent: the call's deadline (deadlineMs) passed before it was sent",
      { unprocessed: true },
    ),
    attempt,
  };
}
