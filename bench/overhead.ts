// Overhead: throughput and latency of a successful GET at concurrency 1 and 64, every contender against the same
// plain server, interleaved slice by slice within each round (A B C … A B C …); ratios are taken within a round,
// then the median.
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
const ROUNDS = Number(process.env.ROUNDS ?? 11);

/**
 * Each round is cut into this many slices, the contenders taking turns slice by slice (the order rotating): a burst
 * of the machine's other load, which lasts about as long as a slice, then falls on every contender alike. Run
 * whole, one contender per turn, a round's ratio to ky spread from 0.6 to 1.1 on the 2-core machine; sliced, the
 * same client loaded twice measured within 4 % of itself.
 */
const SLICES = Number(process.env.SLICES ?? 10);

/** Runs `total` calls `concurrency` at a time; adds their latencies to `latencies` and returns the elapsed ms. */
async function slice(
  client: Contender,
  total: number,
  concurrency: number,
  form: Form,
  latencies: number[],
): Promise<number> {
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
  return performance.now() - start;
}

/** One round: `total` calls per contender, in SLICES turns; each contender's throughput and latencies. */
async function round(
  clients: readonly (readonly [string, Contender])[],
  total: number,
  concurrency: number,
  form: Form,
  index: number,
) {
  const elapsed = new Map<string, number>();
  const latencies = new Map<string, number[]>();
  const each = Math.ceil(total / SLICES);
  for (let turn = 0; turn < SLICES; turn++) {
    for (let i = 0; i < clients.length; i++) {
      const [name, client] = clients[(i + index + turn) % clients.length]!;
      const mine = latencies.get(name) ?? [];
      latencies.set(name, mine);
      elapsed.set(name, (elapsed.get(name) ?? 0) + (await slice(client, each, concurrency, form, mine)));
    }
  }
  return new Map(
    clients.map(([name]) => {
      const mine = latencies.get(name)!;
      const result = {
        throughput: ((each * SLICES) / elapsed.get(name)!) * 1000,
        p50: percentile(mine, 50),
        p99: percentile(mine, 99),
      };
      return [name, result] as const;
    }),
  );
}

export async function overhead(only: ContenderName[] = ORDER): Promise<OverheadRow[]> {
  const server = await startServer();
  const rows: OverheadRow[] = [];
  try {
    for (const form of FORMS) {
      for (const concurrency of [1, 64]) {
        const total = concurrency === 1 ? 1500 : 6000;
        const clients = only.map((name) => [name, contenders[name](server.url)] as const);
        for (const [, client] of clients) await slice(client, 500, concurrency, form, []); // warm-up: JIT, sockets
        const rounds: Record<string, { throughput: number; p50: number; p99: number }[]> = {};
        for (let index = 0; index < ROUNDS; index++) {
          // The order rotates each round and each slice: no contender always runs first, or after the same one.
          for (const [name, result] of await round(clients, total, concurrency, form, index))
            rounds[name] = [...(rounds[name] ?? []), result];
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
- **What is left**: a loopback CPU profile (60,000 calls at concurrency 64) puts calmfetch's own code at about 40 µs of the 540 µs a call costs the client process (undici 175, the garbage collector 72, ky 48): the body parse (the JSON.parse ky's \`.json()\` does too), reading the rate-limit headers and classifying (about 12 µs), then the stages (scope, limiter admission, the attempt's timer and race), 1–2.5 µs each. ky itself costs 15 µs less under calmfetch than bare (no retry clone, no timeout race), which is why the two are close. Trimmed last: the limiter hashed a freshly built bucket key on every call (3.7 µs; the route now keeps its key), and every call made an AbortController for its scope that only a waiting call reads (now made on first read). The query form is at ky's cost or below: calmfetch writes the query itself (as ky would), so ky builds one \`Request\` where bare ky builds two.`;

export function overheadTable(rows: readonly OverheadRow[]): string {
  const calm = rows.filter((r) => r.name.startsWith('calmfetch'));
  return [
    `Closed loop, GET with a JSON body and x-rate-limit-* headers, in two forms: \`plain\` (\`get('/2/tweets/20')\`) and \`query\` (\`get('/2/tweets', { searchParams: { ids, 'tweet.fields' } })\`, the README's own form, every contender given the same parameters). ${ROUNDS} rounds (1,500 calls per contender per round at concurrency 1, 6,000 at 64), each cut into ${SLICES} slices the contenders take in turn. Figures are medians over rounds; ratios are taken within each round, and the ÷ ky range is the lowest and highest round. Target: calmfetch ≥ 0.95 × bare ky's throughput in both forms.`,
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
