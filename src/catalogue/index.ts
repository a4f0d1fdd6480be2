import { X_CODES } from './codes.ts';
import { X_PROBLEMS } from './problems.ts';
import { X_STATUSES } from './statuses.ts';
import {
  CATEGORIES,
  type Catalogue,
  type Category,
  type CodeEntry,
  type ProblemEntry,
  type StatusEntry,
} from './types.ts';

export type { Catalogue, Category, CodeEntry, FailureCategory, ProblemEntry, StatusEntry } from './types.ts';
export { CATEGORIES } from './types.ts';

/**
 * The key of a v2 problem type: the last path segment of its URI, lower-cased, so that
 * `https://api.X.com/2/problems/usage-capped`, `https://api.twitter.com/2/problems/usage-capped/` and
 * `usage-capped` are one key. `about:blank` stays as it is.
 */
export function problemSlug(type: string): string {
  const trimmed = type.trim().toLowerCase();
  if (trimmed === '' || trimmed === 'about:blank') return trimmed;
  const path = trimmed.split(/[?#]/, 1)[0] ?? '';
  const segments = path.split('/').filter((segment) => segment !== '');
  return segments.at(-1) ?? '';
}

/**
 * The X API catalogue: every status, v1.1 code and v2 problem type in X's error documentation, with what classifying
 * and error messages need (category, documented text, tip). `xCatalogueFull` adds X's descriptions and the reasons.
 */
export const xCatalogue: Catalogue = Object.freeze({
  name: 'x',
  statuses: new Map<number, StatusEntry>(X_STATUSES.map((entry) => [entry.status, entry])),
  codes: new Map<number, CodeEntry>(X_CODES.map((entry) => [entry.code, entry])),
  problems: new Map<string, ProblemEntry>(X_PROBLEMS.map((entry) => [entry.type, entry])),
});

/** Additions and re-mappings for an API that borrowed X's conventions. */
export interface CatalogueOverrides {
  /** A name for the new catalogue (shown nowhere but useful in logs). */
  readonly name?: string;
  /** Statuses to add or change, by status. */
  readonly statuses?: Readonly<Record<number, Partial<Omit<StatusEntry, 'status'>>>>;
  /** v1.1-style error codes to add or change, by code. */
  readonly codes?: Readonly<Record<number, Partial<Omit<CodeEntry, 'code'>>>>;
  /** Problem types to add or change, by URI or slug. */
  readonly problems?: Readonly<Record<string, Partial<Omit<ProblemEntry, 'type'>>>>;
}

const isCategory = (value: unknown, allowStatus: boolean): boolean =>
  (CATEGORIES as readonly unknown[]).includes(value) || (allowStatus && value === 'status');

function checkCategory(where: string, value: unknown, allowStatus: boolean, required: boolean): void {
  if (value === undefined && !required) return;
  if (!isCategory(value, allowStatus)) {
    const allowed = [...CATEGORIES, ...(allowStatus ? ['status'] : [])].join(', ');
    throw new TypeError(`${where}.category must be one of ${allowed}; got ${String(value)}`);
  }
}

function numericKey(where: string, key: string): number {
  const value = Number(key);
  if (!Number.isInteger(value) || value < 0) throw new TypeError(`${where}: "${key}" is not a whole number`);
  return value;
}

/**
 * A catalogue built from `base` with entries added or re-mapped. An override of an existing entry may change any
 * field (usually just `category`); a new entry needs at least a `category`.
 *
 * @example
 * const mrets = defineCatalogue(xCatalogue, { name: 'm-rets', codes: { 88: { category: 'retryable' } } });
 */
export function defineCatalogue(base: Catalogue, overrides: CatalogueOverrides): Catalogue {
  if (typeof overrides !== 'object' || overrides === null) {
    throw new TypeError('defineCatalogue: overrides must be an object');
  }
  const statuses = new Map(base.statuses);
  for (const [key, patch] of Object.entries(overrides.statuses ?? {})) {
    const status = numericKey('overrides.statuses', key);
    const existing = statuses.get(status);
    checkCategory(`overrides.statuses[${key}]`, patch.category, false, existing === undefined);
    statuses.set(status, {
      text: `HTTP ${status}`,
      description: '',
      ...existing,
      ...patch,
      status,
    } as StatusEntry);
  }
  const codes = new Map(base.codes);
  for (const [key, patch] of Object.entries(overrides.codes ?? {})) {
    const code = numericKey('overrides.codes', key);
    const existing = codes.get(code);
    checkCategory(`overrides.codes[${key}]`, patch.category, false, existing === undefined);
    if ((patch.category as unknown) === 'ok')
      throw new TypeError(`overrides.codes[${key}].category cannot be ok`);
    codes.set(code, { text: `Code ${code}`, description: '', ...existing, ...patch, code } as CodeEntry);
  }
  const problems = new Map(base.problems);
  for (const [key, patch] of Object.entries(overrides.problems ?? {})) {
    const type = problemSlug(key);
    if (type === '') throw new TypeError(`overrides.problems: "${key}" is not a problem type`);
    const existing = problems.get(type);
    checkCategory(`overrides.problems[${key}]`, patch.category, true, existing === undefined);
    problems.set(type, { title: type, description: '', ...existing, ...patch, type } as ProblemEntry);
  }
  return Object.freeze({ name: overrides.name ?? `${base.name}+`, statuses, codes, problems });
}

/**
 * The category a catalogue gives a status, or the fallback for unknown statuses (4xx permanent, 5xx retryable).
 * @internal
 */
export function statusCategory(catalogue: Catalogue, status: number): Category {
  const known = catalogue.statuses.get(status);
  if (known) return known.category;
  if ((status >= 200 && status < 300) || status === 304) return 'ok';
  if (status >= 500 && status < 600) return 'retryable';
  return 'permanent';
}
