import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CATEGORIES, classify, createClient, parseRateLimit } from '../../src/index.ts';
import { CLIENT_KEYS } from '../../src/options/normalize.ts';
import { pathReader, urlPath } from '../../src/utils/redact.ts';

const NOW = Date.UTC(2026, 10, 21, 12, 0, 0);
const headerName = fc.constantFrom(
  'x-rate-limit-limit',
  'x-rate-limit-remaining',
  'x-rate-limit-reset',
  'x-app-limit-24hour-reset',
  'x-app-limit-24hour-remaining',
  'x-user-limit-24hour-reset',
  'retry-after',
  'retry-after-ms',
  'ratelimit',
  'ratelimit-policy',
  'ratelimit-reset',
  'date',
  'content-type',
  '__proto__',
  'constructor',
);
const headerValue = fc.oneof(
  fc.string(),
  fc.integer().map(String),
  fc.double().map(String),
  fc.date({ noInvalidDate: true }).map((d) => d.toUTCString()),
  fc.anything(),
);
const headers = fc.dictionary(headerName, headerValue);
const errorItem = fc.oneof(
  fc.record(
    {
      code: fc.oneof(fc.integer(), fc.constantFrom(88, 130, 135, 185, 215), fc.string()),
      message: fc.anything(),
    },
    { requiredKeys: [] },
  ),
  fc.record(
    {
      type: fc.oneof(
        fc.string(),
        fc.constantFrom(
          'about:blank',
          'https://api.X.com/2/problems/usage-capped',
          'https://api.x.com/2/problems/client-forbidden',
        ),
      ),
      title: fc.anything(),
      detail: fc.oneof(fc.string(), fc.constant('Usage cap exceeded: Monthly product cap')),
      status: fc.anything(),
    },
    { requiredKeys: [] },
  ),
  fc.anything(),
);
const body = fc.oneof(
  fc.anything(),
  fc.string(),
  fc.json(),
  fc.record(
    { errors: fc.oneof(fc.array(errorItem), fc.anything()), data: fc.anything() },
    { requiredKeys: [] },
  ),
  fc.record({ errors: fc.array(errorItem) }).map((b) => JSON.stringify(b)),
  fc.record({ errors: fc.array(errorItem) }).map((b) => JSON.stringify(b).slice(0, -3)),
);
const status = fc.oneof(
  fc.constantFrom(200, 304, 400, 401, 403, 404, 420, 429, 500, 503),
  fc.integer(),
  fc.double(),
  fc.anything(),
);

describe('properties', () => {
  it('classify never throws and always answers one of the five categories', () => {
    fc.assert(
      fc.property(status, headers, body, fc.anything(), (s, h, b, e) => {
        const result = classify({ status: s as number, headers: h, body: b, error: e }, { now: NOW });
        expect(CATEGORIES).toContain(result.category);
        expect(typeof result.reason).toBe('string');
        if (result.retryAt) {
          expect(Number.isFinite(result.retryAt.getTime())).toBe(true);
          expect(result.retryAt.getTime()).toBeGreaterThanOrEqual(NOW);
        }
        if (result.capped) expect(result.retryAt).toBeUndefined();
      }),
      { numRuns: 2000 },
    );
  });

  it('rate-limit parsing never yields NaN, an invalid date or a negative wait', () => {
    fc.assert(
      fc.property(headers, (h) => {
        const info = parseRateLimit(h, { now: NOW });
        for (const value of [
          info.limit,
          info.remaining,
          info.retryAfterMs,
          info.clockSkewMs,
          info.ietf?.limit,
          info.app24h?.remaining,
        ]) {
          if (value !== undefined) expect(Number.isFinite(value)).toBe(true);
        }
        for (const value of [info.limit, info.remaining, info.retryAfterMs])
          if (value !== undefined) expect(value).toBeGreaterThanOrEqual(0);
        for (const date of [
          info.reset,
          info.app24h?.reset,
          info.user24h?.reset,
          info.ietf?.reset,
          info.serverDate,
        ]) {
          if (date !== undefined) expect(Number.isFinite(date.getTime())).toBe(true);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('never pollutes a prototype', () => {
    fc.assert(
      fc.property(fc.json(), headers, (json, h) => {
        const text = `{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}},"errors":[${json}]}`;
        classify({ status: 400, headers: h, body: text }, { now: NOW });
        expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
        expect(Object.prototype).not.toHaveProperty('polluted');
      }),
      { numRuns: 500 },
    );
  });
});

describe('URL paths (fuzzed)', () => {
  it('reads every path exactly as new URL(url).pathname does, with or without the fast path', () => {
    const base = fc
      .constantFrom(
        'https://api.x.com',
        'http://127.0.0.1:8080',
        'http://localhost:8080/api',
        'http://h/a%41b',
        'http://h/a/.',
        'http://h/a/..',
        'HTTP://API.X.COM/v',
      )
      .map((b) => b.replace(/\/+$/, ''));
    const segment = fc.stringMatching(/^[A-Za-z0-9\-._~!$&'()*+,;=:@%\\ ?#]{0,10}$/);
    fc.assert(
      fc.property(base, fc.array(segment, { maxLength: 5 }), fc.boolean(), (baseUrl, segments, absolute) => {
        const path = segments.map((s) => `/${s}`).join('');
        const url = absolute ? `http://other.example${path}` : baseUrl + path;
        expect(pathReader(baseUrl)(url)).toBe(urlPath(url));
        expect(urlPath(url)).toBe(new URL(url).pathname);
      }),
      { numRuns: 5000 },
    );
  });
});

describe('option validation (fuzzed)', () => {
  const optionValue = fc.oneof(
    fc.anything(),
    fc.integer({ min: -1e9, max: 1e9 }),
    fc.double(),
    fc.constant(Number.NaN),
    fc.constant(Number.POSITIVE_INFINITY),
    fc.record({ limit: fc.anything(), baseDelayMs: fc.anything(), maxWaitMs: fc.anything() }),
    fc.record({ bearer: fc.anything() }),
  );
  // The code's own list of options, so that a new option is fuzzed too; plus two keys that must be refused.
  const option = fc.constantFrom(...CLIENT_KEYS, '__proto__', 'unknownOption');

  it('createClient either accepts the options or throws a TypeError naming one; never anything else', async () => {
    await fc.assert(
      fc.asyncProperty(fc.dictionary(option, optionValue, { maxKeys: 4 }), async (options) => {
        let client: ReturnType<typeof createClient> | undefined;
        try {
          client = createClient(options as never);
        } catch (error) {
          expect(error).toBeInstanceOf(TypeError);
          expect((error as Error).message).toMatch(/`[A-Za-z.[\]0-9]+`/);
        }
        await client?.close();
        expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
      }),
      { numRuns: 1000 },
    );
  });
});
