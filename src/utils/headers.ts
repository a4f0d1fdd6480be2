/** Headers as classify() accepts them: a `Headers` object or a plain record (any key case). */
export type HeadersInput = Headers | Readonly<Record<string, unknown>>;

/**
 * A case-insensitive, never-throwing header reader. Plain records may hold garbage (numbers, arrays, objects):
 * only strings and finite numbers count, an array gives its first string.
 */
export function headerReader(headers: HeadersInput | undefined | null): (name: string) => string | undefined {
  if (headers === undefined || headers === null || typeof headers !== 'object') return () => undefined;
  if (typeof (headers as Headers).get === 'function' && typeof (headers as Headers).forEach === 'function') {
    const h = headers as Headers;
    return (name) => {
      try {
        return h.get(name) ?? undefined;
      } catch {
        return undefined;
      }
    };
  }
  const lower = new Map<string, string>();
  for (const key of Object.keys(headers)) {
    const value = toHeaderString((headers as Record<string, unknown>)[key]);
    if (value !== undefined && !lower.has(key.toLowerCase())) lower.set(key.toLowerCase(), value);
  }
  return (name) => lower.get(name.toLowerCase());
}

function toHeaderString(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (Array.isArray(value)) return value.find((item): item is string => typeof item === 'string');
  return undefined;
}
