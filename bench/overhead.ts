// Overhead: throughput and latency of a successful GET at concurrency 1 and 64, every contender against the same
// plain server, interleaved round by round (A B C … A B C …); ratios are taken within a round, then the median.
import { performance } from 'node:perf_hooks';
import { type Contender, type ContenderName, contenders } from './contenders.ts';
import { mark, median, percentile, startServer, table } from './lib.ts';

export interface OverheadRow {
  readonly name: string;
  /** `plain`: `get('/2/tweets/20')`; `query`: `get('/2/tweets', { searchParams })`, the README's own form. */
  readonly form: Form;
  readonly concurrency: number;
  readonly throughput: number;
  readonly p50: number;
  readonly p99: number;
  readonly vsKy: number;
  /** The lowest and highest per-round ratio to ky: the spread the median hides. */
  readonly vsKyMin: number;
  readonly vsKyMax: number;
  readonly vsFetch: number;
}

const ORDER: ContenderName[] = ['raw fetch', 'ky', 'calmfetch', 'got', 'axios-retry', 'p-retry'];
type Form = 'plain' | 'query';
const FORMS: readonly Form[] = (process.env.FORMS?.split(',') as Form[] | undefined) ?? ['plain', 'query'];
/** The README's lookup: every contender is given the same parameters. */
const QUERY = { ids: '20,21', 'tweet.fields': 'created_at,author_id' } as const;
const ROUNDS = Number(process.env.ROUNDS ?? 7);

async function batch(client: Contender, total: number, concurrency: number, form: Form) {
  const latencies: number[] = [];
  let next = 0;
  const lane = async () => {
    while (next < total) {
      next++;
      const start = performance.now();
      await (form === 'plain' ? client.get('/2/tweets/20') : client.get('/2/tweets', undefined, QUERY));
      latencies.push(performance.now() - start);
    }
  };
  const start = performance.now();
  await Promise.all(Array.from({ length: concurrency }, lane));
  const elapsed = performance.now() - start;
  return {
    throughput: (total / elapsed) * 1000,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
  };
}

export async function overhead(only: ContenderName[] = ORDER): Promise<OverheadRow[]> {
  const server = await startServer();
  const rows: OverheadRow[] = [];
  try {
    for (const form of FORMS) {
      for (const concurrency of [1, 64]) {
        const total = concurrency === 1 ? 1500 : 6000;
        const clients = only.map((name) => [name, contenders[name](server.url)] as const);
        for (const [, client] of clients) await batch(client, 500, concurrency, form); // warm-up: JIT, sockets
        const rounds: Record<string, { throughput: number; p50: number; p99: number }[]> = {};
        for (let round = 0; round < ROUNDS; round++) {
          // Rotate the order each round, so that no contender always runs first (or right after the same one).
          const order = clients.map((_, i) => clients[(i + round) % clients.length]!);
          for (const [name, client] of order) {
            const result = await batch(client, total, concurrency, form);
            rounds[name] = [...(rounds[name] ?? []), result];
          }
        }
        for (const [name, client] of clients) {
          const mine = rounds[name]!;
          const ratios = (base: string) =>
            mine.map((r, i) => r.throughput / (rounds[base]?.[i]?.throughput ?? Number.NaN));
          const vsKy = ratios('ky');
          rows.push({
            name: client.name,
            form,
            concurrency,
            throughput: median(mine.map((r) => r.throughput)),
            p50: median(mine.map((r) => r.p50)),
            p99: median(mine.map((r) => r.p99)),
            vsKy: median(vsKy),
            vsKyMin: Math.min(...vsKy),
            vsKyMax: Math.max(...vsKy),
            vsFetch: median(ratios('raw fetch')),
          });
          await client.close?.();
        }
      }
    }
  } finally {
    await server.stop();
  }
  return rows;
}

/** What CPU profiles (`node --cpu-prof`) of these runs showed; measured by hand, kept beside the figures. */
const WHERE_THE_TIME_GOES = `**Where the time goes** (client CPU per call; in-process figures use a fetch that answers at once, so that only the clients' own work is left):
- **ky vs raw fetch**: ky builds a \`Request\` (undici's constructor is costly), merges options per call (\`deepMerge\`, \`normalizeRetryOptions\`) and, with retries on, clones the request and arms its own timeout. In process: raw fetch 10 µs, ky with \`retry: 0, timeout: false\` 40 µs, bare ky 53 µs. calmfetch uses ky the first way.
- **What calmfetch changed to reach ky** (it was 0.53–0.56 × ky): the limiter admits a call to a bucket with room and nothing waiting by taking its unit of Bottleneck's reservoir directly, without Bottleneck's per-job machinery (two locks, async generators, an event per state; ~0.2 ms a call); the attempt's signal goes to fetch through a per-call \`fetch\` rather than to ky, which would combine it with its own controller through \`AbortSignal.any\` (weak references and a finalizer per call, ~15 % of the client's CPU); a fixed bearer token sits in the ky instance's headers; rate-limit headers are read in one pass over the \`Headers\`; the redacted URL, events and p-retry's set-up are paid only when needed (a failure, a listener).
- **What is left**: in process, calmfetch's plain call costs 12–16 % more CPU than bare ky's, and a client of ky with retries and timeouts off plus \`classify()\` and the body parse costs about a quarter less than calmfetch: the gap is calmfetch's plumbing (the call's scope, the limiter's admission — about 12 % with \`rateLimit: false\` — the attempt's timer and race, the async stages), not ky or classification. The query form is at ky's cost: calmfetch writes the query itself (as ky would), so ky builds one \`Request\` where bare ky builds two.`;

export function overheadTable(rows: readonly OverheadRow[]): string {
  const calm = rows.filter((r) => r.name.startsWith('calmfetch'));
  return [
    `Closed loop, GET with a JSON body and x-rate-limit-* headers, in two forms: \`plain\` (\`get('/2/tweets/20')\`) and \`query\` (\`get('/2/tweets', { searchParams: { ids, 'tweet.fields' } })\`, the README's own form, every contender given the same parameters). ${ROUNDS} interleaved rounds (1,500 calls per round at concurrency 1, 6,000 at 64). Figures are medians over rounds; ratios are taken within each round, and the ÷ ky range is the lowest and highest round. Target: calmfetch ≥ 0.95 × bare ky's throughput in both forms.`,
    '',
    table(
      ['client', 'form', 'concurrency', 'calls/s', 'p50 ms', 'p99 ms', '÷ ky (range)', '÷ raw fetch'],
      rows.map((r) => [
        r.name,
        r.form,
        String(r.concurrency),
        r.throughput.toFixed(0),
        r.p50.toFixed(2),
        r.p99.toFixed(2),
        `${r.vsKy.toFixed(3)} (${r.vsKyMin.toFixed(2)}–${r.vsKyMax.toFixed(2)})`,
        r.vsFetch.toFixed(3),
      ]),
    ),
    '',
    ...calm.map(
      (r) =>
        `- calmfetch, ${r.form} form, concurrency ${r.concurrency}: **${r.vsKy.toFixed(3)} × ky** (rounds ${r.vsKyMin.toFixed(2)}–${r.vsKyMax.toFixed(2)}; target ≥ 0.95) ${mark(r.vsKy >= 0.95)}, ${r.vsFetch.toFixed(3)} × raw fetch.`,
    ),
    '',
    WHERE_THE_TIME_GOES,
  ].join('\n');
}

if (import.meta.main) {
  const only = process.argv.slice(2) as ContenderName[];
  console.log(overheadTable(await overhead(only.length > 0 ? only : undefined)));
}
