// Overhead: throughput and latency of a successful GET at concurrency 1 and 64, every contender against the same
// plain server, interleaved round by round (A B C … A B C …); ratios are taken within a round, then the median.
import { performance } from 'node:perf_hooks';
import { type Contender, type ContenderName, contenders } from './contenders.ts';
import { mark, median, percentile, startServer, table } from './lib.ts';

export interface OverheadRow {
  readonly name: string;
  readonly concurrency: number;
  readonly throughput: number;
  readonly p50: number;
  readonly p99: number;
  readonly vsKy: number;
  readonly vsFetch: number;
}

const ORDER: ContenderName[] = ['raw fetch', 'ky', 'calmfetch', 'got', 'axios-retry', 'p-retry'];
const ROUNDS = Number(process.env.ROUNDS ?? 7);

async function batch(client: Contender, total: number, concurrency: number) {
  const latencies: number[] = [];
  let next = 0;
  const lane = async () => {
    while (next < total) {
      next++;
      const start = performance.now();
      await client.get('/2/tweets/20');
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
    for (const concurrency of [1, 64]) {
      const total = concurrency === 1 ? 1500 : 6000;
      const clients = only.map((name) => [name, contenders[name](server.url)] as const);
      for (const [, client] of clients) await batch(client, 500, concurrency); // warm-up: JIT, sockets
      const rounds: Record<string, { throughput: number; p50: number; p99: number }[]> = {};
      for (let round = 0; round < ROUNDS; round++) {
        // Rotate the order each round, so that no contender always runs first (or right after the same one).
        const order = clients.map((_, i) => clients[(i + round) % clients.length]!);
        for (const [name, client] of order) {
          const result = await batch(client, total, concurrency);
          rounds[name] = [...(rounds[name] ?? []), result];
        }
      }
      for (const [name, client] of clients) {
        const mine = rounds[name]!;
        const ratio = (base: string) =>
          median(mine.map((r, i) => r.throughput / (rounds[base]?.[i]?.throughput ?? Number.NaN)));
        rows.push({
          name: client.name,
          concurrency,
          throughput: median(mine.map((r) => r.throughput)),
          p50: median(mine.map((r) => r.p50)),
          p99: median(mine.map((r) => r.p99)),
          vsKy: ratio('ky'),
          vsFetch: ratio('raw fetch'),
        });
        await client.close?.();
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
- **What is left**: calmfetch's own code is about 5 µs of ~35 µs per call in process at concurrency 64 (bucket path, classification, header parsing, the call record); the rest is ky, undici and the event loop, as for bare ky. Over loopback the gap to ky is within run-to-run noise (0.92–1.00 × ky across runs at concurrency 64).`;

export function overheadTable(rows: readonly OverheadRow[]): string {
  const calm = rows.filter((r) => r.name.startsWith('calmfetch'));
  return [
    `Closed loop, GET with a JSON body and x-rate-limit-* headers, ${ROUNDS} interleaved rounds (1,500 calls per round at concurrency 1, 6,000 at 64). Figures are medians over rounds; ratios are taken within each round. Target: calmfetch ≥ 0.95 × bare ky's throughput.`,
    '',
    table(
      ['client', 'concurrency', 'calls/s', 'p50 ms', 'p99 ms', '÷ ky', '÷ raw fetch'],
      rows.map((r) => [
        r.name,
        String(r.concurrency),
        r.throughput.toFixed(0),
        r.p50.toFixed(2),
        r.p99.toFixed(2),
        r.vsKy.toFixed(3),
        r.vsFetch.toFixed(3),
      ]),
    ),
    '',
    ...calm.map(
      (r) =>
        `- calmfetch at concurrency ${r.concurrency}: **${r.vsKy.toFixed(3)} × ky** (target ≥ 0.95) ${mark(r.vsKy >= 0.95)}, ${r.vsFetch.toFixed(3)} × raw fetch.`,
    ),
    '',
    WHERE_THE_TIME_GOES,
  ].join('\n');
}

if (import.meta.main) {
  const only = process.argv.slice(2) as ContenderName[];
  console.log(overheadTable(await overhead(only.length > 0 ? only : undefined)));
}
