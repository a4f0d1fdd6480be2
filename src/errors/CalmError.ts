import type { FailureCategory } from '../catalogue/types.ts';
import type { Classification, CodeError, Problem } from '../classify/classify.ts';
import type { RateLimitInfo } from '../rate-limit/parse.ts';

/** The request an error belongs to: method and URL (user info and credential-like query values masked). */
export interface RequestSummary {
  readonly method: string;
  readonly url: string;
}

export interface CalmErrorDetails {
  readonly classification: Classification;
  readonly request: RequestSummary;
  readonly attempts: number;
  /** Why the client stopped, when it could have gone on (limit reached, budget empty, wait too long, …). */
  readonly giveUp?: string;
  /** When the call may be tried again, when the server said (or the client computed a wait it would not take). */
  readonly retryAt?: Date;
}

const BRAND = Symbol.for('calmfetch.CalmError');
/** Node's `util.inspect.custom`, by its registered name: no `node:` import, so the errors load in any runtime. */
const INSPECT = Symbol.for('nodejs.util.inspect.custom');
type Inspect = (value: unknown, options?: unknown) => string;

/**
 * The base of every error calmfetch rejects with. Catch it with {@link isCalmError}, which works without
 * `instanceof` (errors cross realms and duplicate installs); switch on `category`.
 */
export class CalmError extends Error {
  override name: string = 'CalmError';
  readonly category: FailureCategory;
  /** The HTTP status, when a response came. */
  readonly status: number | undefined;
  readonly codes: readonly CodeError[];
  readonly problems: readonly Problem[];
  /** What decided the category: `code 88 "Rate limit exceeded." on HTTP 429`. */
  readonly reason: string;
  readonly attempts: number;
  readonly retryAt: Date | undefined;
  readonly rateLimit: RateLimitInfo;
  readonly request: RequestSummary;
  readonly classification: Classification;
  /** Rate-limited by a usage cap: not worth waiting for. */
  readonly capped: boolean;
  readonly giveUp: string | undefined;
  /**
   * Set on an error thrown by `client.paginate()`: the cursor to resume from (the position before the page that
   * failed). Absent on a single call's error.
   */
  declare readonly cursor?: string;

  constructor(message: string, details: CalmErrorDetails, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    const { classification } = details;
    this.category = classification.category === 'ok' ? 'permanent' : classification.category;
    this.status = classification.status;
    this.codes = classification.codes;
    this.problems = classification.problems;
    this.reason = classification.reason;
    this.attempts = details.attempts;
    this.retryAt = details.retryAt ?? classification.retryAt;
    this.rateLimit = classification.rateLimit;
    this.request = details.request;
    this.classification = classification;
    this.capped = classification.capped;
    this.giveUp = details.giveUp;
    Object.defineProperty(this, BRAND, { value: true });
  }

  /** A plain, secret-free rendering for logs. */
  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      message: this.message,
      category: this.category,
      status: this.status,
      reason: this.reason,
      codes: this.codes.map((c) => ({ code: c.code, message: c.message })),
      problems: this.problems.map((p) => ({ type: p.type, title: p.title, detail: p.detail })),
      attempts: this.attempts,
      retryAt: this.retryAt?.toISOString(),
      capped: this.capped,
      giveUp: this.giveUp,
      request: this.request,
      ...(this.cursor !== undefined && { cursor: this.cursor }),
    };
  }

  /**
   * What `util.inspect` (and so `console.log`) shows: the stack, then {@link toJSON}'s fields and the cause —
   * not the raw bodies inside `classification`, which hold whatever the server sent.
   */
  [INSPECT](_depth: number, options: unknown, inspect?: Inspect): string {
    const { name: _name, message: _message, ...fields } = this.toJSON();
    if (this.cause !== undefined) fields.cause = this.cause;
    const stack = this.stack ?? `${this.name}: ${this.message}`;
    return inspect ? `${stack} ${inspect(fields, options)}` : `${stack} ${JSON.stringify(fields)}`;
  }
}

/** Whether a value is a calmfetch error (from any copy of calmfetch, in any realm). */
export function isCalmError(value: unknown): value is CalmError {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
}
