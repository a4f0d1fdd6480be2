/** At most this many entries of an `errors` array are read; a huge array is not worth more. */
const MAX_ERRORS = 100;
/**
 * Raw text longer than this is not parsed for error details (a 10 MB body says nothing a 2 MB one wouldn't).
 * @internal
 */
export const MAX_PARSE_CHARS = 2 * 1024 * 1024;

/** A raw error item as the server sent it: a v1.1 `{code, message}` or a v2 problem. */
export type RawItem = Readonly<Record<string, unknown>>;

/** @internal */
export interface ParsedBody {
  /** The JSON value, or undefined when the body is not JSON (HTML, empty, truncated). */
  readonly json: unknown;
  /** True when the body looked like JSON (by content type or first character) but did not parse. */
  readonly malformed: boolean;
  /** Raw text, when the body was text. */
  readonly text?: string;
}

/** Whitespace as `String.prototype.trim` sees it (a BOM and Unicode spaces too), tested one character at a time. */
function isSpace(text: string, index: number): boolean {
  const c = text.charCodeAt(index);
  return c === 0x20 || (c >= 0x09 && c <= 0x0d) || (c > 0x7f && /\s/.test(text.charAt(index)));
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Whether a content type is JSON (`application/json`, `application/problem+json`, …).
 * @internal
 */
export function isJsonContentType(contentType: string | undefined): boolean {
  return contentType !== undefined && /[/+]json\b/i.test(contentType);
}

/**
 * Parses a body handed in as text or as an already-parsed value. Never throws. Bodies over `maxChars` (2 MB by
 * default: an error body that large is not worth parsing to classify) are left as text; the client lifts the
 * limit for a success, whose data the caller asked for.
 * @internal
 */
export function parseBody(body: unknown, contentType?: string, maxChars = MAX_PARSE_CHARS): ParsedBody {
  if (typeof body !== 'string') return { json: body, malformed: false };
  // The first character that is not whitespace; no trimmed copy of the body is made unless it is needed.
  let start = 0;
  while (start < body.length && isSpace(body, start)) start++;
  if (start === body.length) return { json: undefined, malformed: false, text: body };
  const first = body.charCodeAt(start);
  const looksJson = first === 0x7b || first === 0x5b || isJsonContentType(contentType); // `{` or `[`
  if (!looksJson || body.length - start > maxChars) return { json: undefined, malformed: false, text: body };
  try {
    return { json: JSON.parse(body), malformed: false, text: body };
  } catch {
    // JSON.parse skips only JSON's own whitespace: a BOM or a Unicode space around the value needs the trim.
    try {
      const trimmed = body.trim();
      if (trimmed.length !== body.length) return { json: JSON.parse(trimmed), malformed: false, text: body };
    } catch {
      // Malformed either way.
    }
    return { json: undefined, malformed: true, text: body };
  }
}

/**
 * The error items of a body: a v1.1 or v2 `errors` array, or a top-level v2 problem.
 * @internal
 */
export function errorItems(json: unknown): RawItem[] {
  if (!isRecord(json)) return [];
  const items: RawItem[] = [];
  const list = json.errors;
  if (Array.isArray(list)) {
    for (const item of list.slice(0, MAX_ERRORS)) if (isRecord(item)) items.push(item);
  }
  if (looksLikeProblem(json)) items.push(json);
  return items;
}

/** A top-level problem+json document: it has a string `type`, or both `title` and `detail`. */
function looksLikeProblem(json: Record<string, unknown>): boolean {
  return typeof json.type === 'string' || (typeof json.title === 'string' && typeof json.detail === 'string');
}

/**
 * A v1.1 code from an item (`code` as a number or numeric string), if any.
 * @internal
 */
export function itemCode(item: RawItem): number | undefined {
  const code = item.code;
  if (typeof code === 'number' && Number.isSafeInteger(code) && code >= 0) return code;
  if (typeof code === 'string' && /^\d{1,9}$/.test(code)) return Number(code);
  return undefined;
}

/**
 * A string field of an item, bounded in length, or undefined.
 * @internal
 */
export function itemString(item: RawItem, key: string, max = 2000): string | undefined {
  const value = item[key];
  return typeof value === 'string' ? value.slice(0, max) : undefined;
}

/**
 * A whole-number field of an item, or undefined.
 * @internal
 */
export function itemNumber(item: RawItem, key: string): number | undefined {
  const value = item[key];
  return typeof value === 'number' && Number.isSafeInteger(value) ? value : undefined;
}

/**
 * X's usage-cap wording: "Usage cap exceeded: Monthly product cap", title "UsageCapExceeded".
 * @internal
 */
export const USAGE_CAP_TEXT = /usage[\s-]?cap|monthly\s+(?:product|post|tweet)\s+cap|UsageCapExceeded/i;
