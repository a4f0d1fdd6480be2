import { http } from 'msw';
import { problemSlug, xCatalogue } from '../src/catalogue/index.ts';
import { lookupBody, problem, v1Error } from './bodies.ts';
import { type RateLimitHeaderOptions, rateLimitHeaders } from './headers.ts';
import { respond, xFailures } from './responses.ts';

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete' | 'all';
type Path = string | RegExp;
export interface HandlerOptions {
  /** Answer only once, then fall through to the next handler. */
  readonly once?: boolean;
  readonly headers?: Record<string, string>;
}

const { json, problemJson } = respond;

const on = (method: Method, path: Path, resolver: () => Response, options: HandlerOptions = {}) =>
  http[method](path, resolver, { once: options.once ?? false });

/**
 * 429 with x-rate-limit-* headers (remaining 0, reset in `resetInSeconds` or at `resetAt`): v1.1's body with code
 * 88 by default, or v2's `about:blank` problem ("Too Many Requests") with `version: 'v2'`.
 */
export function rateLimited(
  method: Method,
  path: Path,
  options: HandlerOptions & RateLimitHeaderOptions & { readonly version?: 'v1.1' | 'v2' } = {},
) {
  return on(
    method,
    path,
    () => {
      const headers = { ...rateLimitHeaders({ ...options, remaining: 0 }), ...options.headers };
      return options.version === 'v2'
        ? problemJson(TOO_MANY_REQUESTS, 429, headers)
        : json(v1Error(88), 429, headers);
    },
    options,
  );
}

/** The body X's v2 endpoints send with a 429. */
const TOO_MANY_REQUESTS = {
  title: 'Too Many Requests',
  detail: 'Too Many Requests',
  type: 'about:blank',
  status: 429,
};

/** 420 Enhance Your Calm, bare (no timing headers). */
export function enhanceYourCalm(method: Method, path: Path, options: HandlerOptions = {}) {
  return on(method, path, () => xFailures['enhance-your-calm'](options.headers), options);
}

/** 503 + code 130 Over capacity. */
export function overCapacity(method: Method, path: Path, options: HandlerOptions = {}) {
  return on(method, path, () => xFailures['over-capacity'](options.headers), options);
}

/** 500 + code 131 Internal error. */
export function internalError(method: Method, path: Path, options: HandlerOptions = {}) {
  return on(method, path, () => xFailures['internal-error'](options.headers), options);
}

/** The status X documents a v1.1 code with; 400 for a code it does not know. */
const codeStatus = (code: number) => xCatalogue.codes.get(code)?.status ?? 400;

/** A v1.1 error code, with the status X documents for it unless `status` is given. */
export function xError(
  method: Method,
  path: Path,
  code: number,
  status: number = codeStatus(code),
  options: HandlerOptions = {},
) {
  return on(method, path, () => json(v1Error(code), status, options.headers), options);
}

/**
 * An authentication or authorization failure by v1.1 code, with X's status for it: 89 (invalid or expired
 * token, 401) by default; 32 (could not authenticate, 401), 135 (timestamp out of bounds, 401), 215 (bad
 * authentication data, 400), 220, 261, 326, ….
 */
export function authError(method: Method, path: Path, code = 89, options: HandlerOptions = {}) {
  return xError(method, path, code, codeStatus(code), options);
}

/** A v2 problem type (slug or URI), with the status X sends it with unless `status` is given. */
export function xProblem(
  method: Method,
  path: Path,
  type: string,
  status: number = xCatalogue.problems.get(problemSlug(type))?.status ?? 400,
  options: HandlerOptions & { fields?: Record<string, unknown> } = {},
) {
  return on(method, path, () => problemJson(problem(type, options.fields), status, options.headers), options);
}

/**
 * A 200 that carries partial errors beside `data`, as X's v2 lookups do: the `found` resources as `data` and a
 * `resource-not-found` problem for each of the `missing` ids.
 */
export function partialResults(
  method: Method,
  path: Path,
  result: {
    readonly found: readonly unknown[];
    readonly missing: readonly string[];
    readonly resourceType?: string;
    readonly parameter?: string;
  },
  options: HandlerOptions = {},
) {
  return on(
    method,
    path,
    () =>
      json(
        lookupBody(
          result.found.length > 0 ? result.found : undefined,
          result.missing,
          result.resourceType,
          result.parameter,
        ) as never,
        200,
        options.headers,
      ),
    options,
  );
}

/** The monthly usage cap: 429 + usage-capped while x-rate-limit-remaining is far above 0. */
export function usageCap(method: Method, path: Path, options: HandlerOptions = {}) {
  return on(method, path, () => xFailures['usage-capped'](options.headers), options);
}

/** A proxy's HTML 502 page. */
export function proxyBadGateway(method: Method, path: Path, options: HandlerOptions = {}) {
  return on(method, path, () => xFailures['proxy-502'](options.headers), options);
}

/** A network failure (fetch rejects). */
export function networkError(method: Method, path: Path, options: HandlerOptions = {}) {
  return on(method, path, () => xFailures['network-error'](), options);
}

/**
 * A scripted sequence: the n-th request gets the n-th response; the last one repeats. A counter rather than a
 * generator resolver, so that a slow response does not hold back the requests behind it.
 */
export function sequence(
  method: Method,
  path: Path,
  responses: readonly (() => Response | Promise<Response>)[],
) {
  if (responses.length === 0) throw new TypeError('`responses` must not be empty');
  let next = 0;
  return http[method](path, () => responses[Math.min(next++, responses.length - 1)]!());
}
