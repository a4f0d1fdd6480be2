// X's paging rules per endpoint template. Ranges from X's OpenAPI spec (openapi.json, each operation's
// `max_results`); token parameters from x-api/fundamentals/pagination.mdx and x-api/posts/search/integrate/
// paginate.mdx (search and counts take `next_token`; followers answers `next_token` with a 400,
// xdevplatform/samples#40). See research round2.md §1.1.

export type TokenParam = 'pagination_token' | 'next_token';

export interface EndpointRule {
  /** The request parameter that carries `meta.next_token` back. */
  readonly tokenParam: TokenParam;
  /** `max_results`' allowed range; absent when the endpoint takes none (counts). */
  readonly maxResults?: { readonly min: number; readonly max: number };
}

const timeline = (min: number, max: number): EndpointRule => ({
  tokenParam: 'pagination_token',
  maxResults: { min, max },
});
const search = (max: number): EndpointRule => ({ tokenParam: 'next_token', maxResults: { min: 10, max } });

/** Keyed by endpoint template (ids replaced by `:id`, as the limiter's buckets are). */
export const ENDPOINT_RULES: Readonly<Record<string, EndpointRule>> = Object.freeze({
  '/2/users/:id/tweets': timeline(5, 100),
  '/2/users/:id/mentions': timeline(5, 100),
  '/2/users/:id/liked_tweets': timeline(5, 100),
  '/2/users/:id/followers': timeline(1, 1000),
  '/2/users/:id/following': timeline(1, 1000),
  '/2/tweets/:id/liking_users': timeline(1, 100),
  '/2/tweets/:id/retweeted_by': timeline(1, 100),
  '/2/tweets/:id/quote_tweets': timeline(10, 100),
  '/2/tweets/search/recent': search(100),
  '/2/tweets/search/all': search(500),
  '/2/tweets/counts/recent': { tokenParam: 'next_token' },
  '/2/tweets/counts/all': { tokenParam: 'next_token' },
} satisfies Record<string, EndpointRule>);

/**
 * The rule for a template: the table's, else `pagination_token` with `max_results` left to the caller.
 * @internal
 */
export function ruleFor(template: string): EndpointRule {
  return ENDPOINT_RULES[template] ?? { tokenParam: 'pagination_token' };
}
