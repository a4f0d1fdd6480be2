// Every option is declared once: its default lives in DEFAULTS, and each `@default` tag in the option types (what an
// editor shows) must say the same, so that the two cannot drift.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { defaultPaths } from '../../scripts/options-table.ts';
import { DEFAULTS } from '../../src/options/defaults.ts';

/** Where each option interface's members sit in DEFAULTS. */
const SECTIONS: Record<string, string> = {
  RetryOptions: 'retry.',
  RetryBudgetOption: 'retryBudget.',
  RateLimitRedisOption: 'rateLimit.redis.',
  RateLimitOptions: 'rateLimit.',
  ClientOptions: '',
  RequestCallOptions: '',
};
/** Defaults that are not values (documented in the README's table by name). */
const NOT_VALUES = new Set(['catalogue', 'fetch', 'random']);

function documentedDefaults(): Map<string, string> {
  const source = readFileSync(join(import.meta.dirname, '../../src/options/types.ts'), 'utf8');
  const found = new Map<string, string>();
  for (const [, name, body] of source.matchAll(
    /export interface (\w+)(?: extends \w+)? \{\n([\s\S]*?)\n\}/g,
  )) {
    const prefix = SECTIONS[name!];
    if (prefix === undefined) continue;
    for (const [, comment, member] of body!.matchAll(
      /\/\*\*((?:(?!\*\/)[\s\S])*)\*\/\s*\n\s*readonly (\w+)\??:/g,
    )) {
      const tag = /@default (.+?)\s*$/m.exec(comment!)?.[1];
      if (tag !== undefined) found.set(prefix + member, tag);
    }
  }
  return found;
}

const render = (value: unknown): string =>
  value === Number.POSITIVE_INFINITY
    ? 'Infinity'
    : typeof value === 'string'
      ? `'${value}'`
      : typeof value === 'object' && value !== null
        ? `{ ${Object.entries(value)
            .map(([key, inner]) => `${render(key)}: ${render(inner)}`)
            .join(', ')} }`
        : String(value);

it('each @default tag says what DEFAULTS holds, and every default has its tag', () => {
  const tags = documentedDefaults();
  expect(tags.size).toBeGreaterThanOrEqual(defaultPaths().length);
  const defaultAt = (path: string) =>
    path.split('.').reduce<unknown>((value, key) => (value as Record<string, unknown>)[key], DEFAULTS);
  const mismatched = [...tags]
    .filter(([path]) => !NOT_VALUES.has(path))
    .filter(([path, tag]) => render(defaultAt(path)) !== tag)
    .map(([path, tag]) => `${path}: @default ${tag}, DEFAULTS ${render(defaultAt(path))}`);
  expect(mismatched).toEqual([]);
  expect(defaultPaths().filter((path) => !tags.has(path))).toEqual([]);
});
