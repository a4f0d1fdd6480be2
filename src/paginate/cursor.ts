// The resume cursor: an opaque, versioned string (base64url of a small JSON object). It holds positions and counts,
// never a credential: the query's values are only present as a fingerprint.

/** What a cursor records. Read it with {@link inspectCursor}; build it only through `paginate()`. */
export interface CursorState {
  /** The path the crawl reads, as given (`/2/users/2244994945/tweets`). */
  readonly path: string;
  /** A fingerprint of the stable query (method, path, parameters other than the page token). */
  readonly queryHash: string;
  /** The token of the next page; undefined when the crawl reached its end. */
  readonly nextToken: string | undefined;
  /** Pages and items read so far, over every run of this crawl. */
  readonly pages: number;
  readonly items: number;
  /** The oldest and newest ids seen (X's `meta.oldest_id` / `meta.newest_id`). */
  readonly oldestId: string | undefined;
  readonly newestId: string | undefined;
  /**
   * The `since_id` of the next poll: the first page's `meta.newest_id` (X: "the value provided in the first page
   * is the only one needed for the next, regularly scheduled, polling request", search/integrate/paginate.mdx),
   * or the crawl's own `since_id` when the first page had none.
   */
  readonly nextSinceId: string | undefined;
}

/**
 * Bumped when the encoding changes; a cursor of another version is refused.
 * @internal
 */
export const CURSOR_VERSION = 1;
const PREFIX = `cf${CURSOR_VERSION}.`;

interface Wire {
  v: number;
  p: string;
  q: string;
  t?: string;
  n: number;
  i: number;
  o?: string;
  w?: string;
  s?: string;
}

/** @internal */
export function encodeCursor(state: CursorState): string {
  const wire: Wire = { v: CURSOR_VERSION, p: state.path, q: state.queryHash, n: state.pages, i: state.items };
  if (state.nextToken !== undefined) wire.t = state.nextToken;
  if (state.oldestId !== undefined) wire.o = state.oldestId;
  if (state.newestId !== undefined) wire.w = state.newestId;
  if (state.nextSinceId !== undefined) wire.s = state.nextSinceId;
  return PREFIX + toBase64Url(JSON.stringify(wire));
}

/** Decodes a cursor; a TypeError (naming `cursor`) when it is not one this version wrote. */
export function inspectCursor(cursor: string): CursorState {
  const bad = (why: string) => new TypeError(`\`cursor\` is not a calmfetch pagination cursor: ${why}`);
  if (typeof cursor !== 'string') throw bad(`got ${typeof cursor}`);
  if (!cursor.startsWith(PREFIX)) {
    const version = /^cf(\d+)\./.exec(cursor)?.[1];
    throw bad(
      version === undefined ? 'unknown format' : `version ${version}, this calmfetch reads ${CURSOR_VERSION}`,
    );
  }
  let wire: Partial<Wire>;
  try {
    wire = JSON.parse(fromBase64Url(cursor.slice(PREFIX.length))) as Partial<Wire>;
  } catch {
    throw bad('it does not decode');
  }
  const optional = (value: unknown) => value === undefined || typeof value === 'string';
  if (
    typeof wire !== 'object' ||
    wire === null ||
    wire.v !== CURSOR_VERSION ||
    typeof wire.p !== 'string' ||
    typeof wire.q !== 'string' ||
    !Number.isSafeInteger(wire.n) ||
    !Number.isSafeInteger(wire.i) ||
    ![wire.t, wire.o, wire.w, wire.s].every(optional)
  ) {
    throw bad('a field is missing or malformed');
  }
  return {
    path: wire.p,
    queryHash: wire.q,
    nextToken: wire.t,
    pages: wire.n as number,
    items: wire.i as number,
    oldestId: wire.o,
    newestId: wire.w,
    nextSinceId: wire.s,
  };
}

/**
 * FNV-1a (32-bit) over the UTF-16 code units, run twice with different offsets for 64 bits, as 16 hex digits. Not a
 * security hash: a fingerprint that tells two queries apart, pure so that it runs on every runtime (no node:crypto).
 * @internal
 */
export function fingerprint(text: string): string {
  let a = 0x811c9dc5;
  let b = 0x050c5d1f;
  for (let index = 0; index < text.length; index++) {
    const c = text.charCodeAt(index);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x01000193);
  }
  return (a >>> 0).toString(16).padStart(8, '0') + (b >>> 0).toString(16).padStart(8, '0');
}

/**
 * Larger of two X ids (decimal strings of up to 19 digits, compared without precision loss).
 * @internal
 */
export function newerId(a: string | undefined, b: string | undefined): string | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return compareIds(a, b) >= 0 ? a : b;
}

/** @internal */
export function olderId(a: string | undefined, b: string | undefined): string | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return compareIds(a, b) <= 0 ? a : b;
}

function compareIds(a: string, b: string): number {
  if (a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}

// btoa/atob and TextEncoder exist on Node, Deno, Bun, workers and browsers alike.
function toBase64Url(text: string): string {
  let binary = '';
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64Url(encoded: string): string {
  const binary = atob(encoded.replace(/-/g, '+').replace(/_/g, '/'));
  const bytes = Uint8Array.from(binary, (char) => char.charCodeAt(0));
  return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
}
