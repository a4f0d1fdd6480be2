import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createClient, ENDPOINT_RULES, inspectCursor, PAGINATE_DEFAULTS } from '../../src/index.ts';
import { encodeCursor, fingerprint, newerId, olderId } from '../../src/paginate/cursor.ts';
import { ruleFor } from '../../src/paginate/rules.ts';

const state = {
  path: '/2/users/2244994945/tweets',
  queryHash: fingerprint('q'),
  nextToken: '7140dibdnow9c7btw3w29grvxfcgvpb9n9coehpk7xz5i',
  pages: 3,
  items: 300,
  oldestId: '1460323737035677698',
  newestId: '1460323737035677999',
  nextSinceId: '1460323737035677999',
};

describe('cursor', () => {
  it('round-trips every field through an opaque, versioned, URL-safe string', () => {
    const cursor = encodeCursor(state);
    expect(cursor).toMatch(/^cf1\.[A-Za-z0-9_-]+$/);
    expect(inspectCursor(cursor)).toEqual(state);
    const bare = {
      ...state,
      nextToken: undefined,
      oldestId: undefined,
      newestId: undefined,
      nextSinceId: undefined,
    };
    expect(inspectCursor(encodeCursor(bare))).toEqual(bare);
  });

  it('refuses another version, garbage and malformed fields with a TypeError naming `cursor`', () => {
    expect(() => inspectCursor('cf2.e30')).toThrow(/`cursor`.*version 2, this calmfetch reads 1/);
    expect(() => inspectCursor('hello')).toThrow(TypeError);
    expect(() => inspectCursor('cf1.!!!')).toThrow(/does not decode/);
    expect(() => inspectCursor(`cf1.${btoa('{"v":1,"p":"/x","q":"a","n":"3","i":0}')}`)).toThrow(/malformed/);
    expect(() => inspectCursor(42 as never)).toThrow(/`cursor`/);
  });

  it('fingerprints with FNV-1a (known vector) in 16 hex digits, different for different text', () => {
    // FNV-1a 32-bit of "a" is 0xe40c292c (the reference test vector).
    expect(fingerprint('a').slice(0, 8)).toBe('e40c292c');
    expect(fingerprint('a')).toMatch(/^[0-9a-f]{16}$/);
    expect(fingerprint('max_results=100')).not.toBe(fingerprint('max_results=10'));
  });

  it('compares 19-digit ids without losing precision', () => {
    expect(newerId('1460323737035677698', '1460323737035677699')).toBe('1460323737035677699');
    expect(olderId('999', '1000')).toBe('999');
    expect(newerId(undefined, '5')).toBe('5');
    expect(olderId('5', undefined)).toBe('5');
  });
});

describe('endpoint rules', () => {
  it('search and counts take next_token, everything else pagination_token', () => {
    expect(ruleFor('/2/tweets/search/recent').tokenParam).toBe('next_token');
    expect(ruleFor('/2/tweets/search/all').tokenParam).toBe('next_token');
    expect(ruleFor('/2/tweets/counts/recent')).toEqual({ tokenParam: 'next_token' });
    expect(ruleFor('/2/users/:id/followers').tokenParam).toBe('pagination_token');
    expect(ruleFor('/2/lists/:id/members')).toEqual({ tokenParam: 'pagination_token' });
  });

  it("holds X's max_results ranges (openapi.json)", () => {
    expect(ENDPOINT_RULES['/2/tweets/search/all']?.maxResults).toEqual({ min: 10, max: 500 });
    expect(ENDPOINT_RULES['/2/users/:id/followers']?.maxResults).toEqual({ min: 1, max: 1000 });
    expect(ENDPOINT_RULES['/2/users/:id/tweets']?.maxResults).toEqual({ min: 5, max: 100 });
  });
});

describe('paginate options', () => {
  const x = createClient();
  it.each([
    [{ maxPages: 0 }, /`maxPages` must be an integer ≥ 1/],
    [{ maxItems: 1.5 }, /`maxItems`/],
    [{ maxEmptyPages: -1 }, /`maxEmptyPages`/],
    [{ keepErrors: 'x' }, /`keepErrors`/],
    [{ tokenParam: 'page' }, /`tokenParam`/],
    [{ cursor: 5 }, /`cursor` must be a string/],
    [{ maxpages: 2 }, /unknown option `maxpages`/],
    [{ searchParams: 5 }, /`searchParams`/],
    [{ timeoutMs: 0 }, /`timeoutMs`/],
    [{ priority: 10 }, /`priority`/],
    [{ signal: 'stop' }, /`signal` must be an AbortSignal/],
    [{ searchParams: { pagination_token: 'abc' } }, /`searchParams.pagination_token` is set by the crawl/],
    [{ searchParams: { max_results: 1000 } }, /`searchParams.max_results` must be an integer from 5 to 100/],
    [{ searchParams: { max_results: 2 } }, /from 5 to 100/],
  ])('%o is a TypeError naming the option, before any request', (options, message) => {
    expect(() => x.paginate('/2/users/1/tweets', options as never)).toThrow(message);
  });

  it('declares its defaults in one object, which the README shows', () => {
    expect(PAGINATE_DEFAULTS).toEqual({
      maxPages: Number.POSITIVE_INFINITY,
      maxItems: Number.POSITIVE_INFINITY,
      maxEmptyPages: 5,
      keepErrors: 20,
    });
    const readme = readFileSync(join(import.meta.dirname, '../../README.md'), 'utf8');
    for (const [name, value] of Object.entries(PAGINATE_DEFAULTS)) {
      expect(readme).toContain(`| \`${name}\` | \`number\` | \`${value}\` |`);
    }
  });
});
