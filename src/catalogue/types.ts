/**
 * What kind of outcome a response or failure is. The whole client turns on this one decision.
 *
 * - `ok`: 2xx or 304 (also when a 200 carries partial `errors`).
 * - `retryable`: transient — try again after a backoff (500, 502, 503, 504, code 130/131, network failures).
 * - `rate-limited`: a limit was hit — wait for the server's reset (420, 429, code 88, posting limits, usage caps).
 * - `auth-fatal`: the credentials themselves are bad, expired or not allowed — never retried.
 * - `permanent`: the request is wrong or the resource can't be had — never retried.
 */
export type Category = 'ok' | 'retryable' | 'rate-limited' | 'auth-fatal' | 'permanent';

/** The categories a failure can have. */
export type FailureCategory = Exclude<Category, 'ok'>;

export const CATEGORIES = [
  'ok',
  'retryable',
  'rate-limited',
  'auth-fatal',
  'permanent',
] as const satisfies readonly Category[];

/** An HTTP status as X documents it. */
export interface StatusEntry extends StatusDocs {
  readonly status: number;
  readonly text: string;
  readonly category: Category;
  /**
   * The troubleshooting tip X gives for this status, when it gives one. It is shown only when the status alone
   * decided (no code or problem type did, or an `about:blank` problem), or, with {@link tipFor}, when one of those
   * problem types decided.
   */
  readonly tip?: string;
  /**
   * The problem types the tip is about, when it fits only them (X's 400 tip is about filtered-stream rules): the tip
   * is then shown when one of them decides, and never for the bare status.
   */
  readonly tipFor?: readonly string[];
}

/**
 * What only the full catalogue (`xCatalogueFull`) says of a status: no classification or error message reads it,
 * so the core bundle leaves it out (issue 18).
 */
export interface StatusDocs {
  /** X's description of the status (in `xCatalogueFull`; absent from `xCatalogue`). */
  readonly description?: string;
  /** Which API versions X documents the status for. */
  readonly versions?: readonly ('v1.1' | 'v2' | 'labs')[];
  /** Why the category is what it is, where that is not obvious. */
  readonly why?: string;
}

/** A v1.1 machine-readable error code (`{"errors":[{"code":88,"message":"…"}]}`). */
export interface CodeEntry extends CodeDocs {
  readonly code: number;
  /** The HTTP status the code is documented with (absent for codes an extension adds without one). */
  readonly status?: number;
  readonly category: FailureCategory;
  /** The documented error text (X notes the text may change; the code will not). */
  readonly text: string;
  readonly tip?: string;
  /** Code 135: the OAuth timestamp is out of bounds — the local clock is probably wrong. */
  readonly clockSkew?: boolean;
  /** Rate-limited, but not worth waiting for (a usage cap that lasts the billing period). */
  readonly capped?: boolean;
}

/** What only the full catalogue (`xCatalogueFull`) says of a v1.1 code. */
export interface CodeDocs {
  /** X's description of the code (in `xCatalogueFull`; absent from `xCatalogue`). */
  readonly description?: string;
  /** Why the category is what it is, where the documented meaning had to be weighed. */
  readonly why?: string;
  /** Other documented texts sent with the same code. */
  readonly variants?: readonly string[];
}

/**
 * A v2 problem type. Types are URIs (`https://api.x.com/2/problems/usage-capped`); the catalogue keys them by
 * their last path segment (`usage-capped`) so that every host spelling matches, and `about:blank` as is.
 *
 * `category: 'status'` means the type alone does not decide: the HTTP status does.
 */
export interface ProblemEntry extends ProblemDocs {
  readonly type: string;
  readonly title: string;
  readonly category: Category | 'status';
  /** The status the problem usually comes with, when the docs say. */
  readonly status?: number;
  readonly capped?: boolean;
  readonly tip?: string;
}

/** What only the full catalogue (`xCatalogueFull`) says of a v2 problem type. */
export interface ProblemDocs {
  /** X's description of the problem (in `xCatalogueFull`; absent from `xCatalogue`). */
  readonly description?: string;
  /** The name Twitter Developer Labs used for the same problem. */
  readonly labsTitle?: string;
  /** Why the category is what it is, where that is not obvious. */
  readonly why?: string;
}

/** A catalogue: everything classify() knows about an API's statuses, codes and problem types. */
export interface Catalogue {
  readonly name: string;
  readonly statuses: ReadonlyMap<number, StatusEntry>;
  readonly codes: ReadonlyMap<number, CodeEntry>;
  readonly problems: ReadonlyMap<string, ProblemEntry>;
}
