import { endpointTemplate } from '../scheduler/bucket.ts';
import { type CursorState, fingerprint, newerId, olderId } from './cursor.ts';
import type { NormalizedPaginate } from './options.ts';
import { ruleFor, type TokenParam } from './rules.ts';

/** @internal */
export interface CrawlQuery {
  readonly pathname: string;
  /** The stable query: the same on every page (the token is added per page). */
  readonly query: URLSearchParams;
  readonly tokenParam: TokenParam;
  readonly queryHash: string;
  readonly sinceId: string | undefined;
}

/**
 * X's rules applied to the caller's query, checked up front: a TypeError names what is wrong.
 * @internal
 */
export function crawlQuery(path: string, config: NormalizedPaginate): CrawlQuery {
  if (typeof path !== 'string' || path === '') throw new TypeError('`path` must be a non-empty string');
  const pathname = new URL(path, 'http://calmfetch.invalid/').pathname;
  const rule = ruleFor(endpointTemplate(pathname));
  const query = new URLSearchParams(config.query);
  for (const name of ['pagination_token', 'next_token']) {
    if (query.has(name)) {
      throw new TypeError(`\`searchParams.${name}\` is set by the crawl: pass a page's \`cursor\` to resume`);
    }
  }
  const range = rule.maxResults;
  const given = query.get('max_results');
  if (range && given === null) {
    query.set('max_results', String(range.max));
  } else if (range && (!/^\d+$/.test(given!) || Number(given) < range.min || Number(given) > range.max)) {
    throw new TypeError(
      `\`searchParams.max_results\` must be an integer from ${range.min} to ${range.max} on this endpoint; got ${given}`,
    );
  }
  const stable = [...query].sort(([a, x], [b, y]) => (a < b ? -1 : a > b ? 1 : x < y ? -1 : x > y ? 1 : 0));
  return {
    pathname,
    query,
    tokenParam: config.tokenParam ?? rule.tokenParam,
    queryHash: fingerprint(JSON.stringify(['GET', pathname, stable])),
    sinceId: query.get('since_id') ?? undefined,
  };
}

interface PageMeta {
  readonly next_token?: unknown;
  readonly newest_id?: unknown;
  readonly oldest_id?: unknown;
}

const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : undefined);

/**
 * The crawl's position after a page with `count` items and this `meta`: pure, so that it is tested alone.
 * @internal
 */
export function advance(
  state: CursorState,
  meta: PageMeta,
  count: number,
  sinceId: string | undefined,
): CursorState {
  const first = state.pages === 0;
  return {
    ...state,
    nextToken: text(meta.next_token),
    pages: state.pages + 1,
    items: state.items + count,
    oldestId: olderId(state.oldestId, text(meta.oldest_id)),
    newestId: newerId(state.newestId, text(meta.newest_id)),
    // Polling: the next since_id comes from the first page only (x-api/posts/search/integrate/paginate.mdx).
    nextSinceId: first ? (text(meta.newest_id) ?? sinceId) : state.nextSinceId,
  };
}
