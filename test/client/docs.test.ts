import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { defaultPaths, optionsTable } from '../../scripts/options-table.ts';
import { OPTION_DOCS } from '../../src/options/defaults.ts';

it('documents every option that has a default, and the README shows the table from the code', () => {
  const documented = Object.keys(OPTION_DOCS);
  expect(defaultPaths().filter((path) => !documented.includes(path))).toEqual([]);
  const readme = readFileSync(join(import.meta.dirname, '../../README.md'), 'utf8');
  expect(readme).toContain(optionsTable());
  expect(readme).toContain('| `retry.maxWaitMs` | `number` | `900000` |');
});
