import { describe, expect, it } from 'vitest';
import { classify } from '../../src/index.ts';

const NOW = Date.UTC(2026, 10, 21, 12, 0, 0);
const at = (input: Parameters<typeof classify>[0]) => classify(input, { now: NOW });
const v11 = (...codes: number[]) => ({ errors: codes.map((code) => ({ code, message: `message ${code}` })) });
const problem = (type: string, extra: Record<string, unknown> = {}) => ({
  type: `https://api.twitter.com/2/problems/${type}`,
  title: 'Title',
  detail: 'Detail',
  ...extra,
});

describe('a specific code or problem type decides over the bare status', () => {
  it.each([
    [400, 215, 'auth-fatal'],
    [403, 185, 'rate-limited'],
    [503, 130, 'retryable'],
    [500, 131, 'retryable'],
    [403, 89, 'auth-fatal'],
    [401, 135, 'auth-fatal'],
    [403, 187, 'permanent'],
    [429, 88, 'rate-limited'],
  ] as const)('HTTP %i + code %i is %s', (status, code, category) => {
    expect(at({ status, body: v11(code) })).toMatchObject({ category, decidedBy: { kind: 'code', code } });
  });

  it('reads the code from a JSON string body as well as from a parsed one', () => {
    const text = '{"errors":[{"message":"Bad Authentication data.","code":215}]}';
    expect(at({ status: 400, body: text }).category).toBe('auth-fatal');
  });

  it('lets the most hopeless of several codes decide', () => {
    expect(at({ status: 403, body: v11(130, 185, 187) }).decidedBy).toEqual({ kind: 'code', code: 187 });
    expect(at({ status: 403, body: v11(187, 89) }).decidedBy).toEqual({ kind: 'code', code: 89 });
  });

  it('falls back to the status for an unknown code, and records the code', () => {
    const result = at({ status: 503, body: v11(99999) });
    expect(result).toMatchObject({ category: 'retryable', decidedBy: { kind: 'status', status: 503 } });
    expect(result.codes.map((c) => c.code)).toEqual([99999]);
  });
});

describe('statuses', () => {
  it.each([
    [420, 'rate-limited'],
    [429, 'rate-limited'],
    [500, 'retryable'],
    [502, 'retryable'],
    [503, 'retryable'],
    [504, 'retryable'],
    [401, 'auth-fatal'],
    [400, 'permanent'],
    [404, 'permanent'],
    [409, 'permanent'],
    [501, 'permanent'],
    [200, 'ok'],
    [204, 'ok'],
    [304, 'ok'],
    [418, 'permanent'],
    [599, 'retryable'],
    [302, 'permanent'],
  ] as const)('HTTP %i is %s', (status, category) => {
    expect(at({ status }).category).toBe(category);
  });

  it('names the status and its documented text in the reason, and gives the tip', () => {
    const result = at({ status: 503, body: '<html>busy</html>' });
    expect(result.reason).toBe('HTTP 503 Service Unavailable');
    expect(result.tip).toMatch(/X API status page/);
  });
});

describe('v2 problems', () => {
  it('matches problem types on their last path segment, whatever the host', () => {
    for (const host of ['api.twitter.com', 'api.x.com', 'api.X.com']) {
      const body = {
        type: `https://${host}/2/problems/client-forbidden`,
        title: 'Client Forbidden',
        detail: 'd',
      };
      expect(at({ status: 403, body }).category, host).toBe('auth-fatal');
    }
  });

  it.each([
    ['unsupported-authentication', 403, 'auth-fatal'],
    ['resource-not-found', 404, 'permanent'],
    ['not-authorized-for-resource', 403, 'permanent'],
    ['duplicate-rules', 400, 'permanent'],
    ['invalid-request', 400, 'permanent'],
    ['operational-disconnect', 503, 'retryable'],
  ] as const)('%s on HTTP %i is %s', (type, status, category) => {
    expect(at({ status, body: problem(type) }).category).toBe(category);
  });

  it('lets the status decide for about:blank and streaming-connection', () => {
    expect(
      at({ status: 429, body: { type: 'about:blank', title: 'Too Many Requests', detail: 'x' } }).category,
    ).toBe('rate-limited');
    expect(at({ status: 409, body: problem('streaming-connection') }).category).toBe('permanent');
    expect(at({ status: 429, body: problem('streaming-connection') }).category).toBe('rate-limited');
  });

  it('reads v2 {errors:[…problems]} on a non-2xx', () => {
    const body = {
      errors: [{ message: 'x', parameters: {} }, problem('invalid-request')],
      title: 'Invalid Request',
    };
    const result = at({ status: 400, body });
    expect(result.category).toBe('permanent');
    expect(result.problems.map((p) => p.type)).toContain('invalid-request');
  });
});

