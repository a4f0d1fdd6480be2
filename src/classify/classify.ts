import {
  type Catalogue,
  type Category,
  type CodeEntry,
  type FailureCategory,
  type ProblemEntry,
  problemSlug,
  statusCategory,
  xCatalogue,
} from '../catalogue/index.ts';
import { type RateLimitInfo, readRateLimit, serverRetryAt } from '../rate-limit/parse.ts';
import { type HeadersInput, headerReader } from '../utils/headers.ts';
import {
  errorItems,
  itemCode,
  itemNumber,
  itemString,
  parseBody,
  type RawItem,
  USAGE_CAP_TEXT,
} from './body.ts';
import { describeThrown, inspectNetworkError } from './network.ts';
import { tipOf } from './tip.ts';

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

/** When several errors in one body disagree, the one that leaves the least hope decides. */
const PRECEDENCE: readonly FailureCategory[] = ['auth-fatal', 'permanent', 'rate-limited', 'retryable'];

const isFailure = (category: Category): category is FailureCategory => category !== 'ok';

function itemCategory(
  catalogue: Catalogue,
  entry: { category: Category | 'status' } | undefined,
  status: number | undefined,
): FailureCategory | undefined {
  if (!entry || entry.category === 'status') {
    if (status === undefined) return undefined;
    const fromStatus = statusCategory(catalogue, status);
    return isFailure(fromStatus) ? fromStatus : undefined;
  }
  return isFailure(entry.category) ? entry.category : undefined;
}

function readErrors(json: unknown, catalogue: Catalogue): ApiError[] {
  const errors: ApiError[] = [];
  for (const raw of errorItems(json)) {
    const code = itemCode(raw);
    if (code !== undefined) {
      const entry = catalogue.codes.get(code);
      errors.push({
        kind: 'code',
        code,
        message: itemString(raw, 'message') ?? entry?.text ?? `Code ${code}`,
        category: entry?.category ?? 'permanent',
        ...(entry && { entry }),
        raw,
      });
      continue;
    }
    const typeUri = itemString(raw, 'type', 500);
    const type = typeUri === undefined ? 'about:blank' : problemSlug(typeUri);
    const entry = catalogue.problems.get(type);
    const status = itemNumber(raw, 'status');
    const title = itemString(raw, 'title');
    const detail = itemString(raw, 'detail') ?? itemString(raw, 'message');
    const resourceId = itemString(raw, 'resource_id') ?? itemString(raw, 'value');
    const resourceType = itemString(raw, 'resource_type');
    const parameter = itemString(raw, 'parameter');
    const problem: Problem = {
      kind: 'problem',
      type,
      category: itemCategory(catalogue, entry, status) ?? 'permanent',
      raw,
      ...(typeUri !== undefined && { typeUri }),
      ...(title !== undefined && { title }),
      ...(detail !== undefined && { detail }),
      ...(status !== undefined && { status }),
      ...(resourceId !== undefined && { resourceId }),
      ...(resourceType !== undefined && { resourceType }),
      ...(parameter !== undefined && { parameter }),
      ...(entry && { entry }),
    };
    errors.push(problem);
  }
  return errors;
}

/** The error that decides a failure: a known code or a problem type with a category of its own. */
function decidingError(errors: readonly ApiError[]): ApiError | undefined {
  const specific = errors.filter((e) =>
    e.kind === 'code' ? e.entry !== undefined : e.entry !== undefined && e.entry.category !== 'status',
  );
  for (const category of PRECEDENCE) {
    const found = specific.find((e) => e.category === category);
    if (found) return found;
  }
  return undefined;
}

function describeError(error: ApiError, status: number | undefined): string {
  const on = status === undefined ? '' : ` on HTTP ${status}`;
  if (error.kind === 'code') return `code ${error.code} "${error.entry?.text ?? error.message}"${on}`;
  return `problem ${error.type} "${error.entry?.title ?? error.title ?? error.type}"${on}`;
}

function isUsageCap(errors: readonly ApiError[], text: string | undefined): boolean {
  const said = (value: string | undefined) => value !== undefined && USAGE_CAP_TEXT.test(value);
  return (
    errors.some((e) =>
      e.kind === 'code' ? said(e.message) : e.entry?.capped === true || said(e.title) || said(e.detail),
    ) ||
    (text !== undefined && said(text.slice(0, 4096)))
  );
}

/** The empty error list every classification without errors shares (frozen: a classification is read-only). */
const NONE: readonly never[] = Object.freeze([]);

const validStatus = (status: unknown): status is number =>
  typeof status === 'number' && Number.isInteger(status) && status >= 100 && status <= 599;

/**
 * Decides what kind of outcome a response or a failure is: `ok`, `retryable`, `rate-limited`, `auth-fatal` or
 * `permanent`. Pure and total: it never throws, whatever it is handed, and never returns a NaN or past wait.
 *
 * A known error code or problem type decides over the bare status (400 + code 215 is auth-fatal, 403 + code 185
 * rate-limited, 503 + code 130 retryable); an unknown one falls back to the status.
 */
export function classify(input: ClassifyInput, options: ClassifyOptions = {}): Classification {
  try {
    return classifyUnsafe(input ?? {}, options);
  } catch (error) {
    // Unreachable by design (fuzzed); a last line so that the promise "never throws" holds even so.
    return bareClassification('permanent', `could not classify: ${describeThrown(error)}`, {
      decidedBy: { kind: 'exception' },
    });
  }
}

