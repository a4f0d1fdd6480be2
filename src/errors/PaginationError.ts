const BRAND = Symbol.for('calmfetch.PaginationError');

/** Why a crawl stopped on its own guard rather than at X's last page. */
export type PaginationStop = 'empty-streak' | 'loop';

/**
 * A crawl stopped by one of its guards: `empty-streak` (more empty pages with a `next_token` in a row than
 * `maxEmptyPages`) or `loop` (X handed back a token this crawl had already used). Every page before it was yielded;
 * `cursor` is the position after the last of them. Thrown rather than ending the loop, so that a crawl that did not
 * reach X's last page never looks like one that did.
 */
export class PaginationError extends Error {
  override name = 'PaginationError' as const;
  readonly reason: PaginationStop;
  /** Where the crawl stood: the cursor of the last page read. */
  readonly cursor: string;
  /** The request path of the crawl. */
  readonly path: string;

  constructor(reason: PaginationStop, details: { cursor: string; path: string; pages: number }) {
    super(
      reason === 'loop'
        ? `GET ${details.path}: X sent a next_token already used in this crawl (after ${details.pages} pages); stopped`
        : `GET ${details.path}: too many empty pages in a row (after ${details.pages} pages); stopped`,
    );
    this.reason = reason;
    this.cursor = details.cursor;
    this.path = details.path;
    Object.defineProperty(this, BRAND, { value: true });
  }
}

/** Whether a value is a PaginationError (from any copy of calmfetch, in any realm). */
export function isPaginationError(value: unknown): value is PaginationError {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
}
