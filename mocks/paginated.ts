import { http, type RequestHandler } from 'msw';
import { invalidTokenBody, v1Error } from './bodies.ts';
import { rateLimitHeaders } from './headers.ts';
import { respond, xFailures } from './responses.ts';

const { json, problemJson } = respond;

/** What can go wrong on one page of a paged list. */
export type PageFaultKind =
  /** 429 + code 88, the window spent (x-rate-limit-remaining 0), reset in `resetInSeconds`. */
  | 'rate-limited'
  /** 429 + usage-capped while x-rate-limit-remaining is far above 0: the monthly cap. */
  | 'usage-capped'
  /** 429 "Too Many Requests" with x-rate-limit-remaining above 0: a per-second limit (search/all: 1 request/s). */
  | 'per-second'
  /** 200 with no data, `result_count: 0` and a `next_token` (timelines.mdx: non-public metrics past 30 days). */
  | 'empty'
  /** The page, with `meta.next_token` equal to the token that asked for it (T2#116, T2#404). */
  | 'repeat-token'
  /** 400 invalid-request: "The `pagination_token` query parameter value [...] is not a valid token". */
  | 'invalid-token';

export interface PageFault {
  /** The page's index: 0 for the first page. */
  readonly page: number;
  readonly kind: PageFaultKind;
  /** How many requests for that page it answers. @default 1 */
  readonly times?: number;
  /** For the 429s: seconds until the reset. @default 900 */
  readonly resetInSeconds?: number;
}

export interface PagedListOptions {
  /** Items in the list, newest first. @default 50 */
  readonly total?: number;
  /** The id of the newest item; the others count down from it. @default 1900000000000000000 */
  readonly newestId?: string;
  /** The token parameter the endpoint takes; the other one gets X's 400. @default 'pagination_token' */
  readonly tokenParam?: 'pagination_token' | 'next_token';
  /** The page size when the request has no `max_results`. @default 10 */
  readonly defaultMaxResults?: number;
  readonly faults?: readonly PageFault[];
  /** The clock for reset headers. @default Date.now */
  readonly now?: () => number;
}

export interface PagedList {
  /** Answers one request (an msw resolver's body, or a MockEndpoint's `respond`). */
  answer(request: Request): Response;
  /** Every request answered: the page asked for and the status sent. */
  readonly log: { page: number; status: number; maxResults: number; sinceId?: string }[];
  reset(): void;
}

interface Position {
  page: number;
  offset: number;
}

