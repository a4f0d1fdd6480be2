import { describe, expect, it } from 'vitest';
import { createMockXApi, pagedList, paginated } from '../../mocks/index.ts';
import { createClient, type Page, type Paginator } from '../../src/index.ts';
import { API, eventLog, recordRequests, settle, T0, useMockServer } from '../helpers.ts';

const { server, use } = useMockServer();
const PATH = '/2/users/2244994945/tweets';

async function crawl<T>(pages: Paginator<T>, ms: number) {
  const seen: Page<T>[] = [];
  const { error } = await settle(
    (async () => {
      for await (const page of pages) seen.push(page);
    })(),
    ms,
  );
  return { seen, error };
}

describe('every page goes through the limiter', () => {
  it('a crawl of four windows’ worth of pages meets no 429: each spent window waits for its reset', async () => {
    const api = createMockXApi({
      alignWindows: true,
      endpoints: [
        { method: 'GET', path: '/2/users/:id/tweets', limit: 3, windowMs: 60_000, pages: { total: 100 } },
      ],
    });
    use(...api.handlers);
    const seen = recordRequests(server);
    const { seen: pages, error } = await crawl(
      createClient({ random: () => 0 }).paginate(PATH, { searchParams: { max_results: 10 } }),
      200_000,
    );
    expect(error).toBeUndefined();
    expect(pages).toHaveLength(10);
    expect(api.stats.byStatus).toEqual({ 200: 10 });
    expect(api.stats.windows.map((w) => w.served)).toEqual([3, 3, 3, 1]);
    // Each window opens on its reset plus the limiter's 250 ms margin: 3 windows × 60 s, within a few per cent.
    const last = seen.at(-1)!.at - T0;
    expect(last).toBeGreaterThanOrEqual(180_000);
    expect(last).toBeLessThan(180_000 * 1.01);
  });

  it('a per-second 429 (x-rate-limit-remaining above 0) backs off ~1 s, not to the window’s reset', async () => {
    // A 429 whose windows all show remaining > 0 is X's per-second limit (search/all: 1 request per second), not a
    // spent window: retry.secondaryBaseDelayMs (1 s) with jitter 0 here, never the reset 30 s away.
    const list = pagedList({
      total: 30,
      tokenParam: 'next_token',
      faults: [{ page: 1, kind: 'per-second', resetInSeconds: 30 }],
    });
    use(paginated(`${API}/2/tweets/search/all`, list));
    const log = eventLog();
    const x = createClient({ random: () => 0, hooks: { onEvent: log.onEvent } });
    const { seen, error } = await crawl(
      x.paginate('/2/tweets/search/all', { searchParams: { query: 'x', max_results: 10 } }),
      32_000,
    );
    expect(error).toBeUndefined();
    expect(seen).toHaveLength(3);
    expect(list.log.map((entry) => entry.status)).toEqual([200, 429, 200, 200]);
    expect(log.delays('wait')).toHaveLength(1);
    expect(log.delays('wait')).toEqual([1000]);
  });
});
