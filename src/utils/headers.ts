/** Headers as classify() accepts them: a `Headers` object or a plain record (any key case). */
export type HeadersInput = Headers | Readonly<Record<string, unknown>>;

/**
 * Reads one header by its name, which must be lower-case (as every name calmfetch reads is).
 * @internal
 */
export type HeaderGetter = (name: string) => string | undefined;

/**
 * A never-throwing header reader over a `Headers` object or a plain record, whatever the case of its names. Plain
 * records may hold garbage (numbers, arrays, objects): only strings and finite numbers count, an array gives its
 * first string. The first value given under a name wins.
 * @internal
 */
export function headerReader(headers: HeadersInput | undefined | null): HeaderGetter {
  if (headers === undefined || headers === null || typeof headers !== 'object') return () => undefined;
  const all = new Map<string, string>();
  const put = (name: unknown, value: string | undefined) => {
    if (typeof name !== 'string' || value === undefined) return;
    const key = name.toLowerCase();
    if (!all.has(key)) all.set(key, value);
  };
  if (typeof (headers as Headers).get === 'function' && typeof (headers as Headers).forEach === 'function') {
    // One pass over the entries is cheaper than a `get()` per name: undici validates and lower-cases every name
    // it is asked for. Values are as `get()` gives them (set-cookie, which iterates one entry per value, keeps its
    // first: no rate-limit header is repeated that way).
    try {
      (headers as Headers).forEach((value: unknown, name: unknown) => {
        put(name, typeof value === 'string' ? value : undefined);
      });
    } catch {
      // A Headers-like object that throws: read nothing more from it.
    }
  } else {
    for (const key of Object.keys(headers))
      put(key, toHeaderString((headers as Record<string, unknown>)[key]));
  }
  return (name) => all.get(name);
}

function toHeaderString(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (Array.isArray(value)) return value.find((item): item is string => typeof item === 'string');
  return undefined;
}