// Opaque to clients, as X's are: base64url of "page:offset".
const tokenOf = (position: Position) => btoa(`${position.page}:${position.offset}`).replace(/=+$/, '');
function positionOf(token: string): Position | undefined {
  try {
    const match = /^(\d+):(\d+)$/.exec(atob(token));
    return match ? { page: Number(match[1]), offset: Number(match[2]) } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A paginated list as X serves one: newest first, `max_results` per page, `meta` with `result_count`,
 * `newest_id`, `oldest_id` and `next_token`; `since_id`/`until_id` filter (exclusive); scripted faults per page.
 */
export function pagedList(options: PagedListOptions = {}): PagedList {
  const total = options.total ?? 50;
  const newest = BigInt(options.newestId ?? '1900000000000000000');
  const param = options.tokenParam ?? 'pagination_token';
  const other = param === 'next_token' ? 'pagination_token' : 'next_token';
  const now = options.now ?? Date.now;
  let faults = (options.faults ?? []).map((fault) => ({ ...fault, left: fault.times ?? 1 }));
  const log: PagedList['log'] = [];

  const answer = (request: Request): Response => {
    const query = new URL(request.url).searchParams;
    const maxResults = Number(query.get('max_results') ?? options.defaultMaxResults ?? 10);
    if (query.has(other)) return problemJson(invalidTokenBody(other, query.get(other) ?? ''), 400);
    const token = query.get(param);
    const position = token === null ? { page: 0, offset: 0 } : positionOf(token);
    const sinceId = query.get('since_id') ?? undefined;
    if (!position) {
      log.push({ page: -1, status: 400, maxResults });
      return problemJson(invalidTokenBody(param, token ?? ''), 400);
    }
    const fault = faults.find((f) => f.page === position.page && f.left > 0);
    if (fault) fault.left--;
    const response = page(query, token, position, fault);
    log.push({
      page: position.page,
      status: response.status,
      maxResults,
      ...(sinceId !== undefined && { sinceId }),
    });
    return response;
  };

  const page = (
    query: URLSearchParams,
    token: string | null,
    position: Position,
    fault: PageFault | undefined,
  ): Response => {
    const reset = { now: now(), resetInSeconds: fault?.resetInSeconds ?? 900 };
    const maxResults = Number(query.get('max_results') ?? options.defaultMaxResults ?? 10);
    const until = query.get('until_id');
    const since = query.get('since_id');
    // Item i has id newest - i; until_id and since_id are exclusive bounds on it.
    const lo = until === null ? 0 : Math.max(0, Number(newest - BigInt(until)) + 1);
    const hi = since === null ? total : Math.min(total, Math.max(0, Number(newest - BigInt(since))));
    const start = token === null ? lo : position.offset;
    switch (fault?.kind) {
      case 'rate-limited':
        return json(v1Error(88), 429, rateLimitHeaders({ ...reset, remaining: 0 }));
      case 'usage-capped':
        return xFailures['usage-capped']();
      case 'per-second':
        return problemJson(
          { title: 'Too Many Requests', detail: 'Too Many Requests', type: 'about:blank', status: 429 },
          429,
          rateLimitHeaders({ ...reset, limit: 300, remaining: 299 }),
        );
      case 'invalid-token':
        return problemJson(invalidTokenBody(param, token ?? ''), 400);
      case 'empty':
        return json(
          { meta: { result_count: 0, next_token: tokenOf({ page: position.page + 1, offset: start }) } },
          200,
        );
    }
    const end = Math.min(hi, start + maxResults);
    const ids: string[] = [];
    for (let index = start; index < end; index++) ids.push(String(newest - BigInt(index)));
    const next =
      fault?.kind === 'repeat-token' && token !== null
        ? token
        : end < hi
          ? tokenOf({ page: position.page + 1, offset: end })
          : undefined;
    return json(
      {
        ...(ids.length > 0 && { data: ids.map((id) => ({ id, text: `post ${id}` })) }),
        meta: {
          result_count: ids.length,
          ...(ids.length > 0 && { newest_id: ids[0], oldest_id: ids[ids.length - 1] }),
          ...(next !== undefined && { next_token: next }),
        },
      },
      200,
    );
  };

  return {
    answer,
    log,
    reset() {
      faults = (options.faults ?? []).map((fault) => ({ ...fault, left: fault.times ?? 1 }));
      log.length = 0;
    },
  };
}

type PathOption = string | RegExp;

/** An msw GET handler serving a paged list (the list itself, or options to make one). */
export function paginated(path: PathOption, list: PagedList | PagedListOptions = {}): RequestHandler {
  const served = 'answer' in list ? list : pagedList(list);
  return http.get(path, ({ request }) => served.answer(request));
}

/** A handler factory for one fault on page `page`. */
export type PageFaultHandler = (
  path: PathOption,
  page: number,
  options?: Omit<PagedListOptions, 'faults'> & Partial<PageFault>,
) => RequestHandler;

const onPage =
  (kind: PageFaultKind): PageFaultHandler =>
  (path, page, options = {}) =>
    paginated(path, { ...options, faults: [{ ...options, page, kind }] });

/** A paged list whose page `page` (0 for the first) is answered once with a 429, window spent. */
export const rateLimitedOnPage = onPage('rate-limited');
/** A paged list whose page `page` is answered once with the monthly usage cap. */
export const usageCapOnPage = onPage('usage-capped');
/** A paged list whose page `page` is answered once with a per-second 429 (x-rate-limit-remaining above 0). */
export const perSecondLimitOnPage = onPage('per-second');
/** A paged list whose page `page` comes back empty, with a next_token. */
export const emptyPageWithToken = onPage('empty');
/** A paged list whose page `page` hands back the token that asked for it. */
export const repeatedToken = onPage('repeat-token');
/** A paged list whose page `page` is refused: 400, the token is not valid (expired). */
export const invalidTokenOnPage = onPage('invalid-token');
