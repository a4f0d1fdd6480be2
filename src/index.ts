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
export type { ParseOptions, RateLimitInfo, RateLimitWindow } from './rate-limit/parse.ts';
export { parseRateLimit } from './rate-limit/parse.ts';
