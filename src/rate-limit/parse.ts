import { type HeaderGetter, type HeadersInput, headerReader } from '../utils/headers.ts';

/** One rate-limit window as the server reported it. Times are on the local clock (corrected for skew). */
export interface RateLimitWindow {
  readonly limit?: number;
  readonly remaining?: number;
  /** When the window refills, on the local clock. */
  readonly reset?: Date;
}

/** Everything the response headers said about limits and timing. Every field is optional: garbage is dropped. */
export interface RateLimitInfo extends RateLimitWindow {
  /** x-app-limit-24hour-* (per-app 24-hour limit, e.g. on POST /2/tweets). */
  readonly app24h?: RateLimitWindow;
  /** x-user-limit-24hour-* (per-user 24-hour limit). */
  readonly user24h?: RateLimitWindow;
  /** The IETF RateLimit fields (`RateLimit`/`RateLimit-Policy`, or `RateLimit-Limit/-Remaining/-Reset`). */
  readonly ietf?: RateLimitWindow & { readonly policy?: string };
  /** Retry-After (seconds or HTTP date) or retry-after-ms, as a wait from now in milliseconds. */
  readonly retryAfterMs?: number;
  /** The server's clock, from `Date`. */
  readonly serverDate?: Date;
  /**
   * How far the server's clock is ahead of ours (negative: behind), when the difference exceeds the Date header's
   * one-second resolution plus transit; epoch-second resets are corrected by it.
   */
  readonly clockSkewMs?: number;
}

export interface ParseOptions {
  /** The local time the response arrived, in epoch ms. @default Date.now() */
  readonly now?: number;
}

/**
 * A reset or Retry-After further ahead than this is garbage (X's longest window is 24 hours).
 * @internal
 */
export const MAX_AHEAD_MS = 7 * 24 * 60 * 60 * 1000;
/**
 * A window's reset further ahead than this is not trusted: X's longest window is 24 hours (the app and user
 * 24-hour limits; docs.x.com, rate limits), plus an hour of slack. A header six days off (a proxy's stale Date, a
 * reset in the wrong unit) would otherwise hold a bucket for days, every call refused unsent.
 * @internal
 */
export const MAX_WINDOW_MS = 25 * 60 * 60 * 1000;
/**
 * Skew within this is the Date header's resolution plus transit, not a wrong clock.
 * @internal
 */
export const SKEW_TOLERANCE_MS = 2000;

const INTEGER = /^\s*\d{1,16}\s*$/;
const DECIMAL = /^\s*\d{1,16}(?:\.\d{1,6})?\s*$/;

function integer(value: string | undefined): number | undefined {
  if (value === undefined || !INTEGER.test(value)) return undefined;
  const parsed = Number(value);
  return Number.isSafeInteger(parsed) ? parsed : undefined;
}

function decimal(value: string | undefined): number | undefined {
  if (value === undefined || !DECIMAL.test(value)) return undefined;
  const parsed = Number(value);
  return Number.isFinite(parsed) ? parsed : undefined;
}

let lastDate: { text: string; ms: number | undefined } = { text: '', ms: undefined };

/**
 * An HTTP date (`Date`, `Retry-After`) as epoch ms; undefined for garbage. Never throws.
 * @internal
 */
export function httpDate(value: string | null | undefined): number | undefined {
  if (value == null) return undefined;
  if (value.length > 64 || !/[a-z]/i.test(value)) return undefined;
  // Every response carries a Date that changes once a second: parse each text once.
  if (value === lastDate.text) return lastDate.ms;
  const parsed = Date.parse(value);
  const ms = Number.isFinite(parsed) ? parsed : undefined;
  lastDate = { text: value, ms };
  return ms;
}

/**
 * Whether a time read from a header is within MAX_AHEAD_MS of now, either way (further is garbage).
 * @internal
 */
