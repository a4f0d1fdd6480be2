import { HttpResponse, http } from 'msw';
import { describe, expect, it } from 'vitest';
import { emptyPageWithToken, notFound, pagedList, paginated, rateLimitedOnPage } from '../../mocks/index.ts';
import {
  createClient,
  inspectCursor,
  isPaginationError,
  isRateLimitError,
  type Page,
  PaginationError,
  type Paginator,
  paginate,
  RateLimitError,
} from '../../src/index.ts';
import { API, recordRequests, settle, T0, TOKEN, useMockServer } from '../helpers.ts';

const { server, use } = useMockServer();
const TWEETS = `${API}/2/users/:id/tweets`;
const PATH = '/2/users/2244994945/tweets';
const NEWEST = 1_900_000_000_000_000_000n;
const idOf = (index: number) => String(NEWEST - BigInt(index));

interface Post {
  id: string;
}

/** Runs a crawl to its end under fake time: the pages it yielded and how it ended. */
async function crawl<T>(pages: Paginator<T>, ms = 200) {
  const seen: Page<T>[] = [];
  const { error } = await settle(
    (async () => {
      for await (const page of pages) seen.push(page);
    })(),
    ms,
  );
  return { seen, error, ids: seen.flatMap((page) => page.data.map((item) => (item as Post).id)) };
}

const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => idOf(from + i));

describe('X paging rules', () => {
  it('reads every page until meta.next_token is absent, max_results at the endpoint maximum on every page', async () => {
    const list = pagedList({ total: 250 });
    use(paginated(TWEETS, list));
    const pages = createClient().paginate<Post>(PATH);
    const { seen, error, ids } = await crawl(pages);
    expect(error).toBeUndefined();
    expect(seen.map((page) => [page.index, page.data.length])).toEqual([
      [0, 100],
      [1, 100],
      [2, 50],
    ]);
    expect(list.log.map((entry) => entry.maxResults)).toEqual([100, 100, 100]);
    expect(ids).toEqual(range(0, 250));
    expect(pages.done).toEqual({ reason: 'end' });
    expect(pages.cursor).toBe(seen[2]!.cursor);
    expect(inspectCursor(pages.cursor)).toMatchObject({
      path: PATH,
      nextToken: undefined,
      pages: 3,
      items: 250,
      newestId: idOf(0),
      oldestId: idOf(249),
    });
  });

  it('sends next_token on search, pagination_token elsewhere, and tokenParam overrides it', async () => {
    const seen = recordRequests(server);
    use(
      paginated(`${API}/2/tweets/search/recent`, { total: 150, tokenParam: 'next_token' }),
      paginated(TWEETS, { total: 150, tokenParam: 'next_token' }),
    );
    const x = createClient();
    const search = await crawl(x.paginate('/2/tweets/search/recent', { searchParams: { query: 'from:x' } }));
    expect(search.ids).toHaveLength(150);
    expect(seen[1]!.path).toMatch(/^\/2\/tweets\/search\/recent\?query=from%3Ax&max_results=100&next_token=/);
    // X answers a timeline's wrong parameter with a 400; the override fixes it.
    const wrong = await crawl(x.paginate(PATH, { tokenParam: 'pagination_token' }));
    expect(wrong.error).toMatchObject({ name: 'PermanentError', status: 400 });
    const right = await crawl(x.paginate(PATH, { tokenParam: 'next_token' }));
    expect(right.ids).toHaveLength(150);
  });

  it('leaves max_results unset on an endpoint it has no rule for, and keeps the caller’s in range', async () => {
    const seen = recordRequests(server);
    use(paginated(`${API}/2/lists/:id/members`, { total: 5 }), paginated(TWEETS, { total: 30 }));
    const x = createClient();
    await crawl(x.paginate('/2/lists/84839422/members'));
    await crawl(x.paginate(PATH, { searchParams: { max_results: 10 } }));
    expect(seen.map((r) => new URL(r.path, API).searchParams.get('max_results'))).toEqual([
      null,
      '10',
      '10',
      '10',
    ]);
  });

  it('reads on past an empty page that carries a next_token', async () => {
    use(emptyPageWithToken(TWEETS, 1, { total: 30, defaultMaxResults: 10 }));
    const pages = createClient().paginate<Post>(PATH, { searchParams: { max_results: 10 } });
    const { seen, ids } = await crawl(pages);
    expect(seen.map((page) => page.data.length)).toEqual([10, 0, 10, 10]);
    expect(ids).toEqual(range(0, 30));
    expect(pages.done).toEqual({ reason: 'end' });
  });

  it('stops with a PaginationError (empty-streak) after more than maxEmptyPages empty pages in a row', async () => {
    const list = pagedList({
      total: 30,
      faults: [1, 2, 3].map((page) => ({ page, kind: 'empty' as const })),
    });
    use(paginated(TWEETS, list));
    const pages = createClient().paginate(PATH, { searchParams: { max_results: 10 }, maxEmptyPages: 2 });
    const { seen, error } = await crawl(pages);
    expect(seen).toHaveLength(4);
    expect(error).toBeInstanceOf(PaginationError);
    expect(isPaginationError(error)).toBe(true);
    expect(error).toMatchObject({ reason: 'empty-streak', cursor: seen[3]!.cursor });
    expect(list.log).toHaveLength(4);
    expect(pages.done).toBeUndefined();
  });

  it('stops with a PaginationError (loop) when X hands back a token already used, without asking again', async () => {
    const list = pagedList({ total: 50, faults: [{ page: 1, kind: 'repeat-token' }] });
    use(paginated(TWEETS, list));
    const { seen, error } = await crawl(createClient().paginate(PATH, { searchParams: { max_results: 10 } }));
    expect(seen).toHaveLength(2);
    expect(error).toMatchObject({ name: 'PaginationError', reason: 'loop', cursor: seen[1]!.cursor });
    expect((error as Error).message).toMatch(/next_token already used/);
    expect(list.log.map((entry) => entry.page)).toEqual([0, 1]);
  });
});

