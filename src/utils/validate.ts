// Option validation: each check throws a TypeError that names the option.

/** @internal */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** @internal */
export function checkNumber(
  name: string,
  value: unknown,
  { integer = false, min = 0, max = Number.POSITIVE_INFINITY, allowInfinity = false } = {},
): number {
  const ok =
    typeof value === 'number' &&
    !Number.isNaN(value) &&
    (Number.isFinite(value) || (allowInfinity && value === Number.POSITIVE_INFINITY)) &&
    (!integer || !Number.isFinite(value) || Number.isInteger(value)) &&
    value >= min &&
    value <= max;
  if (!ok) {
    const what = `${integer ? 'an integer' : 'a number'} ≥ ${min}${Number.isFinite(max) ? ` and ≤ ${max}` : ''}${allowInfinity ? ' (or Infinity)' : ''}`;
    throw new TypeError(`\`${name}\` must be ${what}; got ${describe(value)}`);
  }
  return value;
}

/** @internal */
export function checkFunction(name: string, value: unknown): void {
  if (value !== undefined && typeof value !== 'function') {
    throw new TypeError(`\`${name}\` must be a function; got ${describe(value)}`);
  }
}

/** @internal */
export function checkBoolean(name: string, value: unknown): void {
  if (value !== undefined && typeof value !== 'boolean') {
    throw new TypeError(`\`${name}\` must be a boolean; got ${describe(value)}`);
  }
}

/**
 * Rejects keys an options object does not know, so that a typo never passes silently.
 * @internal
 */
export function checkKeys(name: string, value: Record<string, unknown>, known: readonly string[]): void {
  for (const key of Object.keys(value)) {
    if (!known.includes(key)) {
      throw new TypeError(`\`${name}\` has an unknown option \`${key}\`; known: ${known.join(', ')}`);
    }
  }
}

/**
 * A value as it may appear in an error message: its type and, for short primitives, its value. Never a secret.
 * @internal
 */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'undefined')
    return String(value);
  if (typeof value === 'string') return 'a string';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'function' ? 'a function' : `an ${typeof value}`;
}

/**
 * Whether a string holds a control character (a line break, NUL, DEL), which no header value may: checked before
 * a credential reaches `Headers`, whose own error would quote it.
 * @internal
 */
export function hasControlCharacter(value: string): boolean {
  for (let index = 0; index < value.length; index++) {
    const code = value.charCodeAt(index);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}