export function withinReach(ms: number, now: number): boolean {
  return ms <= now + MAX_AHEAD_MS && ms >= now - MAX_AHEAD_MS;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** The three header names of one window family, spelled out once. */
const FAMILIES = {
  x: ['x-rate-limit-limit', 'x-rate-limit-remaining', 'x-rate-limit-reset'],
  app24h: ['x-app-limit-24hour-limit', 'x-app-limit-24hour-remaining', 'x-app-limit-24hour-reset'],
  user24h: ['x-user-limit-24hour-limit', 'x-user-limit-24hour-remaining', 'x-user-limit-24hour-reset'],
} as const;

/** Sets the defined fields of `fields` on `target` (never an explicit undefined); false when none was. */
function assignDefined<T extends object>(
  target: Mutable<T>,
  fields: { [K in keyof T]?: T[K] | undefined },
): boolean {
  let any = false;
  for (const key in fields) {
    const value = fields[key];
    if (value !== undefined) {
      (target as Record<string, unknown>)[key] = value;
      any = true;
    }
  }
  return any;
}

/**
 * Reads every rate-limit and timing header X (and APIs like it) send. Never throws; a malformed, negative, NaN or
 * absurdly distant value is dropped rather than trusted.
 *
 * Epoch-second resets (`x-rate-limit-reset`) are on the server's clock; when `Date` shows the server's clock
 * differs from ours by more than its resolution, resets are moved onto our clock so that a wait is right even
 * when the local clock is wrong.
 */
export function parseRateLimit(
  headers: HeadersInput | undefined | null,
  options: ParseOptions = {},
): RateLimitInfo {
  return readRateLimit(headerReader(headers), options.now ?? Date.now());
}

/**
 * parseRateLimit over a header reader (classify() reads the same headers for other fields too).
 * @internal
 */
export function readRateLimit(get: HeaderGetter, now: number): RateLimitInfo {
  const serverMs = httpDate(get('date'));
  const serverDate = serverMs !== undefined && withinReach(serverMs, now) ? new Date(serverMs) : undefined;
  const rawSkew = serverDate ? serverDate.getTime() - now : 0;
  const clockSkewMs = Math.abs(rawSkew) > SKEW_TOLERANCE_MS ? rawSkew : undefined;

  const epochReset = (value: string | undefined): Date | undefined => {
    const seconds = integer(value);
    if (seconds === undefined) return undefined;
    const local = seconds * 1000 - (clockSkewMs ?? 0);
    return withinReach(local, now) && local <= now + MAX_WINDOW_MS ? new Date(local) : undefined;
  };
  // Field by field rather than through assignDefined: this runs for every response.
  const window = (
    target: Mutable<RateLimitWindow>,
    [limitName, remainingName, resetName]: readonly [string, string, string],
  ): boolean => {
    const limit = integer(get(limitName));
    const remaining = integer(get(remainingName));
    const reset = epochReset(get(resetName));
    if (limit !== undefined) target.limit = limit;
    if (remaining !== undefined) target.remaining = remaining;
    if (reset !== undefined) target.reset = reset;
    return limit !== undefined || remaining !== undefined || reset !== undefined;
  };

  const info: Mutable<RateLimitInfo> = {};
  window(info, FAMILIES.x);
  const app24h: Mutable<RateLimitWindow> = {};
  if (window(app24h, FAMILIES.app24h)) info.app24h = app24h;
  const user24h: Mutable<RateLimitWindow> = {};
  if (window(user24h, FAMILIES.user24h)) info.user24h = user24h;
  const ietf = parseIetf(get, now);
  if (ietf !== undefined) info.ietf = ietf;
  const retryAfterMs = parseRetryAfter(get, now, serverDate);
  if (retryAfterMs !== undefined) info.retryAfterMs = retryAfterMs;
  if (serverDate !== undefined) info.serverDate = serverDate;
  if (clockSkewMs !== undefined) info.clockSkewMs = clockSkewMs;
  return info;
}

function parseRetryAfter(
  get: (name: string) => string | undefined,
  now: number,
  serverDate: Date | undefined,
): number | undefined {
  const ms = decimal(get('retry-after-ms'));
  if (ms !== undefined && ms <= MAX_AHEAD_MS) return Math.ceil(ms);
  const value = get('retry-after');
  const seconds = decimal(value);
  if (seconds !== undefined) return seconds * 1000 <= MAX_AHEAD_MS ? Math.ceil(seconds * 1000) : undefined;
  const date = httpDate(value);
  if (date === undefined) return undefined;
  // An HTTP date is on the server's clock: measure it against the server's Date when we have one.
  const wait = date - (serverDate?.getTime() ?? now);
  if (wait > MAX_AHEAD_MS) return undefined;
  return Math.max(0, wait);
}

function structuredParam(field: string | undefined, ...names: string[]): number | undefined {
  if (field === undefined || field.length > 1024) return undefined;
  for (const name of names) {
    const match = new RegExp(`(?:^|[;,\\s])${name}\\s*=\\s*"?(\\d{1,16})"?`, 'i').exec(field);
    if (match) return integer(match[1]);
  }
  return undefined;
}

function parseIetf(get: (name: string) => string | undefined, now: number) {
  const combined = get('ratelimit');
  const policy = get('ratelimit-policy');
  const limit =
    integer(get('ratelimit-limit')) ?? structuredParam(combined, 'limit') ?? structuredParam(policy, 'q');
  const remaining = integer(get('ratelimit-remaining')) ?? structuredParam(combined, 'r', 'remaining');
  const resetSeconds = integer(get('ratelimit-reset')) ?? structuredParam(combined, 't', 'reset');
  const reset =
    resetSeconds !== undefined && resetSeconds * 1000 <= MAX_WINDOW_MS
      ? new Date(now + resetSeconds * 1000)
      : undefined;
  const ietf: Mutable<RateLimitWindow & { policy?: string }> = {};
  return assignDefined(ietf, { limit, remaining, reset, policy: policy?.slice(0, 256) }) ? ietf : undefined;
}

/**
 * When the server said a retry may go, from the headers: Retry-After first (it answers exactly that question),
 * then the latest reset among the windows that are spent. With `anyWindow` (a 420/429), a window's reset counts
 * when it does not say how many requests remain. A window that says some remain is not spent: a 429 beside it
 * comes from a per-second or secondary limit (X's `search/all`: 1 request per second; a stream's
 * `TooManyConnections`), which its reset says nothing about, so it gives no time (the retry decision backs off
 * briefly instead of waiting up to 15 minutes).
 * @internal
 */
export function serverRetryAt(info: RateLimitInfo, now: number, anyWindow: boolean): Date | undefined {
  if (info.retryAfterMs !== undefined) return new Date(now + info.retryAfterMs);
  const windows = [info, info.app24h, info.user24h, info.ietf].filter(
    (w): w is RateLimitWindow => w?.reset !== undefined,
  );
  const spent = windows.filter((w) => w.remaining === 0);
  const chosen =
    spent.length > 0
      ? spent
      : anyWindow && !windows.some((w) => w.remaining !== undefined)
        ? windows.slice(0, 1)
        : [];
  const latest = Math.max(...chosen.map((w) => w.reset!.getTime()));
  return Number.isFinite(latest) ? new Date(Math.max(now, latest)) : undefined;
}
