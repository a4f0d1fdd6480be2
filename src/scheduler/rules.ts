import type { Classification } from '../classify/classify.ts';
import type { RateLimitInfo, RateLimitWindow } from '../rate-limit/parse.ts';

/**
 * What one answer says about its bucket, as plain values (no timers, no limiter): the limiter applies it.
 *
 * - `spent`: a window the headers report is spent (`remaining: 0`, reset ahead): hold the bucket until its reset.
 *   Every window counts: X's 15-minute one, the app and user 24-hour ones, the IETF `RateLimit` fields.
 * - `room`: a 420/429 while every reported window still has room: a per-second or connection limit, not the
 *   window. Hold the bucket briefly and space its calls (1 s, doubling per consecutive such answer; Retry-After
 *   wins), never until the window's reset.
 * - `server`: a 420/429 with a time to wait (Retry-After, or a reset the classifier trusted): hold until then.
 * - `bare`: a 420/429 with no usable time: hold for the wait it implies (`retry.rateLimitBaseDelayMs`, doubling
 *   per consecutive such answer), so that the calls behind it do not draw one each.
 * @internal
 */
export type Verdict =
  | { readonly kind: 'spent'; readonly until: number; readonly reason: string }
  | { readonly kind: 'room'; readonly holdMs: number; readonly reason: string }
  | { readonly kind: 'server' | 'bare'; readonly until: number; readonly reason: string };

/**
 * The first hold after a 429 with room left: X's per-second limits (`search/all`: 1/s) clear within one.
 * @internal
 */
export const ROOM_BASE_MS = 1000;
/**
 * The longest such hold: beyond it the 429 is no per-second limit, and the retry decision gives up anyway.
 * @internal
 */
export const ROOM_MAX_MS = 60_000;

const WINDOWS = [
  ['x-rate-limit-remaining', (i: RateLimitInfo) => i],
  ['x-app-limit-24hour-remaining', (i: RateLimitInfo) => i.app24h],
  ['x-user-limit-24hour-remaining', (i: RateLimitInfo) => i.user24h],
  ['RateLimit remaining', (i: RateLimitInfo) => i.ietf],
] as const satisfies readonly (readonly [string, (i: RateLimitInfo) => RateLimitWindow | undefined])[];

/**
 * The latest reset among the windows reported spent with their reset ahead, and which header said so.
 * @internal
 */
export function spentWindow(info: RateLimitInfo, now: number): { until: number; header: string } | undefined {
  let found: { until: number; header: string } | undefined;
  for (const [header, pick] of WINDOWS) {
    const window = pick(info);
    const reset = window?.reset?.getTime();
    if (window?.remaining !== 0 || reset === undefined || reset <= now) continue;
    if (!found || reset > found.until) found = { until: reset, header };
  }
  return found;
}

/** True when some window reports room left (remaining > 0) and none is spent. */
function roomLeft(info: RateLimitInfo): boolean {
  let room = false;
  for (const [, pick] of WINDOWS) {
    const remaining = pick(info)?.remaining;
    if (remaining === 0) return false;
    if (remaining !== undefined && remaining > 0) room = true;
  }
  return room;
}

/** @internal */
export interface Streaks {
  /** Consecutive 429s with room left, on this bucket (a success resets it). */
  readonly room: number;
  /** Consecutive bare 420/429s, on this bucket (a success resets it). */
  readonly bare: number;
}

/**
 * The verdict on a rate-limited (uncapped) 420/429; `baseDelayMs` is `retry.rateLimitBaseDelayMs`.
 * @internal
 */
export function rateLimitVerdict(
  classification: Classification,
  now: number,
  streaks: Streaks,
  baseDelayMs: number,
): Verdict {
  const info = classification.rateLimit;
  const retryAfter = info.retryAfterMs;
  if (roomLeft(info)) {
    const holdMs = retryAfter ?? Math.min(ROOM_MAX_MS, ROOM_BASE_MS * 2 ** Math.min(streaks.room, 16));
    return { kind: 'room', holdMs, reason: 'a 429 with room left in the window: calls spaced' };
  }
  if (retryAfter !== undefined)
    return { kind: 'server', until: now + retryAfter, reason: classification.reason };
  const spent = spentWindow(info, now);
  if (spent) return { kind: 'spent', until: spent.until, reason: `window spent (${spent.header}: 0)` };
  const retryAt = classification.retryAt?.getTime();
  if (retryAt !== undefined && retryAt > now)
    return { kind: 'server', until: retryAt, reason: classification.reason };
  const wait = baseDelayMs * 2 ** Math.min(streaks.bare, 16);
  return { kind: 'bare', until: now + wait, reason: `${classification.reason} (no reset given)` };
}
