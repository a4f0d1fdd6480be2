// The clients compared, each made the way its documentation recommends, with its own retry at its defaults.
import axios from 'axios';
import axiosRetry from 'axios-retry';
import got from 'got';
import ky from 'ky';
import pRetry from 'p-retry';
import { createClient } from '../src/index.ts';

export const TOKEN = 'bench-token-0123456789abcdef';
const headers = { authorization: `Bearer ${TOKEN}` };

/** Query parameters, as the README's own example passes them (`get('/2/tweets', { searchParams })`). */
export type Query = Readonly<Record<string, string>>;

export interface Contender {
  readonly name: string;
  /** GET `path` (leading slash) and read the JSON body; rejects on a failure the client gives up on. */
  get(path: string, signal?: AbortSignal, searchParams?: Query): Promise<unknown>;
  close?(): Promise<void>;
}

export type ContenderFactory = (url: string) => Contender;

class HttpStatusError extends Error {}

/** fetch, reading the JSON body; a non-2xx status rejects (after its body is drained, to free the socket). */
async function fetchJson(url: string, signal: AbortSignal | undefined, query?: Query): Promise<unknown> {
  const target = query ? `${url}?${new URLSearchParams(query)}` : url;
  const response = await fetch(target, { headers, ...(signal && { signal }) });
  if (!response.ok) {
    await response.arrayBuffer();
    throw new HttpStatusError(String(response.status));
  }
  return response.json();
}

export type ContenderName = 'raw fetch' | 'calmfetch' | 'ky' | 'got' | 'axios-retry' | 'p-retry';

export const contenders: Record<ContenderName, ContenderFactory> = {
  'raw fetch': (url) => ({
    name: 'raw fetch (no retry)',
    get: (path, signal, query) => fetchJson(url + path, signal, query),
  }),
  calmfetch: (url) => {
    const x = createClient({ baseUrl: url, auth: { bearer: TOKEN } });
    return {
      name: 'calmfetch (defaults)',
      get: (path, signal, searchParams) =>
        x.get(path, { ...(signal && { signal }), ...(searchParams && { searchParams }) }),
      close: () => x.close(),
    };
  },
  ky: (url) => {
    const api = ky.create({ prefix: url, headers });
    return {
      name: 'ky (default retry)',
      get: (path, signal, searchParams) =>
        api.get(path.slice(1), { ...(signal && { signal }), ...(searchParams && { searchParams }) }).json(),
    };
  },
  got: (url) => {
    const api = got.extend({ prefixUrl: url, headers });
    return {
      name: 'got (default retry)',
      get: (path, signal, searchParams) =>
        api.get(path.slice(1), { ...(signal && { signal }), ...(searchParams && { searchParams }) }).json(),
    };
  },
  'axios-retry': (url) => {
    const api = axios.create({ baseURL: url, headers });
    axiosRetry(api);
    return {
      name: 'axios + axios-retry (defaults)',
      get: async (path, signal, params) =>
        (await api.get(path, { ...(signal && { signal }), ...(params && { params }) })).data,
    };
  },
  'p-retry': (url) => ({
    name: 'fetch + p-retry (defaults)',
    get: (path, signal, query) =>
      pRetry(() => fetchJson(url + path, signal, query), signal ? { signal } : {}),
  }),
};
