import { CalmError, isCalmError } from './CalmError.ts';

/** A rate limit (420, 429, code 88, a posting limit or usage cap) the client did not wait out; `retryAt` says when, `capped` whether waiting is worth it. */
export class RateLimitError extends CalmError {
  override name = 'RateLimitError' as const;
  declare readonly category: 'rate-limited';
}

/** Whether a value is a calmfetch error of category `rate-limited` (works without `instanceof`). */
export function isRateLimitError(value: unknown): value is RateLimitError {
  return isCalmError(value) && value.category === 'rate-limited';
}
