import { describe, expect, it } from 'vitest';
import { v1Error } from '../../mocks/bodies.ts';
import { DEFAULT_SKEW_TOLERANCE_MS, ServerClock, skewRetry } from '../../src/auth/server-clock.ts';
import { classify } from '../../src/classify/classify.ts';

const T0 = Date.UTC(2026, 10, 21, 12, 0, 0);
const ORIGIN = 'https://api.x.com';
const dateAt = (ms: number) => new Date(ms).toUTCString();
const MINUTE = 60_000;

describe('ServerClock: the per-origin offset from Date headers', () => {
  const clockAt = (local: { now: number }) => new ServerClock({ now: () => local.now });

  it('starts at the local clock, and learns a server 10 minutes ahead from one Date (middle of its second)', () => {
    const local = { now: T0 };
    const clock = clockAt(local);
    expect(clock.now(ORIGIN)).toBe(T0);
    expect(clock.observe(ORIGIN, dateAt(T0 + 10 * MINUTE), T0)).toBe(10 * MINUTE + 500);
    expect(clock.offset(ORIGIN)).toBe(10 * MINUTE + 500);
    local.now = T0 + 1234;
    expect(clock.now(ORIGIN)).toBe(T0 + 1234 + 10 * MINUTE + 500);
    expect(clock.timestamp(ORIGIN)).toBe(Math.floor((T0 + 1234 + 10 * MINUTE + 500) / 1000));
  });

  it('learns a server behind us too', () => {
    const clock = clockAt({ now: T0 });
    clock.observe(ORIGIN, dateAt(T0 - 7 * MINUTE));
    expect(clock.offset(ORIGIN)).toBe(-7 * MINUTE + 500);
  });

  it('keeps one offset per origin, whatever the spelling of the origin or the path', () => {
    const clock = clockAt({ now: T0 });
    clock.observe('https://API.x.com:443/2/tweets?x=1', dateAt(T0 + 5 * MINUTE), T0);
    expect(clock.offset(ORIGIN)).toBe(5 * MINUTE + 500);
    expect(clock.offset('https://upload.x.com')).toBe(0);
    expect(clock.offset('http://127.0.0.1:8080')).toBe(0);
  });

  it('ignores readings within 2 s of the offset in force (resolution plus transit): no flapping', () => {
    const clock = clockAt({ now: T0 });
    expect(clock.observe(ORIGIN, dateAt(T0), T0 + 900)).toBe(0);
    expect(clock.observe(ORIGIN, dateAt(T0 - 1000), T0)).toBe(0);
    clock.observe(ORIGIN, dateAt(T0 + MINUTE), T0);
    expect(clock.observe(ORIGIN, dateAt(T0 + MINUTE + 1000), T0)).toBe(MINUTE + 500);
  });

  it('takes the latest reading beyond that (a clock error is a step, not noise)', () => {
    const clock = clockAt({ now: T0 });
    clock.observe(ORIGIN, dateAt(T0 + 10 * MINUTE), T0);
    // The local clock was fixed (an NTP step): the next Date agrees with it, and the offset goes at once.
    expect(clock.observe(ORIGIN, dateAt(T0 + 20 * MINUTE), T0 + 20 * MINUTE)).toBe(500);
  });

  it.each([
    ['no header', undefined],
    ['an empty header', ''],
    ['garbage', 'yesterday-ish'],
    ['a number', '1700000000'],
    ['a date before 2024 (a zero date)', 'Thu, 01 Jan 1970 00:00:00 GMT'],
    ['eight days ahead (absurd)', dateAt(T0 + 8 * 24 * 60 * MINUTE)],
    ['eight days behind (absurd)', dateAt(T0 - 8 * 24 * 60 * MINUTE)],
    ['an overlong header', `${dateAt(T0 + MINUTE)}${' '.repeat(80)}`],
  ])('ignores %s', (_, header) => {
    const clock = clockAt({ now: T0 });
    clock.observe(ORIGIN, dateAt(T0 + 3 * MINUTE), T0);
    expect(clock.observe(ORIGIN, header, T0)).toBe(3 * MINUTE + 500);
    expect(clock.offset(ORIGIN)).toBe(3 * MINUTE + 500);
  });

  it('accepts a larger offset when maxOffsetMs allows (a machine whose clock is off by a month)', () => {
    const month = 30 * 24 * 60 * MINUTE;
    const clock = new ServerClock({ now: () => T0, maxOffsetMs: 2 * month });
    expect(clock.observe(ORIGIN, dateAt(T0 + month))).toBe(month + 500);
  });
});

