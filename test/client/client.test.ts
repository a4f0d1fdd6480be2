import { HttpResponse, http } from 'msw';
import { describe, expect, it, vi } from 'vitest';
import { notFound, rateLimitHeaders, respond } from '../../mocks/index.ts';
import { createClient } from '../../src/index.ts';
import { API, eventLog, recordRequests, run, settle, TOKEN, useMockServer } from '../helpers.ts';

const { server, use } = useMockServer();

describe('requests', () => {
  it('joins "/2/tweets", "2/tweets" and "///2/tweets" to the base URL, sends searchParams and the bearer token', async () => {
    const seen = recordRequests(server);
    use(http.get(`${API}/2/tweets`, () => HttpResponse.json({ data: [] })));
    const x = createClient({ auth: { bearer: TOKEN } });
    await run(x.get('/2/tweets', { searchParams: { ids: '20,21' } }));
    await run(x.get('2/tweets'));
    await run(x.get('///2/tweets'));
    expect(seen.map((r) => r.path)).toEqual(['/2/tweets?ids=20%2C21', '/2/tweets', '/2/tweets']);
    expect(seen[0]!.headers.get('authorization')).toBe(`Bearer ${TOKEN}`);
  });

  it('keeps a base URL path and sends JSON bodies', async () => {
    let body: unknown;
    use(
      http.post('http://localhost:8080/api/2/tweets', async ({ request }) => {
        body = await request.json();
        return HttpResponse.json({ data: { id: '1', text: 'hello' } }, { status: 201 });
      }),
    );
    const x = createClient({ baseUrl: 'http://localhost:8080/api/' });
    const result = await run(x.post('/2/tweets', { json: { text: 'hello' } }));
    expect(body).toEqual({ text: 'hello' });
    expect(result).toMatchObject({ status: 201, data: { id: '1', text: 'hello' }, attempts: 1 });
  });

  it('takes per-user credentials from an auth function, and a bearer from a function', async () => {
    const seen = recordRequests(server);
    use(http.get(`${API}/2/users/me`, () => HttpResponse.json({ data: { id: '1' } })));
    const perUser = createClient({
      auth: ({ method }) => ({ authorization: `Bearer user-token-for-${method}` }),
    });
    await run(perUser.get('/2/users/me'));
    const rotating = createClient({ auth: { bearer: async () => 'rotated-token-1' } });
    await run(rotating.get('/2/users/me'));
    expect(seen.map((r) => r.headers.get('authorization'))).toEqual([
      'Bearer user-token-for-GET',
      'Bearer rotated-token-1',
    ]);
  });

  it('sends client and per-call headers; the bearer token wins over an authorization header in either', async () => {
    const seen = recordRequests(server);
    use(http.get(`${API}/2/users/me`, () => HttpResponse.json({ data: { id: '1' } })));
    const x = createClient({
      auth: { bearer: TOKEN },
      headers: { 'x-client': 'a', authorization: 'Bearer client-header-token' },
    });
    await run(x.get('/2/users/me'));
    await run(
      x.get('/2/users/me', { headers: { 'x-call': 'b', authorization: 'Bearer call-header-token' } }),
    );
    expect(seen.map((r) => r.headers.get('authorization'))).toEqual([`Bearer ${TOKEN}`, `Bearer ${TOKEN}`]);
    expect(seen.map((r) => [r.headers.get('x-client'), r.headers.get('x-call')])).toEqual([
      ['a', null],
      ['a', 'b'],
    ]);
  });

  it('puts calls with and without their own headers in one rate-limit bucket (same token, same endpoint)', async () => {
    const seen = recordRequests(server);
    use(
      http.get(`${API}/2/users/me`, () =>
        respond.json(
          { data: { id: '1' } },
          200,
          rateLimitHeaders({ resetInSeconds: 600, remaining: 0, limit: 1 }),
        ),
      ),
    );
    const x = createClient({ auth: { bearer: TOKEN }, retry: { maxWaitMs: 60_000 } });
    await run(x.get('/2/users/me'));
    const { error } = await settle(x.get('/2/users/me', { headers: { 'x-call': 'b' } }));
    expect(error).toMatchObject({ name: 'RateLimitError', giveUp: 'the request was never sent' });
    expect(seen).toHaveLength(1);
  });

  it('supports put, patch, delete and request(method)', async () => {
    const seen = recordRequests(server);
    use(http.all(`${API}/2/x`, () => HttpResponse.json({ data: true })));
    const x = createClient();
    await run(x.put('/2/x'));
    await run(x.patch('/2/x'));
    await run(x.delete('/2/x'));
    await run(x.request('head', '/2/x'));
    expect(seen.map((r) => r.method)).toEqual(['PUT', 'PATCH', 'DELETE', 'HEAD']);
  });
});

