import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { problemSlug, xCatalogue, xCatalogueFull } from '../../src/index.ts';

// The catalogue must cover every status, code and problem type named in the seed documents. The seeds are
// vendored in test/fixtures/seeds so that a clone alone can run this; when the project's shared/seeds sit
// beside the repo (as in CI), the copy must equal them.
const fixtures = join(import.meta.dirname, '../fixtures/seeds');
const shared = join(import.meta.dirname, '../../../shared/seeds');
const seed = (prefix: string) => {
  const file = readdirSync(fixtures).find((name) => name.startsWith(prefix));
  if (!file) throw new Error(`seed ${prefix} missing`);
  return readFileSync(join(fixtures, file), 'utf8');
};
const normalize = (text: string) =>
  text
    .replace(/\u00a0/g, ' ')
    .replace(/[’‘]|â€™/g, "'")
    .replace(/\s+/g, ' ')
    .replace(/\.$/, '')
    .trim()
    .toLowerCase();

/** SHA-256 of each seed document as the project received it. */
const SEED_DIGESTS = {
  '000_27b0f1b15ea52223.txt': '4a3b3b4f45ff2397a236450c20ae695bb89d68b8c02a45d7ad6b1396b375932f',
  '001_c9e08829cc28d92b.txt': '4f7289be856ef5e05a1adc1587058859e85f6414a2aafd235c032e9b29f4c192',
  '002_983cce8c454b5cc5.txt': 'bf69277afc41f4bd06954cf491f9ec109fa843be0dc47b62d8e7f2179c6c17ec',
  '003_7439e461e2689017.txt': 'fc8baa2ba3faf80ce150edb81bcb51a10d7386a2c1d82dff9c83895dbc77294d',
  '004_1cc4cb9e783a0035.txt': '1106a1b53dd093ad41aac4ceb8a3e629d4070fc76e6cbbadbe4b9bc170819f6d',
  'README.md': 'b097d89d624f48b9f88dcce7af61331227bfc9d04fe2815ca084cec14116535e',
};

const mrets = seed('000');
const twitter2015 = seed('001');
const xCurrent = seed('002');
const labs = seed('003');
const xTable = seed('004');

const sectionOf = (text: string, start: string, end?: string) => {
  const from = text.indexOf(start);
  expect(from, `section "${start}"`).toBeGreaterThanOrEqual(0);
  const to = end === undefined ? text.length : text.indexOf(end, from);
  return text.slice(from, to < 0 ? text.length : to);
};

/** Rows `| 429 | Too Many Requests | …` of a markdown table. */
const markdownRows = (text: string) =>
  [...text.matchAll(/^\|\s*(\d+)\s*\|\s*([^|]+?)\s*\|/gm)].map((m) => ({
    number: Number(m[1]),
    text: m[2]!,
  }));
/** Rows `429\tToo Many Requests\t…` of a tab-separated table. */
const tabRows = (text: string) =>
  [...text.matchAll(/^(\d+)\t([^\t]+)\t/gm)].map((m) => ({ number: Number(m[1]), text: m[2]! }));
/** Blocks `Code\n\n429\n\nText\n\nToo Many Requests` of X's current page. */
const blockRows = (text: string) =>
  [...text.matchAll(/Code\s*\n\s*\n\s*(\d+)\s*\n\s*\n\s*Text\s*\n\s*\n\s*(.+?)\s*\n/g)].map((m) => ({
    number: Number(m[1]),
    text: m[2]!,
  }));

