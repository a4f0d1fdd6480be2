import { CalmError, isCalmError } from './CalmError.ts';

/** A transient failure (5xx, code 130/131, network, timeout) the client stopped retrying. */
export class RetryableError extends CalmError {
  override name = 'RetryableError' as const;
  declare readonly category: 'retryable';
}

/** Whether a value is a calmfetch error of category `retryable` (works without `instanceof`). */
export function isRetryableError(value: unknown): value is RetryableError {
  return isCalmError(value) && value.category === 'retryable';
}
