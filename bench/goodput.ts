// Goodput under a rate limit: N calls through L per window against the windowed mock X API (own process).
// calmfetch (default options) beside ky with its own retry (which reads X-Rate-Limit-Reset after each 429).
import ky from 'ky';
import { createClient } from '../src/index.ts';
import { sleep, startServer } from './lib.ts';

export interface GoodputResult {
  readonly name: string;
  readonly calls: number;
  readonly ok: number;
  readonly elapsedMs: number;
  readonly idealMs: number;
  readonly ratio: number;
  readonly tooManyRequests: number;
  readonly requests: number;
  /** Every response the client saw: ms since the first call, and the status. */
  readonly trace: { at: number; status: number }[];
}

const N = Number(process.env.CALLS ?? 150);
export const LIMIT = 30;
export const WINDOW_MS = 10_000;
const CONCURRENCY = 10;

async function drive(call: () => Promise<unknown>): Promise<{ ok: number; first: number; last: number }> {
  let next = 0;
  let ok = 0;
  const first = Date.now();
  const lane = async () => {
    while (next < N) {
      next++;
      try {
        await call();
        ok++;
      } catch {}
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, lane));
  return { ok, first, last: Date.now() };
}

export async function goodput(): Promise<GoodputResult[]> {
  const server = await startServer('server.ts', { LIMIT: String(LIMIT), WINDOW_MS: String(WINDOW_MS) });
  const { url } = server;
  let trace: { at: number; status: number }[] = [];
  let origin = 0;
  const seen = (status: number) => trace.push({ at: Date.now() - origin, status });
  const contenders: [string, () => () => Promise<unknown>][] = [
    [
      'calmfetch (defaults)',
      () => {
        const x = createClient({
          baseUrl: url,
          auth: { bearer: 'bench-token-0123456789' },
          hooks: { onEvent: (e) => e.type === 'response' && e.status !== undefined && seen(e.status) },
        });
        return () => x.get('/2/tweets/20');
      },
    ],
    [
      'ky, retry: { limit: 10 }',
      () => {
        const api = ky.create({
          prefix: url,
          headers: { authorization: 'Bearer bench-token-0123456789' },
          retry: { limit: 10 },
          hooks: { afterResponse: [({ response }) => void seen(response.status)] },
        });
        return () => api.get('2/tweets/20').json();
      },
    ],
  ];
  const results: GoodputResult[] = [];
  try {
    for (const [name, make] of contenders) {
      await server.control('/__reset');
      // Start on a fresh window: wait out any window a previous contender opened.
      await sleep(WINDOW_MS + 1000);
      const call = make();
      trace = [];
      origin = Date.now();
      const { ok, first, last } = await drive(call);
      const s = await server.stats();
      // A perfect client sends each window's L calls the moment the window opens; windows start on whole seconds.
      const idealMs = (Math.ceil(N / LIMIT) - 1) * WINDOW_MS - (first % 1000);
      const elapsedMs = last - first;
      results.push({
        name,
        calls: N,
        ok,
        elapsedMs,
        idealMs,
        ratio: elapsedMs / idealMs,
        tooManyRequests: s.byStatus['429'] ?? 0,
        requests: s.requests,
        trace,
      });
    }
  } finally {
    await server.stop();
  }
  return results;
}

export function goodputTable(results: readonly GoodputResult[]): string {
  const rows = results.map(
    (r) =>
      `| ${r.name} | ${r.ok}/${r.calls} | ${(r.elapsedMs / 1000).toFixed(2)} s | ${(r.idealMs / 1000).toFixed(2)} s | **${r.ratio.toFixed(3)}** | ${r.tooManyRequests} | ${r.requests} |`,
  );
  return [
    `${N} calls, ${LIMIT} per ${WINDOW_MS / 1000} s window, ${CONCURRENCY} at a time. Target: elapsed ÷ ideal ≤ 1.05 with 0 429s.`,
    '',
    '| client | ok | elapsed | ideal | elapsed ÷ ideal | 429s drawn | requests sent |',
    '|---|---|---|---|---|---|---|',
    ...rows,
  ].join('\n');
}

if (import.meta.main) {
  const results = await goodput();
  console.log(goodputTable(results));
}
