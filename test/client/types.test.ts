// Issue 14, item 7: the types a user reaches for are exported, and the request types say what the runtime does.
// The `@ts-expect-error` lines are checked by `npm run typecheck`: each fails the typecheck if the line compiles.
import { http } from 'msw';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { respond } from '../../mocks/index.ts';
import {
  type BucketRequest,
  type CalmClient,
  type CalmEvent,
  createClient,
  type LimiterEvent,
  type Priority,
  type RateLimitOptions,
  type RateLimitRedisOption,
  type RedisClientLike,
  type RequestOptions,
  type SearchParams,
} from '../../src/index.ts';
import { API, recordRequests, settle, useMockServer } from '../helpers.ts';

const { server, use } = useMockServer();

describe('exported types', () => {
  it('names the rate-limit option types, the limiter events and the bucket request', () => {
    expectTypeOf<RateLimitOptions['redis']>().toEqualTypeOf<RateLimitRedisOption | undefined>();
    expectTypeOf<LimiterEvent>().toExtend<CalmEvent>();
    expectTypeOf<NonNullable<RateLimitOptions['bucket']>>().parameter(0).toEqualTypeOf<BucketRequest>();
    expectTypeOf<RedisClientLike>().toBeObject();
    expectTypeOf<Priority>().toEqualTypeOf<0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9>();
  });

  it('rejects json with body, and a priority outside 0–9, at compile time', () => {
    const call = (x: CalmClient) => {
      // @ts-expect-error json and body cannot both be set
      void x.post('/2/tweets', { json: { text: 'a' }, body: 'b' });
      // @ts-expect-error priority is 0 to 9
      void x.get('/2/tweets', { priority: 12 });
      // @ts-expect-error priority is an integer
      void x.get('/2/tweets', { priority: 1.5 });
      void x.post('/2/tweets', { json: { text: 'a' }, priority: 0 });
      void x.post('/2/tweets', { body: 'text', priority: 9 });
    };
    expectTypeOf(call).parameter(0).toEqualTypeOf<CalmClient>();
    expectTypeOf<{ json: 1; body: 'b' }>().not.toExtend<RequestOptions>();
  });

  it('takes arrays in searchParams: joined with commas as values, repeated as pairs', async () => {
    expectTypeOf<{ ids: string[] }>().toExtend<SearchParams>();
    expectTypeOf<[string, number][]>().toExtend<SearchParams>();
    use(http.get(`${API}/2/tweets`, () => respond.json({ data: [] }, 200)));
    const seen = recordRequests(server);
    const x = createClient();
    await settle(x.get('/2/tweets', { searchParams: { ids: ['1', 2, true], skip: undefined } }));
    await settle(
      x.get('/2/tweets', {
        searchParams: [
          ['a', 1],
          ['a', 'b'],
        ],
      }),
    );
    expect(seen.map((r) => r.path)).toEqual(['/2/tweets?ids=1%2C2%2Ctrue', '/2/tweets?a=1&a=b']);
  });
});