const seedStatuses = [
  ...markdownRows(sectionOf(mrets, '## HTTP Status Codes', '## Error Messages')),
  ...tabRows(sectionOf(twitter2015, 'HTTP Status Codes', 'Error Messages')),
  ...blockRows(sectionOf(xCurrent, 'X API HTTP status codes', 'When an error is incurred')),
  ...[...xTable.matchAll(/^(\d{3}) \| ([^|]+?) \|/gm)].map((m) => ({ number: Number(m[1]), text: m[2]! })),
  ...[...labs.matchAll(/^(\d{3}) ([A-Z][a-z]+(?: [A-Z][a-z]+)*)$/gm)].map((m) => ({
    number: Number(m[1]),
    text: m[2]!,
  })),
];
const seedCodes = [
  ...markdownRows(sectionOf(mrets, '## Error Codes')),
  ...tabRows(sectionOf(twitter2015, '\nError Codes\n')),
  ...blockRows(sectionOf(xCurrent, 'X API error codes')),
  // The Account Activity troubleshooting section names codes in headings: "Code 200 - Forbidden".
  ...[...xCurrent.matchAll(/^\s*Code (\d+) - (.+)$/gm)].map((m) => ({ number: Number(m[1]), text: m[2]! })),
];
const seedProblemTypes = [
  ...new Set(
    [xCurrent, xTable].flatMap((text) =>
      [...text.matchAll(/https:\/\/api\.x\.com\/2\/problems\/[a-z-]+|about:blank/gi)].map((m) => m[0]),
    ),
  ),
];
// Labs names its problems by title only; each of these stands in the Labs seed (checked below).
const labsTitles = [
  'General Problem',
  'Invalid Request',
  'Not Found Error',
  'Authorization Error',
  'Disallowed Resource',
  'Unsupported Authentication',
  'Client Forbidden',
  'Usage cap exceeded',
  'Rules cap exceeded',
  'Too many connections',
  'Operational disconnect',
];

describe('the catalogue covers the seeds', () => {
  it('the vendored seeds are the seed documents (and equal shared/seeds where it sits beside the repo)', () => {
    const digests = (dir: string) =>
      Object.fromEntries(
        readdirSync(dir).map((name) => [
          name,
          createHash('sha256')
            .update(readFileSync(join(dir, name)))
            .digest('hex'),
        ]),
      );
    expect(digests(fixtures)).toEqual(SEED_DIGESTS);
    if (existsSync(shared)) expect(digests(shared)).toEqual(SEED_DIGESTS);
  });

  it('found the tables in every seed (the parsers still match the documents)', () => {
    expect(new Set(seedStatuses.map((s) => s.number)).size).toBe(17);
    expect(new Set(seedCodes.map((c) => c.number)).size).toBe(64);
    expect(seedProblemTypes.length).toBeGreaterThanOrEqual(16);
  });

  it('has every HTTP status named in the seeds', () => {
    const missing = seedStatuses.filter((s) => !xCatalogue.statuses.has(s.number)).map((s) => s.number);
    expect(missing).toEqual([]);
  });

  it('has every v1.1 error code named in the seeds', () => {
    const missing = seedCodes.filter((c) => !xCatalogue.codes.has(c.number)).map((c) => c.number);
    expect(missing).toEqual([]);
  });

  it('keeps the documented text of every code of the current X table', () => {
    for (const row of blockRows(sectionOf(xCurrent, 'X API error codes'))) {
      if (row.number === 68) continue; // the current table garbles 68; the 2015 text is kept (see codes.ts)
      expect(normalize(xCatalogue.codes.get(row.number)!.text), `code ${row.number}`).toBe(
        normalize(row.text),
      );
    }
  });

  it('has every v2 problem type named in the seeds, matched by its last path segment', () => {
    const missing = seedProblemTypes.filter((type) => !xCatalogue.problems.has(problemSlug(type)));
    expect(missing).toEqual([]);
  });

  it('has every Labs problem name, each of which stands in the Labs seed', () => {
    const titles = new Set([...xCatalogueFull.problems.values()].flatMap((p) => [p.title, p.labsTitle]));
    for (const title of labsTitles) {
      expect(labs).toContain(title);
      expect(titles.has(title), title).toBe(true);
    }
  });

  it('carries a troubleshooting tip for every status whose seed gives one', () => {
    for (const match of xTable.matchAll(/^(\d{3}) \| [^|]+ \| [^|]+ \| ([^|]+?) \|$/gm)) {
      expect(xCatalogue.statuses.get(Number(match[1]))?.tip, match[1]).toBeTypeOf('string');
    }
  });
});
