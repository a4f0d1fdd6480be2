import type { ApiError } from '../classify/classify.ts';

/** The partial errors of a crawl, bounded: every one counted, the first few kept whole. */
export interface ErrorSummary {
  readonly count: number;
  /** Counts by v1.1 code (`code 144`) or v2 problem type (`resource-not-found`). */
  readonly byType: Readonly<Record<string, number>>;
  /** The first `keepErrors` errors, with the index of their page. */
  readonly first: readonly { readonly page: number; readonly error: ApiError }[];
}

/** @internal */
export function summarizeErrors(keep: number) {
  const byType: Record<string, number> = Object.create(null);
  const first: { page: number; error: ApiError }[] = [];
  const view = { count: 0, byType, first };
  return {
    view: view as ErrorSummary,
    add(page: number, errors: readonly ApiError[]) {
      for (const error of errors) {
        view.count++;
        const key = error.kind === 'code' ? `code ${error.code}` : error.type;
        byType[key] = (byType[key] ?? 0) + 1;
        if (first.length < keep) first.push({ page, error });
      }
    },
  };
}
