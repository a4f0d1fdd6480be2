import { type Category, type FailureCategory, statusCategory, xCatalogue } from '../catalogue/index.ts';
import { readRateLimit, serverRetryAt } from '../rate-limit/parse.ts';
import { headerReader } from '../utils/headers.ts';
import { parseBody } from './body.ts';
import { decidingError, describeError, isUsageCap, readErrors } from './errors.ts';
import { describeThrown, inspectNetworkError } from './network.ts';
import { tipOf } from './tip.ts';
import type {
  ApiError,
  Classification,
  ClassifyInput,
  ClassifyOptions,
  CodeError,
  Decider,
  Problem,
} from './types.ts';

export type { ApiError, Classification, ClassifyInput, ClassifyOptions, CodeError, Decider, Problem };

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
  /** `HTTP 503 Service Unavailable`; a status the catalogue does not know reads `HTTP 201`, not `HTTP 201 HTTP 201`. */
  const statusLabel = statusEntry ? `HTTP ${status} ${statusText}` : statusText;
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
      reason: `${statusLabel}${partial}`,
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
  const reason = decider ? describeError(decider, status) : statusLabel;
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
