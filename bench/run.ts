// `npm run bench`: runs every benchmark and writes bench/RESULTS.md (and bench/goodput.svg). Benchmarks are not
// tests: nothing here fails a build; each figure is printed beside its target.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { abort, abortTable } from './abort.ts';
import { requestsOverTime } from './chart.ts';
import { clusterTables, redisCost, sharing } from './cluster.ts';
import { goodput, goodputTable, LIMIT, WINDOW_MS } from './goodput.ts';
import { memory, memoryTable } from './memory.ts';
import { outage, outageTable } from './outage.ts';
import { overhead, overheadTable } from './overhead.ts';

const version = async (name: string) =>
  (
    (await import(`../node_modules/${name}/package.json`, { with: { type: 'json' } })) as {
      default: { version: string };
    }
  ).default.version;
const packages = ['ky', 'p-retry', 'bottleneck', 'got', 'axios', 'axios-retry'];
const versions = (await Promise.all(packages.map(async (p) => `${p} ${await version(p)}`))).join(', ');

const step = async <T>(name: string, run: () => Promise<T>): Promise<T> => {
  console.error(`bench: ${name}…`);
  const started = Date.now();
  const result = await run();
  console.error(`bench: ${name} done in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  return result;
};

const overheadRows = await step('overhead', () => overhead());
const outageRows = await step('outage', () => outage());
const abortRows = await step('abort', () => abort());
const memoryResult = await step('memory', () => memory());
const goodputRows = await step('goodput', () => goodput());
const clusterText = await step('clustering', async () => {
  const { freePort, startRedis, stop } = await import('../test/scheduler/redis-server.ts');
  const port = await freePort();
  const redis = await startRedis(port);
  try {
    return clusterTables(await redisCost(port), await sharing(port));
  } finally {
    await stop(redis);
  }
});

const CLUSTER_INTRO =
  'Each figure from `bench/cluster.ts` (separate Node processes, a real redis-server on loopback). First table: one process, 2,000 calls at concurrency 16 to an endpoint far from its limit, three interleaved rounds. Second: N processes share one window (30 per 2 s, 120 calls in all, 4 at a time each), started together; "window used" is the share of each full window served.';
const colors = ['#1f77b4', '#ff7f0e', '#2ca02c'];
writeFileSync(
  join(import.meta.dirname, 'goodput.svg'),
  requestsOverTime(
    goodputRows.map((r, i) => ({ name: r.name, color: colors[i % colors.length]!, points: r.trace })),
    WINDOW_MS,
    LIMIT,
  ),
);

const text = [
  '# Benchmark results',
  '',
  `Written by \`npm run bench\` on ${new Date().toISOString().slice(0, 10)}: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}; ${versions}. Every server runs in its own process on loopback (plain \`node:http\` with keep-alive; the goodput run uses calmfetch/mocks' windowed fake X API). Two noisy cores: contenders are interleaved and ratios are medians of per-round ratios. Nothing here is asserted by \`npm test\`.`,
  '',
  '## 1. Overhead',
  '',
  overheadTable(overheadRows),
  '',
  '## 2. Goodput under a rate limit',
  '',
  goodputTable(goodputRows),
  '',
  '![Responses over time for calmfetch and ky against the same windows](goodput.svg)',
  '',
  '## 3. Outage amplification',
  '',
  outageTable(outageRows),
  '',
  '## 4. Abort',
  '',
  abortTable(abortRows),
  '',
  '## 5. Memory',
  '',
  memoryTable(memoryResult),
  '',
  '## 6. Clustering (Redis)',
  '',
  CLUSTER_INTRO,
  '',
  clusterText,
  '',
].join('\n');
const file = join(import.meta.dirname, 'RESULTS.md');
// The bundle-size section is written by `npm run size -- --write` (scripts/bundle-size.ts): kept as it was.
const kept = existsSync(file)
  ? (/\n## Bundle size\n[\s\S]*?<!-- bundle-size:end -->\n/.exec(readFileSync(file, 'utf8'))?.[0] ?? '')
  : '';
writeFileSync(file, text + kept);
console.log(text);