describe('failures carry the cursor', () => {
  it('a 429 on page k waits for the reset and reads on: no page lost, none fetched twice', async () => {
    const seen = recordRequests(server);
    const list = pagedList({ total: 40, faults: [{ page: 2, kind: 'rate-limited', resetInSeconds: 60 }] });
    use(paginated(TWEETS, list));
    const x = createClient({ random: () => 0 });
    const { ids, error } = await crawl(x.paginate(PATH, { searchParams: { max_results: 10 } }), 62_000);
    expect(error).toBeUndefined();
    expect(ids).toEqual(range(0, 40));
    expect(list.log.map((entry) => [entry.page, entry.status])).toEqual([
      [0, 200],
      [1, 200],
      [2, 429],
      [2, 200],
      [3, 200],
    ]);
    // The 429 came a few ms after T0: X's reset (whole seconds, rounded up) is T0 + 61 s; the limiter adds its
    // 250 ms resetMargin.
    const retried = seen[3]!.at - T0;
    expect(retried).toBeGreaterThanOrEqual(61_000);
    expect(retried).toBeLessThan(61_300);
  });

  it('a usage cap on page k throws the RateLimitError with `cursor`; resuming from it loses and repeats nothing', async () => {
    const list = pagedList({ total: 50, faults: [{ page: 3, kind: 'usage-capped' }] });
    use(paginated(TWEETS, list));
    const x = createClient();
    const options = { searchParams: { max_results: 10, 'tweet.fields': 'created_at' } };
    const first = await crawl(x.paginate<Post>(PATH, options));
    expect(first.error).toBeInstanceOf(RateLimitError);
    expect(isRateLimitError(first.error)).toBe(true);
    const error = first.error as RateLimitError;
    expect(error.capped).toBe(true);
    expect(error.cursor).toBe(first.seen[2]!.cursor);
    expect(error.toJSON()).toMatchObject({ cursor: error.cursor });
    const second = await crawl(x.paginate<Post>(PATH, { ...options, cursor: error.cursor! }));
    expect([...first.ids, ...second.ids]).toEqual(range(0, 50));
    expect(second.seen.map((page) => page.index)).toEqual([3, 4]);
    expect(list.log.map((entry) => entry.page)).toEqual([0, 1, 2, 3, 3, 4]);
  });

  it('the same paginator, iterated again after a failure, asks for the failed page again (not a loop)', async () => {
    const list = pagedList({ total: 40, faults: [{ page: 2, kind: 'usage-capped' }] });
    use(paginated(TWEETS, list));
    const pages = createClient().paginate<Post>(PATH, { searchParams: { max_results: 10 } });
    const first = await crawl(pages);
    expect(isRateLimitError(first.error)).toBe(true);
    const again = await crawl(pages);
    expect(again.error).toBeUndefined();
    expect([...first.ids, ...again.ids]).toEqual(range(0, 40));
    expect(list.log.map((entry) => entry.page)).toEqual([0, 1, 2, 2, 3]);
    expect(pages.done).toEqual({ reason: 'end' });
  });

  it('a wait beyond retry.maxWaitMs throws at once with retryAt and cursor', async () => {
    use(rateLimitedOnPage(TWEETS, 1, { total: 50, resetInSeconds: 900 }));
    const pages = createClient().paginate(PATH, {
      retry: { maxWaitMs: 60_000 },
      searchParams: { max_results: 10 },
    });
    const { seen, error } = await crawl(pages);
    expect(error).toMatchObject({ name: 'RateLimitError', cursor: seen[0]!.cursor });
    // X's reset: whole seconds, rounded up from a few ms after T0 + 900 s.
    expect((error as RateLimitError).retryAt?.getTime()).toBe(T0 + 901_000);
    expect(pages.cursor).toBe(seen[0]!.cursor);
  });

  it('an expired token is a PermanentError with the last good position; until_id = oldestId continues exactly', async () => {
    const list = pagedList({ total: 50, faults: [{ page: 2, kind: 'invalid-token' }] });
    use(paginated(TWEETS, list));
    const x = createClient();
    const first = await crawl(x.paginate<Post>(PATH, { searchParams: { max_results: 10 } }));
    expect(first.error).toMatchObject({ name: 'PermanentError', status: 400 });
    const { oldestId } = inspectCursor((first.error as RateLimitError).cursor!);
    expect(oldestId).toBe(idOf(19));
    const rest = await crawl(
      x.paginate<Post>(PATH, { searchParams: { max_results: 10, until_id: oldestId } }),
    );
    expect([...first.ids, ...rest.ids]).toEqual(range(0, 50));
  });

  it('refuses a cursor taken from a different query with a TypeError', async () => {
    use(paginated(TWEETS, { total: 30 }));
    const x = createClient();
    const { seen } = await crawl(x.paginate(PATH, { searchParams: { max_results: 10 }, maxPages: 1 }));
    const cursor = seen[0]!.cursor;
    expect(() => x.paginate(PATH, { searchParams: { max_results: 20 }, cursor })).toThrow(/different query/);
    expect(() => x.paginate('/2/users/1/tweets', { searchParams: { max_results: 10 }, cursor })).toThrow(
      TypeError,
    );
    // The same query in another spelling is the same query.
    expect(() => x.paginate(PATH, { searchParams: 'max_results=10', cursor })).not.toThrow();
  });
});