describe('usage caps', () => {
  const reset = String(NOW / 1000 + 600);
  const headers = {
    'x-rate-limit-limit': '300',
    'x-rate-limit-remaining': '297',
    'x-rate-limit-reset': reset,
  };

  it('a usage-capped problem is rate-limited, capped, and has no retryAt although x-rate-limit-remaining is high', () => {
    const body = problem('usage-capped', {
      title: 'UsageCapExceeded',
      detail: 'Usage cap exceeded: Monthly product cap',
      period: 'Monthly',
    });
    const result = at({ status: 429, headers, body });
    expect(result).toMatchObject({ category: 'rate-limited', capped: true });
    expect(result.retryAt).toBeUndefined();
    expect(result.reason).toMatch(/usage cap/);
    expect(result.rateLimit.remaining).toBe(297);
  });

  it('a 429 whose body says the monthly cap is exceeded is capped too', () => {
    const body = {
      title: 'Too Many Requests',
      detail: 'Usage cap exceeded: Monthly product cap',
      type: 'about:blank',
    };
    expect(at({ status: 429, headers, body })).toMatchObject({ category: 'rate-limited', capped: true });
  });

  it('an ordinary 429 is not capped and waits for the reset', () => {
    const result = at({ status: 429, headers: { ...headers, 'x-rate-limit-remaining': '0' }, body: v11(88) });
    expect(result.capped).toBe(false);
    expect(result.retryAt).toEqual(new Date(NOW + 600_000));
  });
});

describe('2xx and partial errors', () => {
  it('a 200 with data and errors is ok, and each error is classified on its own', () => {
    const body = {
      data: [{ id: '20', text: 'hi' }],
      errors: [
        {
          value: '21',
          detail: 'Could not find tweet with ids: [21].',
          title: 'Not Found Error',
          resource_type: 'tweet',
          parameter: 'ids',
          resource_id: '21',
          type: 'https://api.twitter.com/2/problems/resource-not-found',
        },
        {
          value: '22',
          title: 'Authorization Error',
          type: 'https://api.twitter.com/2/problems/not-authorized-for-resource',
          detail: 'x',
        },
        { code: 88, message: 'Rate limit exceeded' },
      ],
    };
    const result = at({ status: 200, body });
    expect(result.category).toBe('ok');
    expect(result.reason).toBe('HTTP 200 OK with 3 partial errors');
    expect(result.errors.map((e) => e.category)).toEqual(['permanent', 'permanent', 'rate-limited']);
    expect(result.problems[0]).toMatchObject({
      type: 'resource-not-found',
      title: 'Not Found Error',
      raw: { resource_id: '21' },
    });
  });

  it('a 200 with only errors is ok as well', () => {
    const result = at({ status: 200, body: { errors: [problem('resource-not-found')] } });
    expect(result).toMatchObject({ category: 'ok', errors: [{ category: 'permanent' }] });
  });

  it('a 200 whose JSON is truncated is retryable and not marked unprocessed', () => {
    const result = at({
      status: 200,
      headers: { 'content-type': 'application/json' },
      body: '{"data":[{"id":',
    });
    expect(result).toMatchObject({ category: 'retryable', decidedBy: { kind: 'body' }, unprocessed: false });
  });

  it('reads an error body around whitespace, a byte-order mark or a Unicode space, with or without a JSON type', () => {
    for (const body of [
      '  \n{"errors":[{"code":88,"message":"Rate limit exceeded"}]}\r\n',
      '\uFEFF{"errors":[{"code":88,"message":"Rate limit exceeded"}]}',
      '\u00A0{"errors":[{"code":88,"message":"Rate limit exceeded"}]}\u2003',
    ]) {
      for (const headers of [{ 'content-type': 'application/json' }, {}]) {
        expect(at({ status: 429, headers, body })).toMatchObject({ decidedBy: { kind: 'code', code: 88 } });
      }
    }
    expect(
      at({ status: 200, headers: { 'content-type': 'application/json' }, body: ' \t\n ' }).category,
    ).toBe('ok');
  });

  it('a 200 with an HTML or empty body is ok', () => {
    expect(at({ status: 200, headers: { 'content-type': 'text/html' }, body: '<p>hi</p>' }).category).toBe(
      'ok',
    );
    expect(at({ status: 204, body: '' }).category).toBe('ok');
  });
});

