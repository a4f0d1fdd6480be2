// Over a real loopback socket against the fake X API: crawls stopped by a usage cap, an expired token and a killed
// process resume from their saved cursor with no page lost and none fetched twice beyond the one in flight.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createMockXApi, type MockServer, pagedList, startMockServer } from '../../mocks/node.ts';
import {
  createClient,
  inspectCursor,
  isPermanentError,
  isRateLimitError,
  type Paginator,
} from '../../src/index.ts';

const PATH = '/2/users/2244994945/tweets';
const NEWEST = 1_900_000_000_000_000_000n;
const all = (n: number) => Array.from({ length: n }, (_, i) => String(NEWEST - BigInt(i)));

let mock: MockServer | undefined;
afterEach(async () => {
  await mock?.close();
  mock = undefined;
});

async function drain(pages: Paginator<{ id: string }>) {
  const ids: string[] = [];
  try {
    for await (const page of pages) ids.push(...page.data.map((post) => post.id));
    return { ids, error: undefined };
  } catch (error) {
    return { ids, error };
  }
}

describe('windows over a real socket', () => {
  it('a crawl of four windows’ worth of pages draws no 429 and takes three window lengths', async () => {
    const api = createMockXApi({
      alignWindows: true,
      endpoints: [
        { method: 'GET', path: '/2/users/:id/tweets', limit: 3, windowMs: 2000, pages: { total: 120 } },
      ],
    });
    mock = await startMockServer(api.handlers);
    const x = createClient({ baseUrl: mock.url, random: () => 0 });
    const started = Date.now();
    const { ids, error } = await drain(x.paginate(PATH, { searchParams: { max_results: 10 } }));
    const elapsed = Date.now() - started;
    expect(error).toBeUndefined();
    expect(ids).toEqual(all(120));
    expect(api.stats.byStatus).toEqual({ 200: 12 });
    expect(api.stats.windows.map((w) => w.served)).toEqual([3, 3, 3, 3]);
    // Windows start on whole seconds (X's resets are whole seconds), so the first is up to 1 s short; each refill
    // comes 250 ms (resetMarginMs) after its reset. Three more windows: 6 s, less that, plus the margin.
    expect(elapsed).toBeGreaterThanOrEqual(5000);
    expect(elapsed).toBeLessThan(6600);
  }, 20_000);
});

describe('resume over a real socket', () => {
  it('after a usage cap: error.cursor resumes at the capped page', async () => {
    const api = createMockXApi({
      endpoints: [{ method: 'GET', path: '/2/users/:id/tweets', pages: { total: 60 } }],
      faults: [{ path: '/2/users/:id/tweets', after: 3, kind: 'usage-capped' }],
    });
    mock = await startMockServer(api.handlers);
    const x = createClient({ baseUrl: mock.url });
    const options = { searchParams: { max_results: 10 } };
    const first = await drain(x.paginate(PATH, options));
    expect(isRateLimitError(first.error) && first.error.capped).toBe(true);
    const cursor = (first.error as { cursor: string }).cursor;
    const second = await drain(x.paginate(PATH, { ...options, cursor }));
    expect(second.error).toBeUndefined();
    expect([...first.ids, ...second.ids]).toEqual(all(60));
    expect(api.stats.byStatus).toEqual({ 200: 6, 429: 1 });
  });

  it('after an expired token: a PermanentError with the last good position; until_id = oldestId goes on', async () => {
    const api = createMockXApi({
      endpoints: [{ method: 'GET', path: '/2/users/:id/tweets', pages: { total: 60 } }],
      faults: [{ path: '/2/users/:id/tweets', after: 2, kind: 'invalid-pagination-token' }],
    });
    mock = await startMockServer(api.handlers);
    const x = createClient({ baseUrl: mock.url });
    const first = await drain(x.paginate(PATH, { searchParams: { max_results: 10 } }));
    expect(isPermanentError(first.error)).toBe(true);
    const { oldestId } = inspectCursor((first.error as { cursor: string }).cursor);
    const rest = await drain(x.paginate(PATH, { searchParams: { max_results: 10, until_id: oldestId } }));
    expect([...first.ids, ...rest.ids]).toEqual(all(60));
    expect(api.stats.byStatus).toEqual({ 200: 6, 400: 1 });
  });

  it('after the process is killed mid-page: the last saved cursor resumes; only the page in flight is asked twice', async () => {
    const list = pagedList({ total: 60 });
    const asked: number[] = [];
    let hold = true;
    const api = createMockXApi({
      endpoints: [
        {
          method: 'GET',
          path: '/2/users/:id/tweets',
          respond: async (request) => {
            const response = list.answer(request);
            const page = list.log.at(-1)!.page;
            asked.push(page);
            // The fourth page never comes back while the first crawler lives: it is killed waiting for it.
            if (page === 3 && hold) await new Promise(() => {});
            return response;
          },
        },
      ],
    });
    mock = await startMockServer(api.handlers);
    const script = join(import.meta.dirname, '../fixtures/scripts/crawl.ts');
    const runCrawler = (env: Record<string, string>, killAfterPage?: number) =>
      new Promise<string[]>((resolve, reject) => {
        const child = spawn(process.execPath, [script], { env: { ...process.env, ...env } });
        const lines: string[] = [];
        let buffer = '';
        child.stdout.on('data', (chunk: Buffer) => {
          buffer += chunk.toString();
          const parts = buffer.split('\n');
          buffer = parts.pop()!;
          for (const line of parts) {
            lines.push(line);
            if (killAfterPage !== undefined && line.startsWith(`page ${killAfterPage} `)) {
              setTimeout(() => child.kill('SIGKILL'), 200);
            }
          }
        });
        child.on('error', reject);
        child.on('exit', () => resolve(lines));
      });
    const first = await runCrawler({ BASE_URL: mock.url }, 2);
    expect(first).toHaveLength(3);
    hold = false;
    const saved = first.at(-1)!.split(' ')[3]!;
    const second = await runCrawler({ BASE_URL: mock.url, CURSOR: saved });
    expect(second.at(-1)).toBe('done end');
    const ids = [...first, ...second.slice(0, -1)].flatMap((line) => line.split(' ')[2]!.split(','));
    expect(ids).toEqual(all(60));
    expect(asked).toEqual([0, 1, 2, 3, 3, 4, 5]);
  }, 30_000);
});
