// calmfetch/mocks: X's failures, ready-made for msw. Explicit exports only. Nothing here imports a Node module, so
// the handlers run in a browser (msw's service worker); the loopback server is in ./node.ts (calmfetch/mocks/node).

export type { FaultKind, MockEndpoint, MockFault, MockXApi, MockXApiOptions, MockXApiStats } from './api.ts';
export { createMockXApi } from './api.ts';
export {
  invalidTokenBody,
  lookupBody,
  notFound,
  PROXY_502_HTML,
  problem,
  usageCapped,
  v1Error,
} from './bodies.ts';
export type { HandlerOptions } from './handlers.ts';
export {
  authError,
  enhanceYourCalm,
  internalError,
  networkError,
  overCapacity,
  partialResults,
  proxyBadGateway,
  rateLimited,
  sequence,
  usageCap,
  xError,
  xProblem,
} from './handlers.ts';
export type { RateLimitHeaderOptions } from './headers.ts';
export { rateLimitHeaders } from './headers.ts';
export type { MockOAuth1Options, OAuth1Verdict } from './oauth1.ts';
export { oauth1Verifier } from './oauth1.ts';
export type {
  PagedList,
  PagedListOptions,
  PageFault,
  PageFaultHandler,
  PageFaultKind,
} from './paginated.ts';
export {
  emptyPageWithToken,
  invalidTokenOnPage,
  pagedList,
  paginated,
  perSecondLimitOnPage,
  rateLimitedOnPage,
  repeatedToken,
  usageCapOnPage,
} from './paginated.ts';
export { respond, xFailures } from './responses.ts';
export type { StreamConnection, StreamStep } from './stream.ts';
export {
  noRules,
  OPERATIONAL_DISCONNECT,
  streamBody,
  streamResponse,
  streamSteps,
  tooManyConnections,
  xStream,
} from './stream.ts';