describe('network failures', () => {
  const fetchFailed = (code: string) =>
    Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error(code), { code }) });

  it.each(['ECONNRESET', 'ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_SOCKET', 'EPIPE'])(
    '%s is retryable',
    (code) => {
      expect(at({ error: fetchFailed(code) })).toMatchObject({
        category: 'retryable',
        decidedBy: { kind: 'network', code },
      });
    },
  );

  it('marks a refused connection or DNS failure unprocessed, a reset not', () => {
    expect(at({ error: fetchFailed('ECONNREFUSED') }).unprocessed).toBe(true);
    expect(at({ error: fetchFailed('ENOTFOUND') }).unprocessed).toBe(true);
    expect(at({ error: fetchFailed('ECONNRESET') }).unprocessed).toBe(false);
  });

  it('finds the code inside an AggregateError (both addresses refused)', () => {
    const refused = Object.assign(new Error('refused'), { code: 'ECONNREFUSED' });
    const error = Object.assign(new TypeError('fetch failed'), {
      cause: new AggregateError([refused, refused]),
    });
    expect(at({ error })).toMatchObject({ category: 'retryable', unprocessed: true });
  });

  it('socket hang-up, msw network errors and a per-attempt timeout are retryable', () => {
    expect(at({ error: new Error('socket hang up') }).category).toBe('retryable');
    expect(at({ error: new TypeError('Failed to fetch') }).category).toBe('retryable');
    const timeout = Object.assign(new Error('Request timed out'), { name: 'TimeoutError' });
    expect(at({ error: timeout })).toMatchObject({ category: 'retryable', decidedBy: { kind: 'timeout' } });
  });

  it('a programming error is permanent: bugs are never retried', () => {
    const result = at({ error: new TypeError("Cannot read properties of undefined (reading 'x')") });
    expect(result).toMatchObject({ category: 'permanent', decidedBy: { kind: 'exception' } });
  });

  it('an abort is permanent and says so', () => {
    expect(at({ error: new DOMException('aborted', 'AbortError') })).toMatchObject({
      category: 'permanent',
      decidedBy: { kind: 'abort' },
    });
  });
});

describe('method safety marks', () => {
  it.each([
    [{ status: 429, body: v11(88) }, true],
    [{ status: 420 }, true],
    [{ status: 503, body: v11(130) }, true],
    [{ status: 503 }, false],
    [{ status: 500, body: v11(131) }, false],
    [{ status: 502 }, false],
    [{ status: 401 }, true],
  ] as const)('%j unprocessed: %s', (input, unprocessed) => {
    expect(at(input).unprocessed).toBe(unprocessed);
  });
});

describe('timing', () => {
  it('gives retryAt from Retry-After on a 503', () => {
    expect(at({ status: 503, headers: { 'retry-after': '7' } }).retryAt).toEqual(new Date(NOW + 7000));
  });

  it('gives no retryAt for a bare 429 without timing headers', () => {
    expect(at({ status: 429 }).retryAt).toBeUndefined();
  });

  it('gives no retryAt to permanent and auth-fatal failures', () => {
    expect(at({ status: 404, headers: { 'retry-after': '7' } }).retryAt).toBeUndefined();
  });

  it('flags code 135 as clock skew with the server Date', () => {
    const serverDate = new Date(NOW + 600_000);
    const result = at({ status: 401, headers: { date: serverDate.toUTCString() }, body: v11(135) });
    expect(result.category).toBe('auth-fatal');
    expect(result.clockSkew).toEqual({ serverDate, offsetMs: 600_000 });
    expect(result.tip).toMatch(/clock/);
  });
});

describe('garbage in', () => {
  it.each([
    ['HTML from a proxy', { status: 502, body: '<html><body>502 Bad Gateway</body></html>' }, 'retryable'],
    ['empty', { status: 429, body: '' }, 'rate-limited'],
    ['truncated JSON', { status: 400, body: '{"errors":[{"code":21' }, 'permanent'],
    ['errors not an array', { status: 403, body: { errors: 'nope' } }, 'permanent'],
    ['code of the wrong type', { status: 403, body: { errors: [{ code: { x: 1 } }, null, 7] } }, 'permanent'],
    ['code as numeric string', { status: 400, body: { errors: [{ code: '215' }] } }, 'auth-fatal'],
    ['an array body', { status: 500, body: [1, 2, 3] }, 'retryable'],
    ['a number body', { status: 404, body: 42 }, 'permanent'],
    ['a huge body', { status: 503, body: `{"x":"${'a'.repeat(3 * 1024 * 1024)}"}` }, 'retryable'],
    [
      '__proto__ keys',
      { status: 400, body: '{"__proto__":{"polluted":1},"errors":[{"code":"__proto__"}]}' },
      'permanent',
    ],
  ] as const)('%s', (_, input, category) => {
    expect(at(input).category).toBe(category);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('handles no input, invalid statuses and a throwing getter without throwing', () => {
    expect(at({}).category).toBe('permanent');
    expect(at({ status: Number.NaN }).category).toBe('permanent');
    expect(at(undefined as never).category).toBe('permanent');
    const hostile = {
      get status(): number {
        throw new Error('boom');
      },
    };
    expect(at(hostile).category).toBe('permanent');
  });
});

describe('reasons', () => {
  it('a status the catalogue does not know is named once: "HTTP 201", not "HTTP 201 HTTP 201"', () => {
    expect(classify({ status: 201, body: '' }).reason).toBe('HTTP 201');
    expect(classify({ status: 418, body: '' }).reason).toBe('HTTP 418');
    expect(classify({ status: 503, body: '' }).reason).toBe('HTTP 503 Service Unavailable');
  });
});
