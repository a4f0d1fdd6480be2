import type { CalmClient, CalmResponse } from '../client/client.ts';
import { isCalmError } from '../errors/CalmError.ts';
import { PaginationError } from '../errors/PaginationError.ts';
import { endpointTemplate } from '../scheduler/bucket.ts';
import { encodeCursor, fingerprint, inspectCursor, newerId, olderId } from './cursor.ts';
import { normalizePaginate, type PaginateOptions } from './options.ts';
import { ruleFor } from './rules.ts';
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

interface PageMeta {
  readonly next_token?: unknown;
  readonly result_count?: unknown;
  readonly newest_id?: unknown;
  readonly oldest_id?: unknown;
}

/** Tokens remembered against loops: X's repeats come back at once (T2#116, T2#404); a bound keeps memory flat. */
const REMEMBERED_TOKENS = 1024;

interface Envelope<T> {
  readonly data?: T[];
  readonly includes?: unknown;
  readonly meta?: unknown;
}

const isObject = (value: unknown): value is object => typeof value === 'object' && value !== null;
const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : undefined);

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
  if (typeof path !== 'string' || path === '') throw new TypeError('`path` must be a non-empty string');
  const pathname = new URL(path, 'http://calmfetch.invalid/').pathname;
  const rule = ruleFor(endpointTemplate(pathname));
  const tokenParam = config.tokenParam ?? rule.tokenParam;
  const query = config.query;
  for (const name of ['pagination_token', 'next_token']) {
    if (query.has(name)) {
      throw new TypeError(`\`searchParams.${name}\` is set by the crawl: pass a page's \`cursor\` to resume`);
    }
  }
  const range = rule.maxResults;
  if (range) {
    const given = query.get('max_results');
    if (given === null) {
      query.set('max_results', String(range.max));
    } else if (!/^\d+$/.test(given) || Number(given) < range.min || Number(given) > range.max) {
      throw new TypeError(
        `\`searchParams.max_results\` must be an integer from ${range.min} to ${range.max} on this endpoint; got ${given}`,
      );
    }
  }
  const sinceId = query.get('since_id') ?? undefined;
  const stable = [...query].sort(([a, x], [b, y]) => (a < b ? -1 : a > b ? 1 : x < y ? -1 : x > y ? 1 : 0));
  const queryHash = fingerprint(JSON.stringify(['GET', pathname, stable]));

  let state = {
    path: pathname,
    queryHash,
    nextToken: undefined as string | undefined,
    pages: 0,
    items: 0,
    oldestId: undefined as string | undefined,
    newestId: undefined as string | undefined,
    nextSinceId: undefined as string | undefined,
  };
  if (config.cursor !== undefined) {
    const saved = inspectCursor(config.cursor);
    if (saved.queryHash !== queryHash || saved.path !== pathname) {
      throw new TypeError('`cursor` was taken from a different query (path or searchParams differ)');
    }
    state = { ...state, ...saved };
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
        if (token !== undefined) {
          if (used.has(token))
            throw new PaginationError('loop', { cursor, path: pathname, pages: state.pages });
          used.add(token);
          if (used.size > REMEMBERED_TOKENS) used.delete(used.values().next().value as string);
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
        // The body as X sent it: a page with only `meta` (an empty page) is an envelope too.
        const body = (isObject(response.body) ? response.body : {}) as Envelope<T>;
        const meta = isObject(body.meta) ? (body.meta as PageMeta) : {};
        const data = Array.isArray(body.data) ? body.data : [];
        const count = data.length;
        const index = state.pages;
        state = {
          ...state,
          nextToken: text(meta.next_token),
          pages: index + 1,
          items: state.items + count,
          oldestId: olderId(state.oldestId, text(meta.oldest_id)),
          newestId: newerId(state.newestId, text(meta.newest_id)),
          // Polling: the next since_id comes from the first page only (search/integrate/paginate.mdx).
          nextSinceId: index === 0 ? (text(meta.newest_id) ?? sinceId) : state.nextSinceId,
        };
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
