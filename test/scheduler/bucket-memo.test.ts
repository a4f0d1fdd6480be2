// Bucket keys with the per-route memo (bcc832c): a call must land in its own window's bucket. Token A's window on
// GET /2/tweets/:id at api.x.com is spent; each test sends a call that belongs to another window and expects it
// to go out at once, not to wait 60 s behind A.
import { HttpResponse, http } from 'msw';
import { describe, expect, it, vi } from 'vitest';
import { respond } from '../../mocks/index.ts';
import { createClient } from '../../src/index.ts';
import { API, recordRequests, settle, T0, useMockServer } from '../helpers.ts';

/** Advances fake time by `ms` and tells whether the call settled by then (a held call does not hang the test). */
async function peek<T>(
  promise: Promise<T>,
  ms = 100,
): Promise<{ value?: T; error?: unknown; settled: boolean }> {
  const state: { value?: T; error?: unknown; settled: boolean } = { settled: false };
  promise.then(
    (value) => Object.assign(state, { value, settled: true }),
    (error: unknown) => Object.assign(state, { error, settled: true }),
  );
  await vi.advanceTimersByTimeAsync(ms);
  return state;
}

const { use, server } = useMockServer();
const reset = () => String(Math.ceil(T0 / 1000) + 60);
const spentHeaders = () => ({
  'x-rate-limit-limit': '50',
  'x-rate-limit-remaining': '0',
  'x-rate-limit-reset': reset(),
});

describe('bucket keys, remembered per route', () => {
  it("a foreign-origin absolute URL with the same path does not wait in api.x.com's spent bucket", async () => {
    use(
      http.get(`${API}/2/tweets/:id`, () => respond.json({ data: { id: '20' } }, 200, spentHeaders())),
      http.get('https://other.example/2/tweets/:id', () => HttpResponse.json({ data: { id: 'foreign' } })),
    );
    const seen = recordRequests(server);
    const x = createClient({ auth: { bearer: 'token-A' } });
    await settle(x.get('/2/tweets/20'));
    const foreign = peek(x.get('https://other.example/2/tweets/20'), 100);
    expect((await foreign).value).toMatchObject({ data: { id: 'foreign' } });
    expect(seen.map((r) => r.path)).toEqual(['/2/tweets/20', '/2/tweets/20']);
    await peek(x.close(), 20);
  });

  it('past the 1,024-route memo, and after resetRateLimits(), a spent bucket still holds its own calls only', async () => {
    use(
      http.get(`${API}/2/tweets/:id`, ({ request }) =>
        request.headers.get('authorization') === 'Bearer token-A'
          ? respond.json({ data: { id: '20' } }, 200, spentHeaders())
          : HttpResponse.json({ data: { id: 'B' } }),
      ),
      http.get(`${API}/2/users/:id`, () => HttpResponse.json({ data: {} })),
    );
    let token = 'token-A';
    const x = createClient({ auth: () => ({ authorization: `Bearer ${token}` }) });
    await settle(x.get('/2/tweets/20'));
    for (let i = 0; i < 1100; i++) void x.get(`/2/users/${i}`).catch(() => {});
    await settle(Promise.resolve(), 200);
    token = 'token-B';
    expect((await peek(x.get('/2/tweets/20'))).value).toMatchObject({ data: { id: 'B' } });
    token = 'token-A';
    expect((await peek(x.get('/2/tweets/20'))).value).toBeUndefined();
    await x.resetRateLimits();
    expect((await peek(x.get('/2/tweets/20'))).value).toMatchObject({ data: { id: '20' } });
    await peek(x.close(), 20);
  });
});
