import { MAX_TIMER_MS } from '../retry/backoff.ts';
import { checkNumber, describe, isRecord } from '../utils/validate.ts';

/**
 * The minimum spacing of calls per endpoint (method + endpoint template), where X documents one beside its
 * window. `GET /2/tweets/search/all`: "1/sec, 300/15min" (docs.x.com, x-api/fundamentals/rate-limits.mdx:68;
 * see /work/shared/research/round2.md §1.3): without the spacing every call past the first in a second draws a
 * 429 while the window still has room.
 * @internal
 */
export const DEFAULT_MIN_INTERVAL_MS: Readonly<Record<string, number>> = Object.freeze({
  'GET /2/tweets/search/all': 1000,
});

/** `rateLimit.minIntervalMs`: a table keyed by `METHOD /endpoint/template`, or a function of that key. */
export type MinIntervalOption = Readonly<Record<string, number>> | ((endpoint: string) => number);

const KEY = /^[A-Z]+ \/\S*$/;

/**
 * Checks `rateLimit.minIntervalMs` up front (a TypeError naming it) and returns the lookup the limiter uses. A
 * table is merged over the defaults (give an endpoint 0 to remove its spacing); a function replaces them, and
 * its answer is checked when a bucket is made.
 * @internal
 */
export function normalizeMinInterval(value: unknown): (endpoint: string) => number {
  const name = 'rateLimit.minIntervalMs';
  if (typeof value === 'function') {
    return (endpoint) => checkNumber(`${name}('${endpoint}')`, value(endpoint) ?? 0, { max: MAX_TIMER_MS });
  }
  if (value !== undefined && !isRecord(value)) {
    throw new TypeError(`\`${name}\` must be an object or a function; got ${describe(value)}`);
  }
  const table = new Map(Object.entries(DEFAULT_MIN_INTERVAL_MS));
  for (const [key, ms] of Object.entries(value ?? {})) {
    if (!KEY.test(key))
      throw new TypeError(
        `\`${name}\` keys are 'METHOD /endpoint/template' (like 'GET /2/users/:id'); got '${key}'`,
      );
    table.set(key, checkNumber(`${name}['${key}']`, ms, { max: MAX_TIMER_MS }));
  }
  return (endpoint) => table.get(endpoint) ?? 0;
}
