// The README's options table, rendered from the client's one defaults object and its option docs.
import { DEFAULTS, OPTION_DOCS } from '../src/options/defaults.ts';

const SPECIAL_DEFAULTS: Readonly<Record<string, string>> = {
  catalogue: '`xCatalogue`',
  fetch: '`globalThis.fetch`',
  random: '`Math.random`',
};

function defaultOf(path: string): string {
  let value: unknown = DEFAULTS;
  for (const key of path.split('.')) value = (value as Record<string, unknown> | undefined)?.[key];
  if (value === undefined) return SPECIAL_DEFAULTS[path] ?? '—';
  if (value === Number.POSITIVE_INFINITY) return '`Infinity` (none)';
  if (isTable(value)) {
    const entries = Object.entries(value).map(([k, v]) => `'${k}': ${String(v)}`);
    return `\`{ ${entries.join(', ')} }\``;
  }
  return `\`${typeof value === 'string' ? `'${value}'` : String(value)}\``;
}

/** A default that is a table (keys that are not option names, like `'GET /2/tweets/search/all'`), not a group. */
const isTable = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && Object.keys(value).some((key) => !/^\w+$/.test(key));

/** Every option path that has a default, so that a test can check each is documented. */
export function defaultPaths(value: object = DEFAULTS, prefix = ''): string[] {
  return Object.entries(value).flatMap(([key, inner]) =>
    typeof inner === 'object' && inner !== null && !isTable(inner)
      ? defaultPaths(inner, `${prefix}${key}.`)
      : [`${prefix}${key}`],
  );
}

export function optionsTable(): string {
  const rows = Object.entries(OPTION_DOCS).map(
    ([path, doc]) => `| \`${path}\` | \`${doc.type}\` | ${defaultOf(path)} | ${doc.description} |`,
  );
  return ['| option | type | default | what it does |', '|---|---|---|---|', ...rows].join('\n');
}
