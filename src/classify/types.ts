import type { Catalogue, Category, CodeEntry, FailureCategory, ProblemEntry } from '../catalogue/index.ts';
import type { RateLimitInfo } from '../rate-limit/parse.ts';
import type { HeadersInput } from '../utils/headers.ts';
import type { RawItem } from './body.ts';

/** What classify() looks at. Every field is optional and may hold anything: classify never throws. */
export interface ClassifyInput {
  /** The HTTP status, when a response came. */
  readonly status?: number;
  readonly headers?: HeadersInput;
  /** The body: parsed JSON, or raw text (JSON text is parsed here). */
  readonly body?: unknown;
  /** What fetch (or the attempt) threw, when no response came. */
  readonly error?: unknown;
  /** The request method; recorded, it does not change the category. */
  readonly method?: string;
}

export interface ClassifyOptions {
  /** The catalogue to decide with. @default xCatalogue */
  readonly catalogue?: Catalogue;
  /** The local time, epoch ms. @default Date.now() */
  readonly now?: number;
}

/** A v1.1 error (`{"code":88,"message":"Rate limit exceeded"}`), classified on its own. */
export interface CodeError {
  readonly kind: 'code';
  readonly code: number;
  /** The message the server sent (or the documented text when it sent none). */
  readonly message: string;
  readonly category: FailureCategory;
  /** The catalogue entry, when the code is known. */
  readonly entry?: CodeEntry;
  readonly raw: RawItem;
}

/** A v2 problem (`{"type":"https://api.x.com/2/problems/resource-not-found","title":…,"detail":…}`). */
export interface Problem {
  readonly kind: 'problem';
  /** The problem type's key: the last path segment of its URI (`resource-not-found`), or `about:blank`. */
  readonly type: string;
  /** The type URI as sent. */
  readonly typeUri?: string;
  readonly title?: string;
  readonly detail?: string;
  readonly status?: number;
  /** For a partial error: the id of the resource that could not be had (`resource_id`, else `value`). */
  readonly resourceId?: string;
  /** For a partial error: what kind of resource it is (`tweet`, `user`, …). */
  readonly resourceType?: string;
  /** For a partial error: the request parameter that named it (`ids`, `id`, `usernames`, …). */
  readonly parameter?: string;
  readonly category: FailureCategory;
  readonly entry?: ProblemEntry;
  readonly raw: RawItem;
}

export type ApiError = CodeError | Problem;

/** What decided the category. */
export type Decider =
  | { readonly kind: 'code'; readonly code: number }
  | { readonly kind: 'problem'; readonly type: string }
  | { readonly kind: 'status'; readonly status: number }
  | { readonly kind: 'body' }
  | { readonly kind: 'network'; readonly code?: string }
  | { readonly kind: 'timeout' }
  | { readonly kind: 'abort' }
  | { readonly kind: 'exception' }
  | { readonly kind: 'none' };

export interface Classification {
  readonly category: Category;
  /** A human-readable account of what decided: `code 88 "Rate limit exceeded." on HTTP 429`. */
  readonly reason: string;
  readonly decidedBy: Decider;
  readonly status?: number;
  /** The documented text of what decided (code text, problem title or status text). */
  readonly text?: string;
  /** The troubleshooting tip of what decided, or of the status. */
  readonly tip?: string;
  /** Every error in the body, in order; on a 2xx these are the partial errors. */
  readonly errors: readonly ApiError[];
  readonly codes: readonly CodeError[];
  readonly problems: readonly Problem[];
  readonly rateLimit: RateLimitInfo;
  /** When the server said a retry may go (Retry-After, or the reset of a spent window); on the local clock. */
  readonly retryAt?: Date;
  /** Rate-limited by a usage cap: not worth waiting for (no `retryAt`). */
  readonly capped: boolean;
  /**
   * True when the server (or the network) turned the request away before processing it — a 4xx, 420/429,
   * 503 + code 130, a refused connection — so that resending cannot duplicate a write, whatever the method.
   */
  readonly unprocessed: boolean;
  /** Code 135: the OAuth timestamp was out of bounds; the server's clock, for comparison with ours. */
  readonly clockSkew?: { readonly serverDate?: Date; readonly offsetMs?: number };
}
