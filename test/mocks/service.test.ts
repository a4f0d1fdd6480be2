// calmfetch/mocks used the way a user would: a small service of theirs, tested with msw and fake timers against
// every X failure the kit makes.
import { http } from 'msw';
import { describe, expect, it } from 'vitest';
import {
  authError,
  createMockXApi,
  enhanceYourCalm,
  internalError,
  networkError,
  overCapacity,
  partialResults,
  proxyBadGateway,
  rateLimited,
  rateLimitHeaders,
  respond,
  sequence,
  usageCap,
  v1Error,
  xProblem,
} from '../../mocks/index.ts';
import {
  type CalmClient,
  createClient,
  isAuthError,
  isPermanentError,
  isRateLimitError,
  isRetryableError,
} from '../../src/index.ts';
import { API, eventLog, recordRequests, run, settle, T0, TOKEN, useMockServer } from '../helpers.ts';

// ---- the user's service -------------------------------------------------------------------------------------
interface Post {
  id: string;
  text: string;
}
function postsService(x: CalmClient) {
  return {
    async lookup(ids: string[]) {
      const result = await x.get<Post[] | undefined>('/2/tweets', { searchParams: { ids: ids.join(',') } });
      return {
        posts: result.data ?? [],
        missing: result.errors.flatMap((e) => (e.kind === 'problem' && e.resourceId ? [e.resourceId] : [])),
        attempts: result.attempts,
      };
    },
    async publish(text: string) {
      const result = await x.post<Post>('/2/tweets', { json: { text } });
      return result.data;
    },
  };
}
// --------------------------------------------------------------------------------------------------------------

const { server, use } = useMockServer();
const posts = () => respond.json({ data: [{ id: '1', text: 'hello' }] }, 200);
const created = () => respond.json({ data: { id: '7', text: 'hi' } }, 201);
const client = (log = eventLog()) =>
  createClient({ auth: { bearer: TOKEN }, random: () => 0.5, hooks: { onEvent: log.onEvent } });

describe('a service tested with calmfetch/mocks', () => {
  it('partialResults: found posts as data, the missing ids as classified partial errors', async () => {
    use(partialResults('get', `${API}/2/tweets`, { found: [{ id: '1', text: 'hello' }], missing: ['404'] }));
    const result = await run(postsService(client()).lookup(['1', '404']));
    expect(result).toEqual({ posts: [{ id: '1', text: 'hello' }], missing: ['404'], attempts: 1 });
  });

  it('rateLimited (v1.1, code 88): the service waits for the reset the headers name, then succeeds', async () => {
    const seen = recordRequests(server);
    use(
      sequence('get', `${API}/2/tweets`, [
        () => respond.json(v1Error(88), 429, rateLimitHeaders({ remaining: 0, resetInSeconds: 30 })),
        posts,
      ]),
    );
    const log = eventLog();
    const result = await run(postsService(client(log)).lookup(['1']), 32_000);
    expect(result.posts).toHaveLength(1);
    expect(seen).toHaveLength(2);
    // X's reset is T0 + 30 s; calmfetch adds its margin (up to 500 ms, 250 for random 0.5).
    expect(seen[1]!.at).toBeGreaterThanOrEqual(T0 + 30_000);
    expect(log.events.find((e) => e.type === 'wait')).toMatchObject({ source: 'server' });
  });

  it('rateLimited (v2 problem) and enhanceYourCalm are rate limits too', async () => {
    // server.use() puts later handlers first: the one-shot failures go in the same call, before the fallbacks.
    use(
      rateLimited('get', `${API}/2/tweets`, { version: 'v2', resetInSeconds: 5, once: true }),
      enhanceYourCalm('get', `${API}/2/users/me`, { once: true }),
      http.get(`${API}/2/users/me`, () => respond.json({ data: { id: '2' } }, 200)),
      http.get(`${API}/2/tweets`, posts),
    );
    const log = eventLog();
    const x = client(log);
    await run(postsService(x).lookup(['1']), 8_000);
    await run(x.get('/2/users/me'), 130_000);
    expect(log.events.filter((e) => e.type === 'wait')).toHaveLength(2);
  });

  it('overCapacity once: retried after a backoff; internalError on a write: sent once, not twice', async () => {
    const seen = recordRequests(server);
    use(overCapacity('get', `${API}/2/tweets`, { once: true }), http.get(`${API}/2/tweets`, posts));
    use(internalError('post', `${API}/2/tweets`, { once: true }), http.post(`${API}/2/tweets`, created));
    const log = eventLog();
    const service = postsService(client(log));
    expect((await run(service.lookup(['1']), 1_000)).attempts).toBe(2);
    expect(log.delays('retry')).toEqual([500]);
    const { error } = await settle(service.publish('hi'), 10_000);
    expect(isRetryableError(error)).toBe(true);
    expect(seen.filter((r) => r.method === 'POST')).toHaveLength(1);
  });

  // The statuses X's error table gives for each code (89: "Corresponds with HTTP 403").
  it.each([
    [89, 403],
    [32, 401],
    [135, 401],
    [215, 400],
  ])('authError(code %i) answers %i and the service fails fast with an AuthError', async (code, status) => {
    const seen = recordRequests(server);
    use(authError('get', `${API}/2/tweets`, code));
    const { error } = await settle(postsService(client()).lookup(['1']));
    expect(isAuthError(error)).toBe(true);
    expect(error).toMatchObject({ status, category: 'auth-fatal' });
    expect(seen).toHaveLength(1);
  });

  it('usageCap is a rate limit that is not waited for; xProblem sends any problem type with its status', async () => {
    use(usageCap('get', `${API}/2/tweets`));
    use(xProblem('post', `${API}/2/tweets`, 'duplicate-rules'));
    const service = postsService(client());
    const capped = await settle(service.lookup(['1']));
    expect(isRateLimitError(capped.error)).toBe(true);
    expect(capped.error).toMatchObject({ status: 429 });
    const duplicate = await settle(service.publish('hi'));
    expect(isPermanentError(duplicate.error)).toBe(true);
    expect(duplicate.error).toMatchObject({ status: 400, category: 'permanent' });
  });

  it('proxyBadGateway and networkError: retried on reads; a write that may have landed is not resent', async () => {
    const seen = recordRequests(server);
    use(
      proxyBadGateway('get', `${API}/2/tweets`, { once: true }),
      networkError('get', `${API}/2/tweets`, { once: true }),
      http.get(`${API}/2/tweets`, posts),
      networkError('post', `${API}/2/tweets`),
    );
    const service = postsService(client());
    expect((await run(service.lookup(['1']), 5_000)).attempts).toBe(3);
    const { error } = await settle(service.publish('hi'), 10_000);
    expect(isRetryableError(error)).toBe(true);
    expect(seen.filter((r) => r.method === 'POST')).toHaveLength(1);
  });

  it('createMockXApi: a stateful window; the client queues the 4th call until the reset instead of drawing a 429', async () => {
    const api = createMockXApi({
      endpoints: [{ method: 'GET', path: '/2/tweets', limit: 3, windowMs: 60_000 }],
      posts: { '1': 'hello' },
      alignWindows: true,
    });
    use(...api.handlers);
    const service = postsService(client());
    const results = await run(Promise.all([1, 2, 3, 4].map(() => service.lookup(['1', '9']))), 62_000);
    expect(results.map((r) => r.missing)).toEqual([['9'], ['9'], ['9'], ['9']]);
    expect(api.stats.byStatus).toEqual({ 200: 4 });
    expect(api.stats.windows.map((w) => w.served)).toEqual([3, 1]);
  });
});