describe('polling, partial errors, limits', () => {
  it('keeps since_id on every page; the next since_id is the first page’s newest_id, kept across a resume', async () => {
    const list = pagedList({ total: 50 });
    use(paginated(TWEETS, list));
    const x = createClient();
    const options = { searchParams: { max_results: 10, since_id: idOf(35) } };
    const first = await crawl(x.paginate<Post>(PATH, { ...options, maxPages: 2 }));
    const rest = await crawl(x.paginate<Post>(PATH, { ...options, cursor: first.seen[1]!.cursor }));
    expect([...first.ids, ...rest.ids]).toEqual(range(0, 35));
    expect(list.log.map((entry) => entry.sinceId)).toEqual(Array(4).fill(idOf(35)));
    expect(inspectCursor(rest.seen.at(-1)!.cursor).nextSinceId).toBe(idOf(0));
    // Nothing new: the next poll keeps the since_id it had.
    const empty = await crawl(x.paginate(PATH, { searchParams: { since_id: idOf(0) } }));
    expect(inspectCursor(empty.seen[0]!.cursor).nextSinceId).toBe(idOf(0));
  });

  it('keeps each page’s partial errors with it and a bounded aggregate across the crawl', async () => {
    let call = 0;
    use(
      http.get(TWEETS, () => {
        call++;
        return HttpResponse.json({
          data: [{ id: String(call) }],
          errors: [notFound(`${call}1`), notFound(`${call}2`)],
          meta: { result_count: 1, ...(call < 3 && { next_token: `t${call}` }) },
        });
      }),
    );
    const pages = createClient().paginate(PATH, { keepErrors: 3 });
    const { seen } = await crawl(pages);
    expect(seen.map((page) => page.errors.length)).toEqual([2, 2, 2]);
    expect(pages.errors.count).toBe(6);
    expect({ ...pages.errors.byType }).toEqual({ 'resource-not-found': 6 });
    expect(pages.errors.first.map((entry) => entry.page)).toEqual([0, 0, 1]);
  });

  it('ends with reason errors-only on a last page that has errors and no data', async () => {
    use(http.get(TWEETS, () => HttpResponse.json({ errors: [notFound('2244994945', 'user', 'id')] })));
    const pages = createClient().paginate(PATH);
    const { seen, error } = await crawl(pages);
    expect(error).toBeUndefined();
    expect(seen).toHaveLength(1);
    expect(pages.done).toEqual({ reason: 'errors-only' });
  });

  it('maxPages and maxItems end the crawl cleanly, with a cursor that resumes after the last page', async () => {
    const list = pagedList({ total: 50 });
    use(paginated(TWEETS, list));
    const x = createClient();
    const byPages = x.paginate(PATH, { searchParams: { max_results: 10 }, maxPages: 2 });
    expect((await crawl(byPages)).seen).toHaveLength(2);
    expect(byPages.done).toEqual({ reason: 'max-pages' });
    const byItems = x.paginate(PATH, { searchParams: { max_results: 10 }, maxItems: 15 });
    expect((await crawl(byItems)).seen).toHaveLength(2);
    expect(byItems.done).toEqual({ reason: 'max-items' });
    const rest = await crawl(
      x.paginate<Post>(PATH, { searchParams: { max_results: 10 }, cursor: byItems.cursor }),
    );
    expect(rest.ids).toEqual(range(20, 50));
    expect(list.log).toHaveLength(2 + 2 + 3);
  });

  it('break ends the crawl (reason stopped) and asks for nothing more; items() yields the items', async () => {
    const list = pagedList({ total: 50 });
    use(paginated(TWEETS, list));
    const x = createClient();
    const pages = x.paginate(PATH, { searchParams: { max_results: 10 } });
    await settle(
      (async () => {
        for await (const page of pages) if (page.index === 1) break;
      })(),
    );
    expect(pages.done).toEqual({ reason: 'stopped' });
    expect(list.log).toHaveLength(2);
    const items: Post[] = [];
    await settle(
      (async () => {
        for await (const item of x.paginate<Post>(PATH, { searchParams: { max_results: 20 } }).items())
          items.push(item);
      })(),
    );
    expect(items.map((item) => item.id)).toEqual(range(0, 50));
  });

  it('the signal aborts the crawl mid-wait with its reason; nothing is sent after', async () => {
    const list = pagedList({ total: 50, faults: [{ page: 1, kind: 'rate-limited', resetInSeconds: 60 }] });
    use(paginated(TWEETS, list));
    const controller = new AbortController();
    const pages = createClient().paginate(PATH, {
      searchParams: { max_results: 10 },
      signal: controller.signal,
    });
    const running = crawl(pages, 1_000);
    setTimeout(() => controller.abort(new Error('deploy')), 500);
    const { seen, error } = await running;
    expect((error as Error).message).toBe('deploy');
    expect(seen).toHaveLength(1);
    await settle(Promise.resolve(), 120_000);
    expect(list.log.map((entry) => entry.page)).toEqual([0, 1]);
    expect(pages.cursor).toBe(seen[0]!.cursor);
  });
});

