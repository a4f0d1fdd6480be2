import ky from 'ky';
import { describe, expect, it } from 'vitest';
import { createClient } from '../../src/index.ts';
import { withQuery } from '../../src/request/url.ts';

const BASE = 'http://127.0.0.1:9';

/** The URL fetch is given when ky writes the query itself from `searchParams`. */
async function kyUrl(url: string, searchParams: unknown): Promise<string> {
  let seen = '';
  const fetch = async (input: RequestInfo | URL) => {
    seen = (input as Request).url;
    return new Response('{}', { headers: { 'content-type': 'application/json' } });
  };
  await ky(url, { searchParams: searchParams as never, fetch, retry: 0 }).text();
  return seen;
}

/** The URL fetch is given by a calmfetch call. */
async function calmUrl(path: string, searchParams: unknown): Promise<string> {
  let seen = '';
  const fetch = async (input: RequestInfo | URL) => {
    seen = (input as Request).url;
    return new Response('{}', { headers: { 'content-type': 'application/json' } });
  };
  const x = createClient({ baseUrl: BASE, fetch, rateLimit: false, retryBudget: false });
  await x.get(path, { searchParams: searchParams as never });
  return seen;
}

// Every form calmfetch writes itself: the result must be ky's, byte for byte.
const WRITTEN: [string, unknown][] = [
  ['a record of strings', { ids: '20,21', 'tweet.fields': 'created_at,author_id' }],
  ['numbers and booleans', { max_results: 10, exclude: false, n: 0 }],
  ['an array, joined with commas', { ids: ['1', '2', '3'] }],
  ['characters a query must escape', { q: 'from:x #tag & more=1 + 100% "ok"?', 'a b': 'é ✓ 𝕏' }],
  ['an empty record', {}],
  [
    'URLSearchParams with a repeated name',
    new URLSearchParams([
      ['a', '1'],
      ['a', '2'],
      ['b', 'x y'],
    ]),
  ],
  ['an empty URLSearchParams', new URLSearchParams()],
];

describe('withQuery: the query written before ky (one Request per attempt, not two)', () => {
  for (const [name, params] of WRITTEN) {
    it(`writes ${name} exactly as ky does`, async () => {
      const url = `${BASE}/2/tweets`;
      const written = withQuery(url, params);
      expect(written).toBeDefined();
      expect(new Request(written!).url).toBe(await kyUrl(url, params));
      expect(await calmUrl('/2/tweets', params)).toBe(await kyUrl(url, params));
    });
  }

  const LEFT: [string, string, unknown][] = [
    ['a query string', '/2/tweets', 'ids=1&x=%20'],
    [
      '[name, value] pairs',
      '/2/tweets',
      [
        ['a', '1'],
        ['a', '2'],
      ],
    ],
    ['a record with an undefined value', '/2/tweets', { ids: '1', skip: undefined }],
    ['a path with a query of its own', '/2/tweets?ids=1&skip=2', { skip: undefined, more: 'a b' }],
    ['a path with a fragment', '/2/tweets#top', { ids: '1' }],
  ];
  for (const [name, path, params] of LEFT) {
    it(`leaves ${name} to ky, with the same result`, async () => {
      expect(withQuery(`${BASE}${path}`, params)).toBeUndefined();
      expect(await calmUrl(path, params)).toBe(await kyUrl(`${BASE}${path}`, params));
    });
  }
});
