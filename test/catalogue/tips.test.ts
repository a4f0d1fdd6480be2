// Issue 14, item 12: a tip is shown only where it fits what decided. A status's tip is about the bare status; a
// code or problem type with a tip of its own gives that one, and one without gives none — never the status's
// (403's tip about developer-account access said nothing about code 187, a duplicate post).
import { describe, expect, it } from 'vitest';
import { classify, xCatalogue } from '../../src/index.ts';

const statuses = [...xCatalogue.statuses.values()];
const codes = [...xCatalogue.codes.values()];
const problems = [...xCatalogue.problems.values()].filter((p) => p.type !== 'about:blank');

describe('tips fit what decided', () => {
  it.each(codes.map((c) => [c.code, c.status ?? 400, c.tip] as const))(
    'code %i on HTTP %i: its own tip or none',
    (code, status, tip) => {
      expect(classify({ status, body: { errors: [{ code, message: 'm' }] } }).tip).toBe(tip);
    },
  );

  it.each(problems.map((p) => [p.type, p.status ?? 400, p.tip] as const))(
    'problem %s on HTTP %i: its own tip, or the status tip only where the status names the type',
    (type, status, tip) => {
      const body = { type: `https://api.x.com/2/problems/${type}`, title: 'T', detail: 'D', status };
      const entry = xCatalogue.statuses.get(status);
      const fits = entry?.tipFor?.includes(type) ? entry.tip : undefined;
      expect(classify({ status, body }).tip).toBe(tip ?? fits);
    },
  );

  it.each(statuses.map((s) => [s.status, s.tipFor ? undefined : s.tip] as const))(
    'bare HTTP %i, and HTTP %i with an about:blank problem: the status tip unless it is for some problems only',
    (status, tip) => {
      expect(classify({ status, body: '' }).tip).toBe(tip);
      const body = { type: 'about:blank', title: 'T', detail: 'D', status };
      expect(classify({ status, body }).tip).toBe(tip);
    },
  );

  it('regressions from the issue: 403 + code 187 and a plain 400 carry no tip; 400 + invalid-rules keeps X’s', () => {
    expect(
      classify({ status: 403, body: { errors: [{ code: 187, message: 'Status is a duplicate.' }] } }).tip,
    ).toBe(undefined);
    expect(classify({ status: 400, body: '' }).tip).toBe(undefined);
    const rules = {
      errors: [{ type: 'https://api.x.com/2/problems/invalid-rules', title: 'Invalid Rules Problem' }],
    };
    expect(classify({ status: 400, body: rules }).tip).toMatch(/double-quote/);
  });
});
