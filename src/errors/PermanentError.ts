import { CalmError, isCalmError } from './CalmError.ts';

/** The request or the resource is wrong (other 4xx, 501, a bug in a hook); never retried. */
export class PermanentError extends CalmError {
  override name = 'PermanentError' as const;
  declare readonly category: 'permanent';
}

/** Whether a value is a calmfetch error of category `permanent` (works without `instanceof`). */
export function isPermanentError(value: unknown): value is PermanentError {
  return isCalmError(value) && value.category === 'permanent';
}
