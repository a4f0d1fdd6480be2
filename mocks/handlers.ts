import { http } from 'msw';
import { problem, v1Error } from './bodies.ts';
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

/** 429 + code 88 with x-rate-limit-* headers (remaining 0, reset in `resetInSeconds`). */
export function rateLimited(
  method: Method,
  path: Path,
  options: HandlerOptions & RateLimitHeaderOptions = {},
) {
  return on(
    method,
    path,
    () => json(v1Error(88), 429, { ...rateLimitHeaders({ ...options, remaining: 0 }), ...options.headers }),
    options,
  );
}

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

/** A v1.1 error code with the status X documents for it (or `status`). */
export function xError(
  method: Method,
  path: Path,
  code: number,
  status: number,
  options: HandlerOptions = {},
) {
  return on(method, path, () => json(v1Error(code), status, options.headers), options);
}

/** A v2 problem type with its status. */
export function xProblem(
  method: Method,
  path: Path,
  type: string,
  status: number,
  options: HandlerOptions & { fields?: Record<string, unknown> } = {},
) {
  return on(method, path, () => problemJson(problem(type, options.fields), status, options.headers), options);
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