describe('the cursor and the loop guard', () => {
  it('carries no credential and no query value, only the query’s fingerprint', async () => {
    use(paginated(TWEETS, { total: 30 }));
    const x = createClient({ auth: { bearer: TOKEN } });
    const { seen } = await crawl(
      x.paginate(PATH, { searchParams: { max_results: 10, query: 'secret-campaign' }, maxPages: 1 }),
    );
    const decoded = atob(seen[0]!.cursor.slice(4).replace(/-/g, '+').replace(/_/g, '/'));
    expect(decoded).not.toContain(TOKEN.slice(0, 20));
    expect(decoded).not.toContain('secret-campaign');
    expect(Object.keys(JSON.parse(decoded))).toEqual(['v', 'p', 'q', 'n', 'i', 't', 'o', 'w', 's']);
  });

  it('remembers the last 1,024 tokens: a token from further back is not held against the crawl', async () => {
    // A stub client (paginate only calls get): page n's token is `t<n>`; page 1,100 hands back page 1's token,
    // page 1,101 (asked with it a second time) ends the crawl.
    let calls = 0;
    const stub = {
      get: async (_path: string, options?: { searchParams?: URLSearchParams }) => {
        calls++;
        const token = options?.searchParams?.get('pagination_token');
        const page = token ? Number(token.slice(1)) : 0;
        const next = calls === 1101 ? undefined : page === 1100 ? 't1' : `t${page + 1}`;
        return {
          data: [{ id: String(calls) }],
          errors: [],
          body: {
            data: [{ id: String(calls) }],
            meta: { result_count: 1, ...(next && { next_token: next }) },
          },
        };
      },
    } as unknown as Parameters<typeof paginate>[0];
    let pages = 0;
    for await (const _ of paginate(stub, PATH)) pages++;
    expect(pages).toBe(1101);
  });
});
