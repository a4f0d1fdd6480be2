// The public surface of calmfetch: every export by name, no logic.

export type { OAuth1Credentials, OAuth1Request, OAuth1SignOptions } from './auth/oauth1.ts';
export { normalizeOAuth1, oauth1Identity, signOAuth1 } from './auth/oauth1.ts';
export type { ServerClockOptions, SkewDecision } from './auth/server-clock.ts';
export { DEFAULT_SKEW_TOLERANCE_MS, ServerClock, skewRetry } from './auth/server-clock.ts';
// xCatalogueFull is a module of its own: a bundle that does not import it leaves the descriptions out (issue 18).
export { xCatalogueFull } from './catalogue/full.ts';
export type {
  Catalogue,
  CatalogueOverrides,
  Category,
  CodeEntry,
  FailureCategory,
  ProblemEntry,
  StatusEntry,
} from './catalogue/index.ts';
export { CATEGORIES, defineCatalogue, problemSlug, xCatalogue } from './catalogue/index.ts';
export type { CodeDocs, ProblemDocs, StatusDocs } from './catalogue/types.ts';
export type {
  ApiError,
  Classification,
  ClassifyInput,
  ClassifyOptions,
  CodeError,
  Decider,
  Problem,
} from './classify/classify.ts';
export { classify } from './classify/classify.ts';
export type { CalmClient, CalmResponse, HttpMethod } from './client/client.ts';
export { createClient } from './client/client.ts';
export { AuthError, isAuthError } from './errors/AuthError.ts';
export type { CalmErrorDetails, RequestSummary } from './errors/CalmError.ts';
export { CalmError, isCalmError } from './errors/CalmError.ts';
export type { PaginationStop } from './errors/PaginationError.ts';
export { isPaginationError, PaginationError } from './errors/PaginationError.ts';
export { isPermanentError, PermanentError } from './errors/PermanentError.ts';
export { isRateLimitError, RateLimitError } from './errors/RateLimitError.ts';
export { isRetryableError, RetryableError } from './errors/RetryableError.ts';
export { DEFAULTS } from './options/defaults.ts';
export type {
  AuthOption,
  BeforeRetryAnswer,
  ClientOptions,
  Hooks,
  Priority,
  RateLimitContext,
  RateLimitOptions,
  RateLimitRedisOption,
  RequestBody,
  RequestCallOptions,
  RequestOptions,
  ResponseType,
  RetryBudgetOption,
  RetryContext,
  RetryOptions,
  SearchParams,
  SearchParamValue,
} from './options/types.ts';
export type { CursorState } from './paginate/cursor.ts';
export { inspectCursor } from './paginate/cursor.ts';
export type { PaginateOptions } from './paginate/options.ts';
export { PAGINATE_DEFAULTS } from './paginate/options.ts';
export type { DoneReason, Page, Paginator } from './paginate/paginate.ts';
export { paginate } from './paginate/paginate.ts';
export type { EndpointRule, TokenParam } from './paginate/rules.ts';
export { ENDPOINT_RULES } from './paginate/rules.ts';
export type { ErrorSummary } from './paginate/summary.ts';
export { preload } from './preload.ts';
export type { ParseOptions, RateLimitInfo, RateLimitWindow } from './rate-limit/parse.ts';
export { parseRateLimit } from './rate-limit/parse.ts';
export type { CalmEvent, CalmEventType } from './result/events.ts';
export type { BucketRequest } from './scheduler/bucket.ts';
export type { LimiterEvent } from './scheduler/limiter.ts';
export type { RedisClientLike } from './scheduler/redis.ts';
export type { DisconnectWhy, StreamEvent } from './stream/events.ts';
export type {
  LaggingPolicy,
  StreamOptions,
  StreamReconnectOptions,
  StreamRecoveryOptions,
} from './stream/options.ts';
export { STREAM_DEFAULTS } from './stream/options.ts';
export type { ReconnectSchedule } from './stream/schedule.ts';
export type { CalmStream, StreamMessage } from './stream/stream.ts';