/**
 * A classification with nothing read from a response: a refusal by the client itself, or a last resort.
 * @internal
 */
export function bareClassification(
  category: Category,
  reason: string,
  fields: Partial<Omit<Classification, 'category' | 'reason'>> = {},
): Classification {
  return {
    category,
    reason,
    decidedBy: { kind: 'none' },
    errors: NONE,
    codes: NONE,
    problems: NONE,
    rateLimit: {},
    capped: false,
    unprocessed: false,
    ...fields,
  };
}

function classifyUnsafe(input: ClassifyInput, options: ClassifyOptions): Classification {
  const catalogue = options.catalogue ?? xCatalogue;
  const now = options.now ?? Date.now();
  const header = headerReader(input.headers);
  const rateLimit = readRateLimit(header, now);
  const base = { rateLimit, capped: false, errors: NONE, codes: NONE, problems: NONE } as const;

  if (!validStatus(input.status)) {
    if (input.error !== undefined) return classifyThrown(input.error, base);
    const reason = input.status === undefined ? 'no response and no error' : 'invalid HTTP status';
    return { ...base, category: 'permanent', reason, decidedBy: { kind: 'none' }, unprocessed: false };
  }

  const status = input.status;
  const statusEntry = catalogue.statuses.get(status);
  const contentType = header('content-type');
  const parsed = parseBody(input.body, contentType);
  const errors = readErrors(parsed.json, catalogue);
  // Most bodies carry no errors: they share the empty lists instead of filtering for them.
  const found =
    errors.length === 0
      ? { ...base, status }
      : {
          ...base,
          errors,
          codes: errors.filter((e): e is CodeError => e.kind === 'code'),
          problems: errors.filter((e): e is Problem => e.kind === 'problem'),
          status,
        };
  const statusText = statusEntry?.text ?? `HTTP ${status}`;
  const fromStatus = statusCategory(catalogue, status);

  if (fromStatus === 'ok') {
    if (parsed.malformed && status !== 204) {
      return {
        ...found,
        category: 'retryable',
        reason: `HTTP ${status} with a malformed JSON body (truncated or invalid)`,
        decidedBy: { kind: 'body' },
        unprocessed: false,
      };
    }
    const partial =
      errors.length > 0 ? ` with ${errors.length} partial error${errors.length === 1 ? '' : 's'}` : '';
    return {
      ...found,
      category: 'ok',
      reason: `HTTP ${status} ${statusText}${partial}`,
      decidedBy: { kind: 'status', status },
      text: statusText,
      unprocessed: false,
    };
  }

  const decider = decidingError(errors);
  const capped =
    isUsageCap(errors, parsed.text) &&
    (status === 429 || decider?.category === 'rate-limited' || decider?.entry?.capped === true);
  const category: FailureCategory = capped ? 'rate-limited' : (decider?.category ?? fromStatus);
  const tip = tipOf(decider, statusEntry);
  const text = decider ? (decider.kind === 'code' ? decider.entry?.text : decider.entry?.title) : statusText;
  const decidedBy: Decider = decider
    ? decider.kind === 'code'
      ? { kind: 'code', code: decider.code }
      : { kind: 'problem', type: decider.type }
    : { kind: 'status', status };
  const reason = decider ? describeError(decider, status) : `HTTP ${status} ${statusText}`;
  const retryAt = capped ? undefined : serverRetryAt(rateLimit, now, category === 'rate-limited');
  const unprocessed = (status >= 400 && status < 500) || (decider?.kind === 'code' && decider.code === 130);
  const clockSkew =
    decider?.kind === 'code' && decider.entry?.clockSkew
      ? {
          ...(rateLimit.serverDate && { serverDate: rateLimit.serverDate }),
          ...(rateLimit.serverDate && { offsetMs: rateLimit.serverDate.getTime() - now }),
        }
      : undefined;
  return {
    ...found,
    category,
    reason: capped ? `${reason} (usage cap: not worth waiting for)` : reason,
    decidedBy,
    capped,
    unprocessed,
    ...(text !== undefined && { text }),
    ...(tip !== undefined && { tip }),
    ...(retryAt && (category === 'rate-limited' || category === 'retryable') && { retryAt }),
    ...(clockSkew && { clockSkew }),
  };
}

function classifyThrown(
  error: unknown,
  base: Pick<Classification, 'rateLimit' | 'capped' | 'errors' | 'codes' | 'problems'>,
): Classification {
  const network = inspectNetworkError(error);
  if (network?.kind === 'abort') {
    return {
      ...base,
      category: 'permanent',
      reason: 'aborted by the caller',
      decidedBy: { kind: 'abort' },
      unprocessed: false,
    };
  }
  if (network?.kind === 'timeout') {
    return {
      ...base,
      category: 'retryable',
      reason: 'the attempt timed out',
      decidedBy: { kind: 'timeout' },
      unprocessed: false,
    };
  }
  if (network) {
    const what = network.code ?? 'connection failed';
    return {
      ...base,
      category: 'retryable',
      reason: `network error ${what}${network.unsent ? ' (the request never reached a server)' : ''}`,
      decidedBy: network.code === undefined ? { kind: 'network' } : { kind: 'network', code: network.code },
      unprocessed: network.unsent,
    };
  }
  return {
    ...base,
    category: 'permanent',
    reason: `unexpected error (${describeThrown(error)}), not a network failure: not retried`,
    decidedBy: { kind: 'exception' },
    unprocessed: false,
  };
}
