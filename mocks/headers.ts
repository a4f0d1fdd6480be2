export interface RateLimitHeaderOptions {
  readonly limit?: number;
  readonly remaining?: number;
  /** Seconds from `now` until the window resets (X sends whole epoch seconds, rounded up). @default 900 */
  readonly resetInSeconds?: number;
  /** The reset as an absolute time, epoch ms (overrides `resetInSeconds`). */
  readonly resetAt?: number;
  /** The time the response is sent, epoch ms. @default Date.now() */
  readonly now?: number;
}

/** X's x-rate-limit-* headers (reset in epoch seconds) and the Date header. */
export function rateLimitHeaders(options: RateLimitHeaderOptions = {}): Record<string, string> {
  const now = options.now ?? Date.now();
  return {
    'x-rate-limit-limit': String(options.limit ?? 900),
    'x-rate-limit-remaining': String(options.remaining ?? 0),
    'x-rate-limit-reset': String(
      Math.ceil((options.resetAt ?? now + (options.resetInSeconds ?? 900) * 1000) / 1000),
    ),
    date: new Date(now).toUTCString(),
  };
}
