import { CalmError, isCalmError } from './CalmError.ts';

/** The credentials are bad, expired or not allowed (401, codes 32, 89, 99, 135, 215, …); never retried but once after `hooks.onAuthError` refreshed them. */
export class AuthError extends CalmError {
  override name = 'AuthError' as const;
  declare readonly category: 'auth-fatal';
}

/** Whether a value is a calmfetch error of category `auth-fatal` (works without `instanceof`). */
export function isAuthError(value: unknown): value is AuthError {
  return isCalmError(value) && value.category === 'auth-fatal';
}