describe('skewRetry: is a 401 a clock problem?', () => {
  const response = (status: number, body: unknown, date?: number) =>
    classify(
      {
        status,
        body: JSON.stringify(body),
        headers: { 'content-type': 'application/json', ...(date !== undefined && { date: dateAt(date) }) },
      },
      { now: T0 },
    );

  it('retries a 401 with code 135, and reports the skew its Date shows', () => {
    const c = response(401, v1Error(135), T0 + 10 * MINUTE);
    expect(skewRetry(c, dateAt(T0 + 10 * MINUTE), T0)).toEqual({
      retry: true,
      reason: 'code-135',
      skewMs: 10 * MINUTE + 500,
    });
  });

  it('retries code 135 even without a Date, or when the Date agrees with the signing clock (a stale signature)', () => {
    expect(skewRetry(response(401, v1Error(135)), undefined, T0)).toEqual({
      retry: true,
      reason: 'code-135',
    });
    expect(skewRetry(response(401, v1Error(135), T0), dateAt(T0), T0)).toEqual({
      retry: true,
      reason: 'code-135',
      skewMs: 500,
    });
  });

  it('retries a 401 without 135 (code 32, a v2 problem) whose Date is beyond the tolerance, either way', () => {
    const ahead = T0 + DEFAULT_SKEW_TOLERANCE_MS + 1000;
    expect(skewRetry(response(401, v1Error(32), ahead), dateAt(ahead), T0)).toEqual({
      retry: true,
      reason: 'date-skew',
      skewMs: DEFAULT_SKEW_TOLERANCE_MS + 1500,
    });
    const problem = { title: 'Unauthorized', type: 'about:blank', status: 401, detail: 'Unauthorized' };
    const behind = T0 - 10 * MINUTE;
    expect(skewRetry(response(401, problem, behind), dateAt(behind), T0)).toMatchObject({
      retry: true,
      reason: 'date-skew',
    });
  });

  it('does not retry a 401 whose Date is within the tolerance, or a Date that is garbage', () => {
    const near = T0 + DEFAULT_SKEW_TOLERANCE_MS - 1000;
    expect(skewRetry(response(401, v1Error(32), near), dateAt(near), T0)).toEqual({ retry: false });
    expect(skewRetry(response(401, v1Error(89)), 'not a date', T0)).toEqual({ retry: false });
    expect(skewRetry(response(401, v1Error(89)), undefined, T0)).toEqual({ retry: false });
  });

  it('honours a tolerance given by the caller', () => {
    const c = response(401, v1Error(32), T0 + 10_000);
    expect(skewRetry(c, dateAt(T0 + 10_000), T0, 5_000).retry).toBe(true);
    expect(skewRetry(c, dateAt(T0 + 10_000), T0, 20_000).retry).toBe(false);
  });

  it('never retries anything but a 401, whatever the Date says', () => {
    const far = T0 + 10 * MINUTE;
    for (const [status, body] of [
      [403, v1Error(135)],
      [400, v1Error(215)],
      [429, v1Error(88)],
      [500, v1Error(131)],
      [200, { data: {} }],
    ] as const) {
      expect(skewRetry(response(status, body, far), dateAt(far), T0)).toEqual({ retry: false });
    }
  });
});
