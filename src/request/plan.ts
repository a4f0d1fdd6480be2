import type { RequestSummary } from '../errors/CalmError.ts';
import { DEFAULTS } from '../options/defaults.ts';
import type { NormalizedOptions, NormalizedRetry } from '../options/normalize.ts';
import { normalizeRetry } from '../options/normalize.ts';
import { checkRequestOptions } from '../options/request.ts';
import type { RequestOptions, ResponseType } from '../options/types.ts';
import { endpointTemplate } from '../scheduler/bucket.ts';
import { safeUrl } from '../utils/redact.ts';
import { CallScope } from './scope.ts';
import { joinUrl, sameOrigin } from './url.ts';

/**
 * One call, planned from its options before anything is sent: what every later stage reads.
 * @internal
 */
export interface Call {
  readonly method: string;
  readonly url: string;
  /** Shown only in events, errors and hooks: worked out (redacted) the first time one needs it; see summaryOf. */
  summary: RequestSummary | undefined;
  readonly options: RequestOptions;
  readonly retry: NormalizedRetry;
  readonly idempotent: boolean;
  /** The body can be sent again: a ReadableStream (or async iterable) body cannot. */
  readonly replayable: boolean;
  /** The URL is on the base URL's origin: only then does the call carry the client's credentials. */
  readonly sameOrigin: boolean;
  readonly timeoutMs: number;
  readonly deadlineAt: number;
  readonly priority: number;
  readonly responseType: ResponseType;
  /** The endpoint template (`/2/users/:id/tweets`), for the limiter's bucket. */
  readonly endpoint: string;
  /** Where the path leads, shared by every call to it (the limiter keeps its bucket key there). */
  readonly route: Route;
  /** The signal, deadline and close() of this call, combined. */
  readonly scope: CallScope;
}

/** Methods that can be sent twice with the effect of once (RFC 9110). */
const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE']);
const METHOD = /^[A-Z]{1,16}$/;

/**
 * What the planner needs of the client.
 * @internal
 */
export interface PlanContext {
  readonly config: NormalizedOptions;
  /** The base URL without trailing slashes. */
  readonly baseUrl: string;
  readonly baseOrigin: string;
  readonly pathOf: (url: string) => string;
  /** Every open call's scope, for close(). */
  readonly scopes: Set<CallScope>;
  /** Paths already resolved (URL, endpoint template, origin), by path as the caller wrote it. */
  readonly routes: Map<string, Route>;
}

/**
 * Validates a call's arguments (a TypeError naming the option) and plans it. Opens the call's scope last.
 * @internal
 */
export function planCall(ctx: PlanContext, method: string, path: string, rawOptions: unknown): Call {
  const upper = typeof method === 'string' ? method.toUpperCase() : '';
  if (!METHOD.test(upper)) throw new TypeError('`method` must be an HTTP method name');
  if (typeof path !== 'string') throw new TypeError('`path` must be a string');
  const options = checkRequestOptions(rawOptions);
  const { config } = ctx;
  const route = routeOf(ctx, path);
  const { url, endpoint, sameOrigin } = route;
  const deadlineAt = Date.now() + (options.deadlineMs ?? config.deadlineMs);
  return {
    method: upper,
    url,
    summary: undefined,
    endpoint,
    route,
    options,
    retry: options.retry === undefined ? config.retry : normalizeRetry('retry', options.retry, config.retry),
    idempotent: options.idempotent ?? IDEMPOTENT.has(upper),
    replayable: !isStream(options.body),
    sameOrigin,
    timeoutMs: options.timeoutMs ?? config.timeoutMs,
    deadlineAt,
    priority: options.priority ?? DEFAULTS.priority,
    responseType: options.responseType ?? DEFAULTS.responseType,
    scope: new CallScope(options.signal, deadlineAt, ctx.scopes),
  };
}

/**
 * The call as events, errors and hooks show it: the URL without credentials.
 * @internal
 */
export function summaryOf(call: Call): RequestSummary {
  call.summary ??= { method: call.method, url: safeUrl(call.url) };
  return call.summary;
}

function isStream(body: unknown): boolean {
  if (typeof body !== 'object' || body === null) return false;
  return (
    typeof (body as ReadableStream).getReader === 'function' ||
    typeof (body as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function'
  );
}

/**
 * Where a path leads, worked out once.
 * @internal
 */
export interface Route {
  readonly url: string;
  /** The endpoint template (`/2/users/:id/tweets`), for the limiter's bucket. */
  readonly endpoint: string;
  readonly sameOrigin: boolean;
  /**
   * The last bucket key made for this path, with the method and credential identity it was made for: the next call
   * gets the same string back, whose hash the limiter's table has kept (a key built afresh is hashed again).
   */
  bucket: { readonly method: string; readonly identity: string; readonly key: string } | undefined;
}

/**
 * The URL, endpoint template and origin check of a path, memoised per path as the caller wrote it (a service calls
 * the same paths again and again; joining, reading and templating the URL was about 3 % of a call's CPU, and a
 * joined URL is a new string to hash on every lookup, the caller's path often one whose hash is kept). Bounded:
 * cleared past 1,024 paths.
 */
function routeOf(ctx: PlanContext, path: string): Route {
  let route = ctx.routes.get(path);
  if (route === undefined) {
    const url = joinUrl(ctx.baseUrl, path);
    route = {
      url,
      endpoint: endpointTemplate(ctx.pathOf(url)),
      sameOrigin: sameOrigin(url, path, ctx.baseOrigin),
      bucket: undefined,
    };
    if (ctx.routes.size >= 1024) ctx.routes.clear();
    ctx.routes.set(path, route);
  }
  return route;
}
