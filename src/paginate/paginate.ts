import type { CalmClient, CalmResponse } from '../client/client.ts';
import { isCalmError } from '../errors/CalmError.ts';
import { PaginationError } from '../errors/PaginationError.ts';
import { type CursorState, encodeCursor, inspectCursor } from './cursor.ts';
import { normalizePaginate, type PaginateOptions } from './options.ts';
import { advance, crawlQuery } from './query.ts';
import { type ErrorSummary, summarizeErrors } from './summary.ts';

/** One page: the call's whole response (its own `data`, `includes`, `errors`, `meta`) and where to resume after it. */
export interface Page<T = unknown> extends CalmResponse<T[]> {
  /** The page's items: the body's `data`, or `[]` on a page without any (an empty page, an errors-only page). */
  readonly data: T[];
  /** Resumes the crawl after this page: `paginate(path, { ...options, cursor })`. Save it once the page is stored. */
  readonly cursor: string;
  /** The page's position in the whole crawl (0 for the first page, counting earlier runs). */
  readonly index: number;
}

/**
 * How a crawl ended without an error: `end` (X sent no `next_token`), `errors-only` (a last page with `errors` and
 * no `data`, such as a protected account's timeline), `max-pages` / `max-items` (your limits), `stopped` (the loop
 * left early: `break`, `return`).
 */
export type DoneReason = 'end' | 'errors-only' | 'max-pages' | 'max-items' | 'stopped';

export interface Paginator<T = unknown> extends AsyncIterable<Page<T>> {
  /** Where to resume: the cursor of the last page read (or the starting one). Valid however the crawl ended. */
  readonly cursor: string;
  /** Set once the crawl ended without an error. */
  readonly done: { readonly reason: DoneReason } | undefined;
  /** The partial errors of every page read: counted by code or problem type, the first `keepErrors` kept. */
  readonly errors: ErrorSummary;
  /** The items of each page in turn (sugar over the pages; includes and cursors are not shown). */
  items(): AsyncIterable<T>;
}

export type { PaginateOptions };

/** Tokens remembered against loops: X's repeats come back at once (T2#116, T2#404); a bound keeps memory flat. */
const REMEMBERED_TOKENS = 1024;

interface Envelope<T> {
  readonly data?: T[];
  readonly includes?: unknown;
  readonly meta?: unknown;
}

const isObject = (value: unknown): value is object => typeof value === 'object' && value !== null;

/**
 * Reads a paginated X endpoint page by page through `client.get()`, so every page goes through the client's
 * limiter, retry rules and classification. Options are checked here, before any request.
 */
export function paginate<T = unknown>(
  client: CalmClient,
  path: string,
  options: PaginateOptions = {},
): Paginator<T> {
  const config = normalizePaginate(options);
  const { pathname, query, tokenParam, queryHash, sinceId } = crawlQuery(path, config);
  let state: CursorState = {
    path: pathname,
    queryHash,
    nextToken: undefined,
    pages: 0,
    items: 0,
    oldestId: undefined,
    newestId: undefined,
    nextSinceId: undefined,
  };
  if (config.cursor !== undefined) {
    state = inspectCursor(config.cursor);
    if (state.queryHash !== queryHash || state.path !== pathname) {
      throw new TypeError('`cursor` was taken from a different query (path or searchParams differ)');
    }
  }
  let cursor = encodeCursor(state);
  let done: { reason: DoneReason } | undefined =
    state.pages > 0 && state.nextToken === undefined ? { reason: 'end' } : undefined;
  const summary = summarizeErrors(config.keepErrors);
  const used = new Set<string>();
  let emptyRun = 0;
  let runPages = 0;
  let runItems = 0;

  async function* crawl(): AsyncGenerator<Page<T>> {
    let failed = false;
    try {
      while (!done) {
        if (runPages >= config.maxPages) done = { reason: 'max-pages' };
        else if (runItems >= config.maxItems) done = { reason: 'max-items' };
        if (done) return;
        config.request.signal?.throwIfAborted();
        const token = state.nextToken;
        if (token !== undefined && used.has(token)) {
          throw new PaginationError('loop', { cursor, path: pathname, pages: state.pages });
        }
        const searchParams = new URLSearchParams(query);
        if (token !== undefined) searchParams.set(tokenParam, token);
        let response: CalmResponse<T[]>;
        try {
          response = await client.get<T[]>(path, { ...config.request, searchParams });
        } catch (error) {
          if (isCalmError(error))
            Object.defineProperty(error, 'cursor', { value: cursor, enumerable: true, configurable: true });
          throw error;
        }
        // A token counts as used once its page came: after a failure, iterating again asks for the page again.
        if (token !== undefined) {
          used.add(token);
          if (used.size > REMEMBERED_TOKENS) used.delete(used.values().next().value as string);
        }
        // The body as X sent it: a page with only `meta` (an empty page) is an envelope too.
        const body = (isObject(response.body) ? response.body : {}) as Envelope<T>;
        const data = Array.isArray(body.data) ? body.data : [];
        const count = data.length;
        const index = state.pages;
        state = advance(state, isObject(body.meta) ? body.meta : {}, count, sinceId);
        cursor = encodeCursor(state);
        runPages++;
        runItems += count;
        summary.add(index, response.errors);
        emptyRun = count === 0 && state.nextToken !== undefined ? emptyRun + 1 : 0;
        if (state.nextToken === undefined) {
          const errorsOnly = body.data === undefined && response.errors.length > 0;
          done = { reason: errorsOnly ? 'errors-only' : 'end' };
        }
        yield { ...response, data, includes: body.includes, meta: body.meta, cursor, index };
        if (!done && emptyRun > config.maxEmptyPages) {
          throw new PaginationError('empty-streak', { cursor, path: pathname, pages: state.pages });
        }
      }
    } catch (error) {
      failed = true;
      throw error;
    } finally {
      if (!done && !failed) done = { reason: 'stopped' };
    }
  }

  return {
    [Symbol.asyncIterator]: () => crawl(),
    get cursor() {
      return cursor;
    },
    get done() {
      return done;
    },
    get errors() {
      return summary.view;
    },
    async *items() {
      for await (const page of crawl()) if (Array.isArray(page.data)) yield* page.data;
    },
  };
}
