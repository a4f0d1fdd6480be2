import { X_CODE_DOCS } from './docs/codes.ts';
import { X_PROBLEM_DOCS } from './docs/problems.ts';
import { X_STATUS_DOCS } from './docs/statuses.ts';
import { xCatalogue } from './index.ts';
import type { Catalogue } from './types.ts';

/** Each entry of `base` with its docs merged in, frozen. */
function merged<K, E>(base: ReadonlyMap<K, E>, docs: Readonly<Record<string, object>>): Map<K, E> {
  return new Map([...base].map(([key, entry]) => [key, Object.freeze({ ...entry, ...docs[String(key)] })]));
}

/**
 * The X catalogue with everything X's error documentation says: `xCatalogue` (categories, texts, tips) plus each
 * entry's `description`, the reason for its category (`why`), variant texts, Developer Labs titles and API versions.
 * It classifies exactly as `xCatalogue` does; pass it as the `catalogue` option when classifications should carry
 * the descriptions. A bundle that does not import it leaves its texts out (issue 18: about 6 kB gzipped).
 */
export const xCatalogueFull: Catalogue = Object.freeze({
  name: xCatalogue.name,
  statuses: merged(xCatalogue.statuses, X_STATUS_DOCS),
  codes: merged(xCatalogue.codes, X_CODE_DOCS),
  problems: merged(xCatalogue.problems, X_PROBLEM_DOCS),
});
