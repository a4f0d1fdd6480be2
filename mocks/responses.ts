import { HttpResponse, type JsonBodyType } from 'msw';
import { invalidTokenBody, PROXY_502_HTML, problem, usageCapped, v1Error } from './bodies.ts';
import { rateLimitHeaders } from './headers.ts';
import { noRules, tooManyConnections } from './stream.ts';

type Extra = Record<string, string>;

const json = (body: JsonBodyType, status: number, headers: Extra = {}) =>
  HttpResponse.json(body, { status, headers });
const problemJson = (body: unknown, status: number, headers: Extra = {}) =>
  new HttpResponse(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/problem+json', ...headers },
  });

/** Response builders for JSON and problem+json bodies. */
export const respond = { json, problemJson };

/** X's failures, each exactly as X (or the proxy in front of it) sends it. One place, for handlers and the fake API. */
export const xFailures = {
  'over-capacity': (headers?: Extra) => json(v1Error(130), 503, headers),
  'internal-error': (headers?: Extra) => json(v1Error(131), 500, headers),
  'enhance-your-calm': (headers?: Extra) =>
    json({ errors: [{ message: 'Enhance Your Calm' }] }, 420, headers),
  'service-unavailable': (headers?: Extra) =>
    problemJson(problem('about:blank', { title: 'Service Unavailable', status: 503 }), 503, headers),
  'network-error': () => HttpResponse.error(),
  'expired-token': (headers?: Extra) => json(v1Error(89), 401, headers),
  'proxy-502': (headers?: Extra) =>
    new HttpResponse(PROXY_502_HTML, { status: 502, headers: { 'content-type': 'text/html', ...headers } }),
  // X sends the usage cap while x-rate-limit-remaining is still far above 0.
  'usage-capped': (headers?: Extra) =>
    problemJson(usageCapped(), 429, { ...rateLimitHeaders({ remaining: 297, limit: 300 }), ...headers }),
  // A page token X no longer accepts (expired, or never valid): 400 invalid-request naming the parameter.
  'invalid-pagination-token': (headers?: Extra) =>
    problemJson(invalidTokenBody('pagination_token', 'expired'), 400, headers),
  // A stream connect while the stream already has its connections: 429 whose x-rate-limit-* counts connects.
  'too-many-connections': (headers?: Extra) => tooManyConnections(headers),
  // A filtered stream connect with no rules: 409.
  'stream-no-rules': (headers?: Extra) => noRules(headers),
} as const satisfies Record<string, (headers?: Extra) => Response>;

export type FaultKind = keyof typeof xFailures;
