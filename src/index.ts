// The public surface of calmfetch: every export by name, no logic.

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

export type { CalmEvent, CalmEventType } from './client/events.ts';
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
  RetryBudgetOption,
  RetryContext,
  RetryOptions,
  SearchParams,
  SearchParamValue,
} from './client/options.ts';
export { DEFAULTS } from './client/options.ts';
export { AuthError, isAuthError } from './errors/AuthError.ts';
export type { CalmErrorDetails, RequestSummary } from './errors/CalmError.ts';
export { CalmError, isCalmError } from './errors/CalmError.ts';
export { isPermanentError, PermanentError } from './errors/PermanentError.ts';
export { isRateLimitError, RateLimitError } from './errors/RateLimitError.ts';
export { isRetryableError, RetryableError } from './errors/RetryableError.ts';
export type { ParseOptions, RateLimitInfo, RateLimitWindow } from './rate-limit/parse.ts';
export { parseRateLimit } from './rate-limit/parse.ts';
export type { BucketRequest } from './scheduler/bucket.ts';
export type { LimiterEvent } from './scheduler/limiter.ts';
export type { RedisClientLike } from './scheduler/redis.ts';