describe('results', () => {
  it('unwraps an X v2 envelope: data, includes, meta, and the rate-limit state', async () => {
    const reset = Math.floor(Date.now() / 1000) + 900;
    use(
      http.get(`${API}/2/tweets`, () =>
        HttpResponse.json(
          { data: [{ id: '20' }], includes: { users: [{ id: '1' }] }, meta: { result_count: 1 } },
          {
            headers: {
              'x-rate-limit-limit': '900',
              'x-rate-limit-remaining': '899',
              'x-rate-limit-reset': String(reset),
            },
          },
        ),
      ),
    );
    const result = await run(createClient().get<{ id: string }[]>('/2/tweets'));
    expect(result.data).toEqual([{ id: '20' }]);
    expect(result.includes).toEqual({ users: [{ id: '1' }] });
    expect(result.meta).toEqual({ result_count: 1 });
    expect(result.errors).toEqual([]);
    expect(result.rateLimit).toEqual({ limit: 900, remaining: 899, reset: new Date(reset * 1000) });
    expect(result.headers.get('x-rate-limit-limit')).toBe('900');
  });

  it('returns the whole body when it is not an envelope (v1.1), and text when it is not JSON', async () => {
    use(
      http.get(`${API}/1.1/account/settings.json`, () => HttpResponse.json({ screen_name: 'x' })),
      http.get(`${API}/robots.txt`, () => HttpResponse.text('User-agent: *')),
    );
    const x = createClient();
    expect((await run(x.get('/1.1/account/settings.json'))).data).toEqual({ screen_name: 'x' });
    expect((await run(x.get('/robots.txt'))).data).toBe('User-agent: *');
  });

  it('resolves a 200 with data and errors, each error classified, and shows them to onPartialErrors', async () => {
    use(
      http.get(`${API}/2/tweets`, () =>
        HttpResponse.json({ data: [{ id: '20' }], errors: [notFound('21')] }),
      ),
    );
    const seen: unknown[] = [];
    const log = eventLog();
    const x = createClient({
      hooks: { onPartialErrors: (errors) => void seen.push(errors), onEvent: log.onEvent },
    });
    const result = await run(x.get('/2/tweets', { searchParams: { ids: '20,21' } }));
    expect(result.data).toEqual([{ id: '20' }]);
    expect(result.errors).toMatchObject([
      { kind: 'problem', type: 'resource-not-found', category: 'permanent', raw: { resource_id: '21' } },
    ]);
    await vi.advanceTimersByTimeAsync(0);
    expect(seen).toEqual([result.errors]);
    expect(log.types()).toContain('partial-errors');
  });

  it('resolves a 200 with errors and no data, with no data', async () => {
    use(http.get(`${API}/2/tweets`, () => HttpResponse.json({ errors: [notFound('21')] })));
    const result = await run(createClient().get('/2/tweets'));
    expect(result.data).toBeUndefined();
    expect(result.errors).toHaveLength(1);
  });

  it('keeps the result when onPartialErrors throws, and reports it as a hook-error event', async () => {
    use(http.get(`${API}/2/tweets`, () => HttpResponse.json({ data: [], errors: [notFound('21')] })));
    const log = eventLog();
    const x = createClient({
      hooks: {
        onPartialErrors: () => {
          throw new Error('observer bug');
        },
        onEvent: log.onEvent,
      },
    });
    await expect(run(x.get('/2/tweets'))).resolves.toMatchObject({ status: 200 });
    await vi.advanceTimersByTimeAsync(0);
    expect(log.events.find((e) => e.type === 'hook-error')).toMatchObject({
      hook: 'onPartialErrors',
      error: 'Error: observer bug',
    });
  });
});

describe('hooks handed to ky', () => {
  it('runs beforeRequest and afterResponse on every attempt', async () => {
    const seen = recordRequests(server);
    use(http.get(`${API}/2/x`, () => respond.json({ data: 1 }, 200)));
    const statuses: number[] = [];
    const x = createClient({
      hooks: {
        beforeRequest: [({ request }) => void request.headers.set('x-trace', 'abc')],
        afterResponse: [({ response }) => void statuses.push(response.status)],
      },
    });
    await run(x.get('/2/x'));
    expect(seen[0]!.headers.get('x-trace')).toBe('abc');
    expect(statuses).toEqual([200]);
  });
});

describe('events', () => {
  it('reports attempt, response, retry for a blip, then success', async () => {
    let n = 0;
    use(
      http.get(`${API}/2/x`, () =>
        n++ === 0
          ? respond.json({ errors: [{ code: 130, message: 'Over capacity' }] }, 503)
          : respond.json({ data: 1 }, 200),
      ),
    );
    const log = eventLog();
    const x = createClient({ random: () => 0, hooks: { onEvent: log.onEvent } });
    await settle(x.get('/2/x'), 10);
    expect(log.types()).toEqual(['attempt', 'response', 'retry', 'attempt', 'response']);
    expect(log.events[2]).toMatchObject({
      type: 'retry',
      attempt: 1,
      category: 'retryable',
      delayMs: 0,
      source: 'backoff',
      method: 'GET',
      url: `${API}/2/x`,
    });
  });

  it('a throwing onEvent never breaks a call', async () => {
    use(http.get(`${API}/2/x`, () => respond.json({ data: 1 }, 200)));
    const x = createClient({
      hooks: {
        onEvent: () => {
          throw new Error('telemetry down');
        },
      },
    });
    await expect(run(x.get('/2/x'))).resolves.toMatchObject({ data: 1 });
  });
});
