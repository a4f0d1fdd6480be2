import { describe, expect, it } from 'vitest';
import { bareClassification } from '../../src/classify/classify.ts';
import {
  createClient,
  DEFAULTS,
  isCalmError,
  isRateLimitError,
  PermanentError,
  xCatalogue,
} from '../../src/index.ts';
import { settle, useMockServer } from '../helpers.ts';

useMockServer();

describe('options are validated up front with a TypeError naming the option', () => {
  it.each([
    [{ retry: { limit: -1 } }, '`retry.limit` must be an integer ≥ 0'],
    [{ retry: { limit: 1.5 } }, '`retry.limit` must be an integer'],
    [{ retry: { maxWaitMs: -5 } }, '`retry.maxWaitMs` must be a number ≥ 0'],
    [{ retry: { baseDelayMs: Number.NaN } }, '`retry.baseDelayMs` must be a number'],
    [{ retry: { maxDelayMs: 2 ** 40 } }, '`retry.maxDelayMs` must be a number ≥ 0 and ≤ 2147483647'],
    [{ retry: { limt: 3 } }, '`retry` has an unknown option `limt`'],
    [{ retry: 3 }, '`retry` must be an object'],
    [{ timeoutMs: 0 }, '`timeoutMs` must be a number ≥ 1'],
    [{ deadlineMs: -1 }, '`deadlineMs` must be a number ≥ 1'],
    [{ auth: { token: 'x' } }, '`auth` must be { bearer }, { oauth1 } or a function'],
    [{ auth: { bearer: '' } }, '`auth.bearer` must be a non-empty string or a function'],
    [{ auth: 'Bearer x' }, '`auth` must be { bearer }, { oauth1 } or a function'],
    [{ rateLimit: { redis: { client: {} } } }, '`rateLimit.redis.client` must be an ioredis client'],
    // node-redis: a client, but it spells the script call evalSha (calmfetch sends EVALSHA through ioredis).
    [
      { rateLimit: { redis: { client: { evalSha() {}, on() {}, removeListener() {}, duplicate() {} } } } },
      '`rateLimit.redis.client` must be an ioredis client',
    ],
    [{ baseUrl: 'api.x.com' }, '`baseUrl` must be an absolute http(s) URL'],
    [{ baseUrl: 'ftp://x' }, '`baseUrl` must be an absolute http(s) URL'],
    [{ baseUrl: 'https://user:pass@api.x.com' }, '`baseUrl` must not carry credentials'],
    [{ hooks: { onEvent: 'log' } }, '`hooks.onEvent` must be a function'],
    [{ hooks: { beforeRequest: () => {} } }, '`hooks.beforeRequest` must be an array of functions'],
    [{ hooks: { onevent: () => {} } }, '`hooks` has an unknown option `onevent`'],
    [{ retryBudget: { capacity: -1 } }, '`retryBudget.capacity` must be a number ≥ 0'],
    [{ retryBudget: true }, '`retryBudget` must be an object'],
    [{ catalogue: {} }, '`catalogue` must be a catalogue'],
    [{ fetch: 'fetch' }, '`fetch` must be a function'],
    [{ timeout: 5 }, '`options` has an unknown option `timeout`'],
  ])('%j', (options, message) => {
    expect(() => createClient(options as never)).toThrow(TypeError);
    expect(() => createClient(options as never)).toThrow(message);
  });

  it('never puts a secret into an option error', () => {
    expect(() => createClient({ auth: { bearer: 123 } } as never)).toThrow('got 123');
    expect(() => createClient({ auth: 'secret-token-value' } as never)).toThrow('got a string');
  });

  it.each([
    [{ timeoutMs: -1 }, '`timeoutMs` must be a number ≥ 1'],
    [{ json: {}, body: 'x' }, '`json` and `body` cannot both be set'],
    [{ idempotent: 'yes' }, '`idempotent` must be a boolean'],
    [{ signal: {} }, '`signal` must be an AbortSignal'],
    [{ retry: { limit: -2 } }, '`retry.limit` must be an integer ≥ 0'],
    [{ query: {} }, '`request options` has an unknown option `query`'],
  ])('request options %j reject with a TypeError', async (options, message) => {
    const { error } = await settle(createClient().get('/2/x', options as never));
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toContain(message);
  });

  it('rejects a bad method or path', async () => {
    await expect(createClient().request('GE T', '/x')).rejects.toThrow(
      '`method` must be an HTTP method name',
    );
    await expect(createClient().get(42 as never)).rejects.toThrow('`path` must be a string');
  });

  it('accepts the documented contract as is', () => {
    expect(() =>
      createClient({
        baseUrl: 'https://api.x.com',
        auth: { bearer: 'token-value' },
        retry: { limit: 3, baseDelayMs: 1000, maxDelayMs: 60_000, maxWaitMs: 15 * 60_000 },
        timeoutMs: 10_000,
        hooks: {},
        catalogue: xCatalogue,
        retryBudget: false,
      }),
    ).not.toThrow();
  });

  it('has one frozen defaults object', () => {
    expect(Object.isFrozen(DEFAULTS) && Object.isFrozen(DEFAULTS.retry)).toBe(true);
    expect(DEFAULTS.retry).toEqual({
      limit: 3,
      baseDelayMs: 1000,
      maxDelayMs: 60_000,
      maxWaitMs: 900_000,
      rateLimitBaseDelayMs: 60_000,
      secondaryBaseDelayMs: 1000,
      rateLimitWaits: 3,
      jitterMs: 500,
    });
  });
});

describe('error guards work without instanceof', () => {
  it('recognise a branded error from another copy, and nothing else', () => {
    const foreign = Object.assign(Object.create(null), {
      [Symbol.for('calmfetch.CalmError')]: true,
      category: 'rate-limited',
    });
    expect(isCalmError(foreign)).toBe(true);
    expect(isRateLimitError(foreign)).toBe(true);
    expect(isCalmError(new Error('x'))).toBe(false);
    expect(isCalmError(null)).toBe(false);
    expect(isCalmError({ category: 'rate-limited' })).toBe(false);
    expect(
      new PermanentError('m', {
        classification: bareClassification('permanent', 'r'),
        request: { method: 'GET', url: 'u' },
        attempts: 1,
      }).name,
    ).toBe('PermanentError');
  });
});
