import { checkRequestOptions } from '../options/request.ts';
import type { RequestOptions, SearchParams } from '../options/types.ts';
import { checkKeys, checkNumber, describe, isRecord } from '../utils/validate.ts';
import type { TokenParam } from './rules.ts';

/** Options of `client.paginate()`: the per-page request options plus the crawl's own. */
export interface PaginateOptions
  extends Pick<RequestOptions, 'headers' | 'signal' | 'timeoutMs' | 'deadlineMs' | 'retry' | 'priority'> {
  /**
   * The query, the same on every page. `max_results` defaults to the endpoint's maximum (unset on an endpoint
   * calmfetch has no rule for); `since_id` makes it a poll (kept on every page; see `cursor.nextSinceId`).
   */
  readonly searchParams?: SearchParams;
  /** Resume after the page this cursor was taken from (a page's `cursor`, `error.cursor` or `pages.cursor`). */
  readonly cursor?: string;
  /** The parameter that sends the page token. @default `next_token` for search and counts, else `pagination_token` */
  readonly tokenParam?: TokenParam;
  /** Pages to read in this run; the crawl ends with `done.reason` `'max-pages'`. @default Infinity */
  readonly maxPages?: number;
  /** Items to read in this run; the crawl ends after the page that reaches it (`'max-items'`). @default Infinity */
  readonly maxItems?: number;
  /** The longest run of empty pages (with a `next_token`) the crawl reads on; one more throws a PaginationError. @default 5 */
  readonly maxEmptyPages?: number;
  /** Partial errors kept whole in `pages.errors.first`; all are counted. @default 20 */
  readonly keepErrors?: number;
}

export const PAGINATE_DEFAULTS = Object.freeze({
  maxPages: Number.POSITIVE_INFINITY,
  maxItems: Number.POSITIVE_INFINITY,
  maxEmptyPages: 5,
  keepErrors: 20,
});

const PAGE_REQUEST_KEYS = ['headers', 'signal', 'timeoutMs', 'deadlineMs', 'retry', 'priority'] as const;
const KEYS = [
  'searchParams',
  'cursor',
  'tokenParam',
  'maxPages',
  'maxItems',
  'maxEmptyPages',
  'keepErrors',
  ...PAGE_REQUEST_KEYS,
];

/** @internal */
export interface NormalizedPaginate {
  readonly query: URLSearchParams;
  readonly cursor: string | undefined;
  readonly tokenParam: TokenParam | undefined;
  readonly maxPages: number;
  readonly maxItems: number;
  readonly maxEmptyPages: number;
  readonly keepErrors: number;
  /** What each page's request gets (searchParams added per page). */
  readonly request: RequestOptions;
}

/**
 * Validates up front, with a TypeError naming the option; the request options are checked by the client.
 * @internal
 */
export function normalizePaginate(options: unknown): NormalizedPaginate {
  if (options === undefined) options = {};
  if (!isRecord(options)) throw new TypeError(`\`options\` must be an object; got ${describe(options)}`);
  checkKeys('options', options, KEYS);
  const { cursor, tokenParam } = options;
  if (cursor !== undefined && typeof cursor !== 'string') {
    throw new TypeError(`\`cursor\` must be a string; got ${describe(cursor)}`);
  }
  if (tokenParam !== undefined && tokenParam !== 'pagination_token' && tokenParam !== 'next_token') {
    throw new TypeError(
      `\`tokenParam\` must be 'pagination_token' or 'next_token'; got ${describe(tokenParam)}`,
    );
  }
  const count = (name: keyof typeof PAGINATE_DEFAULTS, min: number) =>
    options[name] === undefined
      ? PAGINATE_DEFAULTS[name]
      : checkNumber(name, options[name], { integer: true, min, allowInfinity: true });
  const request: Record<string, unknown> = {};
  for (const key of PAGE_REQUEST_KEYS) if (options[key] !== undefined) request[key] = options[key];
  return {
    query: toSearchParams(options.searchParams),
    cursor,
    tokenParam,
    maxPages: count('maxPages', 1),
    maxItems: count('maxItems', 1),
    maxEmptyPages: count('maxEmptyPages', 0),
    keepErrors: count('keepErrors', 0),
    // The per-page options, checked now by the client's own rules rather than at the first page.
    request: checkRequestOptions(request),
  };
}

function toSearchParams(value: unknown): URLSearchParams {
  if (value === undefined) return new URLSearchParams();
  if (typeof value === 'string' || value instanceof URLSearchParams) return new URLSearchParams(value);
  if (!isRecord(value)) {
    throw new TypeError(
      `\`searchParams\` must be an object, a string or URLSearchParams; got ${describe(value)}`,
    );
  }
  const params = new URLSearchParams();
  for (const [key, item] of Object.entries(value)) if (item !== undefined) params.set(key, String(item));
  return params;
}
