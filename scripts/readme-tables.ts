// Writes (or, with --check, verifies) the generated parts of README.md and docs/CATALOGUE.md from the code's
// own data, so that documentation and code cannot drift. Runs on the Node that `npm run` provides (type stripping).
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { xCatalogueFull as xCatalogue } from '../src/catalogue/full.ts';
import { CATEGORIES, type Category } from '../src/catalogue/types.ts';
import { optionsTable } from './options-table.ts';

const root = join(import.meta.dirname, '..');
const mode = process.argv.includes('--check') ? 'check' : 'write';

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\s+/g, ' ').trim();
const list = (items: readonly (string | number)[]) => (items.length === 0 ? '—' : items.join(', '));

const MEANING: Record<Category, string> = {
  ok: 'Success (also with partial `errors`, each classified on its own).',
  retryable: 'Transient: retried with exponential backoff and full jitter.',
  'rate-limited': 'A limit was hit: waits for the server’s reset (a usage cap never waits).',
  'auth-fatal':
    'The credentials are bad, expired or not allowed: never retried (one retry after a token refresh).',
  permanent: 'The request or resource is wrong: never retried.',
};

function categoriesTable(): string {
  const rows = CATEGORIES.map((category) => {
    const statuses = [...xCatalogue.statuses.values()]
      .filter((s) => s.category === category)
      .map((s) => s.status);
    const codes = [...xCatalogue.codes.values()].filter((c) => c.category === category).map((c) => c.code);
    const problems = [...xCatalogue.problems.values()]
      .filter((p) => p.category === category)
      .map((p) => `\`${p.type}\``);
    return `| \`${category}\` | ${MEANING[category]} | ${list(statuses)} | ${list(codes)} | ${list(problems)} |`;
  });
  const deferring = [...xCatalogue.problems.values()]
    .filter((p) => p.category === 'status')
    .map((p) => `\`${p.type}\``);
  return [
    '| category | what calmfetch does | HTTP statuses | v1.1 codes | v2 problem types |',
    '|---|---|---|---|---|',
    ...rows,
    '',
    `Problem types ${deferring.join(' and ')} leave the decision to the HTTP status. An unknown 4xx is \`permanent\`, an unknown 5xx \`retryable\`; a 429 whose body says the monthly cap is exceeded is \`rate-limited\` and capped. Every entry, with its documented text and the reasoning behind its category: [docs/CATALOGUE.md](docs/CATALOGUE.md).`,
  ].join('\n');
}

function catalogueDoc(): string {
  const statuses = [...xCatalogue.statuses.values()].map(
    (s) =>
      `| ${s.status} | ${cell(s.text)} | \`${s.category}\` | ${cell(s.description ?? '')} | ${cell(s.tip ?? '')}${s.tipFor ? ` (shown only for ${s.tipFor.map((t) => `\`${t}\``).join(', ')})` : ''} | ${cell(s.why ?? '')} |`,
  );
  const codes = [...xCatalogue.codes.values()].map(
    (c) =>
      `| ${c.code} | ${c.status ?? ''} | \`${c.category}\` | ${cell(c.text)} | ${cell(c.description ?? '')} | ${cell(c.why ?? '')} |`,
  );
  const problems = [...xCatalogue.problems.values()].map(
    (p) =>
      `| \`${p.type}\` | ${cell(p.title)} | \`${p.category}\` | ${cell(p.description ?? '')} | ${cell(p.why ?? '')} |`,
  );
  return [
    '# The X error catalogue',
    '',
    'Generated from `src/catalogue/` by `npm run docs`; `npm test` fails when this file and the code differ.',
    '',
    '## HTTP statuses',
    '',
    '| status | text | category | description | troubleshooting tip | why |',
    '|---|---|---|---|---|---|',
    ...statuses,
    '',
    '## v1.1 error codes',
    '',
    '| code | HTTP | category | text | description | why |',
    '|---|---|---|---|---|---|',
    ...codes,
    '',
    '## v2 problem types',
    '',
    'Matched on the last path segment of the type URI, whatever the host (`api.twitter.com`, `api.x.com`, `api.X.com`).',
    '',
    '| type | title | category | description | why |',
    '|---|---|---|---|---|',
    ...problems,
    '',
  ].join('\n');
}

function replaceBetween(text: string, name: string, content: string): string {
  const start = `<!-- ${name}:start -->`;
  const end = `<!-- ${name}:end -->`;
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  if (from < 0 || to < from) throw new Error(`README.md lacks the markers ${start} … ${end}`);
  return `${text.slice(0, from + start.length)}\n${content}\n${text.slice(to)}`;
}

const targets: [string, (current: string) => string][] = [
  [
    'README.md',
    (current) => {
      let next = replaceBetween(current, 'categories', categoriesTable());
      if (current.includes('<!-- options:start -->')) next = replaceBetween(next, 'options', optionsTable());
      return next;
    },
  ],
  ['docs/CATALOGUE.md', () => catalogueDoc()],
];

let stale = 0;
for (const [file, render] of targets) {
  const path = join(root, file);
  let current = '';
  try {
    current = readFileSync(path, 'utf8');
  } catch {}
  const next = render(current);
  if (next === current) continue;
  if (mode === 'check') {
    stale++;
    console.error(`${file} is out of date with the code: run \`npm run docs\`.`);
  } else {
    writeFileSync(path, next);
    console.log(`wrote ${file}`);
  }
}
process.exitCode = stale > 0 ? 1 : 0;
