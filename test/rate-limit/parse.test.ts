import { describe, expect, it } from 'vitest';
import { parseRateLimit } from '../../src/index.ts';

const NOW = Date.UTC(2026, 10, 21, 12, 0, 0);
const inSeconds = (s: number) => String(Math.floor(NOW / 1000) + s);
const parse = (headers: Record<string, unknown> | Headers) => parseRateLimit(headers, { now: NOW });

describe('parseRateLimit', () => {
  it('reads x-rate-limit-* with the reset as a Date', () => {
    expect(
      parse({
        'x-rate-limit-limit': '900',
        'x-rate-limit-remaining': '899',
        'x-rate-limit-reset': inSeconds(900),
      }),
    ).toEqual({
      limit: 900,
      remaining: 899,
      reset: new Date(NOW + 900_000),
    });
  });

  it('is case-insensitive and takes a Headers object', () => {
    const headers = new Headers({ 'X-Rate-Limit-Remaining': '3', 'Retry-After': '2' });
    expect(parse(headers)).toEqual({ remaining: 3, retryAfterMs: 2000 });
    expect(parse({ 'X-RATE-LIMIT-REMAINING': '3' })).toEqual({ remaining: 3 });
  });

  it('reads the 24-hour app and user windows', () => {
    const result = parse({
      'x-app-limit-24hour-limit': '10000',
      'x-app-limit-24hour-remaining': '0',
      'x-app-limit-24hour-reset': inSeconds(3600),
      'x-user-limit-24hour-limit': '100',
      'x-user-limit-24hour-remaining': '99',
      'x-user-limit-24hour-reset': inSeconds(7200),
    });
    expect(result.app24h).toEqual({ limit: 10000, remaining: 0, reset: new Date(NOW + 3_600_000) });
    expect(result.user24h).toEqual({ limit: 100, remaining: 99, reset: new Date(NOW + 7_200_000) });
  });

  it.each([
    [{ 'retry-after': '120' }, 120_000],
    [{ 'retry-after': '1.5' }, 1500],
    [{ 'retry-after': new Date(NOW + 30_000).toUTCString() }, 30_000],
    [{ 'retry-after': new Date(NOW - 30_000).toUTCString() }, 0],
    [{ 'retry-after-ms': '250' }, 250],
    [{ 'retry-after-ms': '250', 'retry-after': '9' }, 250],
  ])('reads Retry-After %j as %i ms', (headers, ms) => {
    expect(parse(headers).retryAfterMs).toBe(ms);
  });

  it('reads the IETF RateLimit fields in both drafts', () => {
    expect(
      parse({ 'ratelimit-limit': '100', 'ratelimit-remaining': '0', 'ratelimit-reset': '30' }).ietf,
    ).toEqual({
      limit: 100,
      remaining: 0,
      reset: new Date(NOW + 30_000),
    });
    expect(
      parse({ ratelimit: '"default";r=5;t=12', 'ratelimit-policy': '"default";q=100;w=60' }).ietf,
    ).toEqual({
      limit: 100,
      remaining: 5,
      reset: new Date(NOW + 12_000),
      policy: '"default";q=100;w=60',
    });
  });

  it.each([
    ['negative', { 'x-rate-limit-remaining': '-1', 'x-rate-limit-reset': '-5', 'retry-after': '-3' }],
    ['NaN', { 'x-rate-limit-limit': 'NaN', 'x-rate-limit-reset': 'soon', 'retry-after': 'later' }],
    ['far future', { 'x-rate-limit-reset': inSeconds(400 * 24 * 3600), 'retry-after': '99999999999' }],
    ['milliseconds instead of seconds', { 'x-rate-limit-reset': String(NOW + 60_000) }],
    ['wrong types', { 'x-rate-limit-remaining': { a: 1 }, 'retry-after': null, 'x-rate-limit-limit': [] }],
    ['Infinity and exponents', { 'retry-after': 'Infinity', 'x-rate-limit-reset': '1e10' }],
  ])('drops %s values instead of trusting them', (_, headers) => {
    expect(parse(headers as Record<string, unknown>)).toEqual({});
  });

  it('accepts a reset in the past (the window already refilled)', () => {
    expect(parse({ 'x-rate-limit-reset': inSeconds(-30) }).reset).toEqual(new Date(NOW - 30_000));
  });

  describe('the server clock', () => {
    it('ignores a Date within the header resolution', () => {
      const result = parse({ date: new Date(NOW + 900).toUTCString(), 'x-rate-limit-reset': inSeconds(60) });
      expect(result.clockSkewMs).toBeUndefined();
      expect(result.reset).toEqual(new Date(NOW + 60_000));
    });

    it('moves epoch resets onto the local clock when the server clock is 10 minutes ahead', () => {
      const skew = 600_000;
      const result = parse({
        date: new Date(NOW + skew).toUTCString(),
        'x-rate-limit-reset': inSeconds(600 + 60),
      });
      expect(result.clockSkewMs).toBe(skew);
      expect(result.reset).toEqual(new Date(NOW + 60_000));
    });

    it('measures an HTTP-date Retry-After against the server clock', () => {
      const server = NOW - 600_000;
      const result = parse({
        date: new Date(server).toUTCString(),
        'retry-after': new Date(server + 45_000).toUTCString(),
      });
      expect(result.retryAfterMs).toBe(45_000);
    });
  });
});

describe('a window reset days away is not trusted (found by attacking the rework)', () => {
  const NOW = Date.UTC(2026, 10, 28, 12, 0, 0);
  it('a reset 6 days ahead, or a Date 6 days behind, gives no reset; within 24 h one is read', () => {
    const sixDays = 6 * 86_400_000;
    const ahead = parseRateLimit(
      { 'x-rate-limit-remaining': '0', 'x-rate-limit-reset': String((NOW + sixDays) / 1000) },
      { now: NOW },
    );
    expect(ahead.reset).toBeUndefined();
    const staleDate = parseRateLimit(
      {
        'x-rate-limit-remaining': '0',
        'x-rate-limit-reset': String(NOW / 1000 + 60),
        date: new Date(NOW - sixDays).toUTCString(),
      },
      { now: NOW },
    );
    expect(staleDate.reset).toBeUndefined();
    const day = parseRateLimit(
      { 'x-user-limit-24hour-remaining': '0', 'x-user-limit-24hour-reset': String(NOW / 1000 + 86_000) },
      { now: NOW },
    );
    expect(day.user24h?.reset).toEqual(new Date(NOW + 86_000_000));
  });
});
