// The demo's pagination phase: a crawl checkpoints a cursor after each page, meets a spent window, is stopped
// (a deploy) while it waits, and a new crawl resumes from the saved cursor: every Post once, no 429.
import type { CalmClient } from '../src/index.ts';

/** The timeline the phase reads: 50 Posts, 10 per page; its endpoint allows 3 requests per 10 s window. */
export const CRAWL_PATH = '/2/users/2244994945/tweets';
export const CRAWL_ENDPOINT = {
  method: 'GET',
  path: '/2/users/:id/tweets',
  limit: 3,
  windowMs: 10_000,
  pages: { total: 50 },
} as const;

export async function crawlPhase(x: CalmClient, print: (text: string) => void, rateLimited: () => number) {
  const searchParams = { max_results: 10 };
  const ids: string[] = [];
  let checkpoint: string | undefined;
  let pagesRead = 0;
  /** With `deploy`: the service is stopped (the controller aborted) a second into the wait after page 2. */
  const read = async (deploy?: AbortController) => {
    const pages = x.paginate<{ id: string }>(CRAWL_PATH, {
      searchParams,
      ...(deploy && { signal: deploy.signal }),
      ...(checkpoint !== undefined && { cursor: checkpoint }),
    });
    for await (const page of pages) {
      ids.push(...page.data.map((post) => post.id));
      checkpoint = page.cursor;
      pagesRead++;
      print(
        `    page ${page.index}: ${page.data.length} Posts stored, checkpoint saved (${page.cursor.length} chars)`,
      );
      if (deploy && page.index === 2) {
        print(
          '    the window is spent: the next page waits for the reset; the service is stopped for a deploy',
        );
        setTimeout(() => deploy.abort(new Error('deploy')), 1000);
      }
    }
  };
  try {
    await read(new AbortController());
  } catch (error) {
    print(`    stopped: ${(error as Error).message}; ${pagesRead} pages read`);
  }
  print('    a new process starts from the saved checkpoint');
  await read();
  const unique = new Set(ids).size;
  return {
    calls: pagesRead,
    outcome: `${ids.length} Posts in ${pagesRead} pages across a stop and a resume, ${unique} distinct, ${rateLimited()} 429s`,
    asExpected: ids.length === 50 && unique === 50 && rateLimited() === 0,
  };
}
