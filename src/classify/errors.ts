// The errors inside a body (v1.1 codes, v2 problems), each classified on its own, and the one that decides.
import {
  type Catalogue,
  type Category,
  type FailureCategory,
  problemSlug,
  statusCategory,
} from '../catalogue/index.ts';
import { errorItems, itemCode, itemNumber, itemString, USAGE_CAP_TEXT } from './body.ts';
import type { ApiError, Problem } from './types.ts';

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

/** @internal */
export function readErrors(json: unknown, catalogue: Catalogue): ApiError[] {
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

/**
 * The error that decides a failure: a known code or a problem type with a category of its own.
 * @internal
 */
export function decidingError(errors: readonly ApiError[]): ApiError | undefined {
  const specific = errors.filter((e) =>
    e.kind === 'code' ? e.entry !== undefined : e.entry !== undefined && e.entry.category !== 'status',
  );
  for (const category of PRECEDENCE) {
    const found = specific.find((e) => e.category === category);
    if (found) return found;
  }
  return undefined;
}

/** @internal */
export function describeError(error: ApiError, status: number | undefined): string {
  const on = status === undefined ? '' : ` on HTTP ${status}`;
  if (error.kind === 'code') return `code ${error.code} "${error.entry?.text ?? error.message}"${on}`;
  return `problem ${error.type} "${error.entry?.title ?? error.title ?? error.type}"${on}`;
}

/** @internal */
export function isUsageCap(errors: readonly ApiError[], text: string | undefined): boolean {
  const said = (value: string | undefined) => value !== undefined && USAGE_CAP_TEXT.test(value);
  return (
    errors.some((e) =>
      e.kind === 'code' ? said(e.message) : e.entry?.capped === true || said(e.title) || said(e.detail),
    ) ||
    (text !== undefined && said(text.slice(0, 4096)))
  );
}
