export interface RateLimitHeaderOptions {
  readonly limit?: number;
  readonly remaining?: number;
  /** Seconds from `now` until the window resets. @default 900 */
  readonly resetInSeconds?: number;
  /** The time the response is sent, epoch ms. @default Date.now() */
  readonly now?: number;
}

/** X's x-rate-limit-* headers (reset in epoch seconds) and the Date header. */
export function rateLimitHeaders(options: RateLimitHeaderOptions = {}): Record<string, string> {
  const now = options.now ?? Date.now();
  return {
    'x-rate-limit-limit': String(options.limit ?? 900),
    'x-rate-limit-remaining': String(options.remaining ?? 0),
    'x-rate-limit-reset': String(Math.ceil(now / 1000 + (options.resetInSeconds ?? 900))),
    date: new Date(now).toUTCString(),
  };
}
