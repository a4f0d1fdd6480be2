/** Headers as classify() accepts them: a `Headers` object or a plain record (any key case). */
export type HeadersInput = Headers | Readonly<Record<string, unknown>>;

/** Reads one header by its name, which must be lower-case (as every name calmfetch reads is). */
export type HeaderGetter = (name: string) => string | undefined;

/**
 * A case-insensitive, never-throwing header reader. Plain records may hold garbage (numbers, arrays, objects):
 * only strings and finite numbers count, an array gives its first string.
 */
export function headerReader(headers: HeadersInput | undefined | null): HeaderGetter {
  if (headers === undefined || headers === null || typeof headers !== 'object') return () => undefined;
  if (typeof (headers as Headers).get === 'function' && typeof (headers as Headers).forEach === 'function') {
    // One pass over the (already lower-cased) entries is cheaper than a `get()` per name: undici validates and
    // lower-cases every name it is asked for. Values are as `get()` gives them (set-cookie, which iterates one
    // entry per value, keeps its first: no rate-limit header is repeated that way).
    const all = new Map<string, string>();
    try {
      (headers as Headers).forEach((value: unknown, name: unknown) => {
        if (typeof name !== 'string' || typeof value !== 'string') return;
        const key = name.toLowerCase();
        if (!all.has(key)) all.set(key, value);
      });
    } catch {
      // A Headers-like object that throws: read nothing from it.
    }
    return (name) => all.get(name);
  }
  const lower = new Map<string, string>();
  for (const key of Object.keys(headers)) {
    const value = toHeaderString((headers as Record<string, unknown>)[key]);
    if (value !== undefined && !lower.has(key.toLowerCase())) lower.set(key.toLowerCase(), value);
  }
  return (name) => lower.get(name);
}

function toHeaderString(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (Array.isArray(value)) return value.find((item): item is string => typeof item === 'string');
  return undefined;
}
