import { describe, expect, it } from 'vitest';
import { classify, defineCatalogue, problemSlug, xCatalogue, xCatalogueFull } from '../../src/index.ts';

const codes = [...xCatalogue.codes.values()];
const problems = [...xCatalogue.problems.values()];
const statuses = [...xCatalogue.statuses.values()];

describe('every catalogue entry classifies as catalogued', () => {
  it.each(codes.map((e) => [e.code, e.status ?? 400, e.category] as const))(
    'code %i on HTTP %i is %s',
    (code, status, category) => {
      const result = classify({ status, body: { errors: [{ code, message: 'server text' }] } });
      expect(result.category).toBe(category);
      expect(result.decidedBy).toEqual({ kind: 'code', code });
      expect(result.codes).toHaveLength(1);
      expect(result.reason).toContain(`code ${code}`);
    },
  );

  it.each(
    problems
      .filter((p) => p.category !== 'status')
      .map((p) => [p.type, p.status ?? 400, p.category] as const),
  )('problem %s on HTTP %i is %s', (type, status, category) => {
    const body = { type: `https://api.x.com/2/problems/${type}`, title: 'T', detail: 'D', status };
    const result = classify({ status, body });
    expect(result.category).toBe(category);
    expect(result.decidedBy).toEqual({ kind: 'problem', type });
  });

  it.each(statuses.map((s) => [s.status, s.category] as const))('bare HTTP %i is %s', (status, category) => {
    const result = classify({ status, body: '' });
    expect(result.category).toBe(category);
    expect(result.decidedBy).toEqual({ kind: 'status', status });
  });

  it('gives every non-obvious category its reasoning and every failure a documented text', () => {
    for (const entry of codes) expect(entry.text.length, `code ${entry.code}`).toBeGreaterThan(3);
    // The reasons live in the full catalogue (out of the core bundle).
    const weighed = [...xCatalogueFull.codes.values()].filter(
      (e) => e.category === 'auth-fatal' || e.category === 'rate-limited',
    );
    const unexplained = weighed.filter((e) => e.why === undefined).map((e) => e.code);
    expect(unexplained).toEqual([]);
  });

  it('problem types that defer to the status say so', () => {
    expect(problems.filter((p) => p.category === 'status').map((p) => p.type)).toEqual([
      'about:blank',
      'streaming-connection',
    ]);
  });
});

describe('problemSlug', () => {
  it.each([
    ['https://api.X.com/2/problems/usage-capped', 'usage-capped'],
    ['https://api.twitter.com/2/problems/usage-capped/', 'usage-capped'],
    ['https://api.x.com/2/problems/Resource-Not-Found?x=1#y', 'resource-not-found'],
    ['usage-capped', 'usage-capped'],
    ['about:blank', 'about:blank'],
    ['  ', ''],
  ])('%s → %s', (uri, slug) => expect(problemSlug(uri)).toBe(slug));
});

describe('defineCatalogue', () => {
  const mrets = defineCatalogue(xCatalogue, {
    name: 'm-rets',
    codes: {
      88: { category: 'retryable' },
      9001: { category: 'permanent', text: 'Bad certificate', status: 422 },
    },
    problems: { 'https://api.mrets.example/problems/locked': { category: 'retryable', title: 'Locked' } },
    statuses: { 418: { category: 'retryable', text: 'Teapot' } },
  });

  it('re-maps an existing code and keeps its documented text', () => {
    expect(mrets.codes.get(88)).toMatchObject({
      category: 'retryable',
      text: 'Rate limit exceeded.',
      status: 429,
    });
    expect(classify({ status: 429, body: { errors: [{ code: 88 }] } }, { catalogue: mrets }).category).toBe(
      'retryable',
    );
  });

  it('adds new codes, problem types and statuses', () => {
    expect(classify({ status: 400, body: { errors: [{ code: 9001 }] } }, { catalogue: mrets })).toMatchObject(
      {
        category: 'permanent',
        reason: 'code 9001 "Bad certificate" on HTTP 400',
      },
    );
    const locked = { type: 'https://api.mrets.example/problems/locked', title: 'Locked', detail: 'wait' };
    expect(classify({ status: 400, body: locked }, { catalogue: mrets }).category).toBe('retryable');
    expect(classify({ status: 418 }, { catalogue: mrets }).category).toBe('retryable');
  });

  it('leaves the base catalogue untouched', () => {
    expect(xCatalogue.codes.get(88)?.category).toBe('rate-limited');
    expect(xCatalogue.codes.has(9001)).toBe(false);
    expect(mrets.name).toBe('m-rets');
  });

  it('rejects a new entry without a valid category with a TypeError naming it', () => {
    expect(() => defineCatalogue(xCatalogue, { codes: { 9002: { text: 'x' } } })).toThrow(
      new TypeError(
        'overrides.codes[9002].category must be one of ok, retryable, rate-limited, auth-fatal, permanent; got undefined',
      ),
    );
    expect(() => defineCatalogue(xCatalogue, { codes: { 88: { category: 'ok' as never } } })).toThrow(
      /cannot be ok/,
    );
    expect(() => defineCatalogue(xCatalogue, { statuses: { 418: { category: 'status' as never } } })).toThrow(
      /overrides\.statuses\[418\]\.category/,
    );
    expect(() =>
      defineCatalogue(xCatalogue, { codes: { ['-1' as never]: { category: 'permanent' } } }),
    ).toThrow(/not a whole number/);
    expect(() => defineCatalogue(xCatalogue, null as never)).toThrow(TypeError);
  });
});

describe('xCatalogueFull: the same catalogue with X’s descriptions (issue 18)', () => {
  const tables = ['statuses', 'codes', 'problems'] as const;

  it('has exactly xCatalogue’s entries, each with the core fields unchanged and a description', () => {
    for (const table of tables) {
      const core = xCatalogue[table] as ReadonlyMap<unknown, object>;
      const full = xCatalogueFull[table] as ReadonlyMap<unknown, { description?: string }>;
      expect([...full.keys()], table).toEqual([...core.keys()]);
      for (const [key, entry] of core) {
        expect(full.get(key), `${table} ${String(key)}`).toMatchObject(entry);
        expect(full.get(key)?.description, `${table} ${String(key)}`).toMatch(/\S/);
      }
    }
  });

  it('keeps the descriptions, reasons and Labs titles out of xCatalogue, the core bundle’s catalogue', () => {
    for (const table of tables) {
      for (const entry of (xCatalogue[table] as ReadonlyMap<unknown, object>).values()) {
        expect(Object.keys(entry), table).not.toContain('description');
        expect(Object.keys(entry), table).not.toContain('why');
        expect(Object.keys(entry), table).not.toContain('labsTitle');
      }
    }
  });

  it('classifies as xCatalogue does, and its classification carries the description', () => {
    const body = { errors: [{ code: 88, message: 'Rate limit exceeded' }] };
    const lean = classify({ status: 429, body });
    const full = classify({ status: 429, body }, { catalogue: xCatalogueFull });
    expect(full.category).toBe(lean.category);
    expect(full.reason).toBe(lean.reason);
    expect(full.tip).toBe(lean.tip);
    expect(full.codes[0]?.entry?.description).toMatch(/rate limit/i);
    expect(lean.codes[0]?.entry?.description).toBeUndefined();
  });
});
