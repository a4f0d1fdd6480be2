// Bucket keys remembered per route (src/request/plan.ts `Route.bucket`): a call must land in its own window's
// bucket. Token A's window on GET /2/tweets/:id at api.x.com is spent (reset 60 s ahead); each test sends calls
// that belong to other windows and expects them to go out at once, not to wait behind A.
import { HttpResponse, http } from 'msw';
import { describe, expect, it, vi } from 'vitest';
import { rateLimitHeaders, respond } from '../../mocks/index.ts';
import { createClient } from '../../src/index.ts';
import { API, recordRequests, settle, useMockServer, watch } from '../helpers.ts';

const { use, server } = useMockServer();
const spent = () => rateLimitHeaders({ limit: 50, remaining: 0, resetInSeconds: 60 });
const room = () => rateLimitHeaders({ limit: 50, remaining: 40, resetInSeconds: 60 });

describe('bucket keys, remembered per route', () => {
  it('keeps a bucket per method and credential on one path, however the calls alternate', async () => {
    use(
      http.all(`${API}/2/tweets/:id`, ({ request }) => {
        const held = request.method === 'GET' && request.headers.get('authorization') === 'Bearer token-A';
        return respond.json({ data: { id: '20' } }, 200, held ? spent() : room());
      }),
    );
    const seen = recordRequests(server);
    let token = 'token-A';
    const x = createClient({ auth: () => ({ authorization: `Bearer ${token}` }) });
    await settle(x.get('/2/tweets/20'));
    token = 'token-B';
    await settle(x.get('/2/tweets/20'));
    token = 'token-A';
    const held = settle(x.get('/2/tweets/20'), 100);
    await settle(x.post('/2/tweets/20', { json: {} }));
    token = 'token-B';
    await settle(x.get('/2/tweets/20'));
    expect(seen.map((r) => `${r.method} ${r.headers.get('authorization')}`)).toEqual([
      'GET Bearer token-A',
      'GET Bearer token-B',
      'POST Bearer token-A',
      'GET Bearer token-B',
    ]);
    await settle(Promise.resolve(), 62_000);
    expect((await held).value).toMatchObject({ data: { id: '20' } });
    expect(seen).toHaveLength(5);
  });

  it("a foreign-origin absolute URL with the same path does not wait in api.x.com's spent bucket", async () => {
    use(
      http.get(`${API}/2/tweets/:id`, () => respond.json({ data: { id: '20' } }, 200, spent())),
      http.get('https://other.example/2/tweets/:id', () => HttpResponse.json({ data: { id: 'foreign' } })),
    );
    const seen = recordRequests(server);
    const x = createClient({ auth: { bearer: 'token-A' } });
    await settle(x.get('/2/tweets/20'));
    const foreign = watch(x.get('https://other.example/2/tweets/20'));
    await vi.advanceTimersByTimeAsync(100);
    expect(foreign.value).toMatchObject({ data: { id: 'foreign' } });
    expect(seen.map((r) => r.path)).toEqual(['/2/tweets/20', '/2/tweets/20']);
    await x.close();
  });

  it('past the 1,024-route memo, and after resetRateLimits(), a spent bucket still holds its own calls only', async () => {
    use(
      http.get(`${API}/2/tweets/:id`, ({ request }) =>
        request.headers.get('authorization') === 'Bearer token-A'
          ? respond.json({ data: { id: '20' } }, 200, spent())
          : HttpResponse.json({ data: { id: 'B' } }),
      ),
      http.get(`${API}/2/users/:id`, () => HttpResponse.json({ data: {} })),
    );
    let token = 'token-A';
    const x = createClient({ auth: () => ({ authorization: `Bearer ${token}` }) });
    await settle(x.get('/2/tweets/20'));
    for (let i = 0; i < 1100; i++) void x.get(`/2/users/${i}`).catch(() => {});
    await settle(Promise.resolve(), 200);
    const get = async () => {
      const call = watch(x.get('/2/tweets/20'));
      await vi.advanceTimersByTimeAsync(100);
      return call.value;
    };
    token = 'token-B';
    expect(await get()).toMatchObject({ data: { id: 'B' } });
    token = 'token-A';
    expect(await get()).toBeUndefined();
    await x.resetRateLimits();
    expect(await get()).toMatchObject({ data: { id: '20' } });
    await x.close();
  });
});
