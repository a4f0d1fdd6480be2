// `npm run bench`: runs every benchmark and writes bench/RESULTS.md (and bench/goodput.svg). Benchmarks are not
// tests: nothing here fails a build; each figure is printed beside its target.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { abort, abortTable } from './abort.ts';
import { requestsOverTime } from './chart.ts';
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
].join('\n');
const file = join(import.meta.dirname, 'RESULTS.md');
// The clustering section is written by `npm run bench:cluster -- --write` (bench/cluster.ts), the bundle-size
// section by `npm run size -- --write` (scripts/bundle-size.ts): both kept as they were.
const current = existsSync(file) ? readFileSync(file, 'utf8') : '';
const keep = (pattern: RegExp) => pattern.exec(current)?.[0] ?? '';
const kept =
  keep(/## 6\. Clustering \(Redis\)\n[\s\S]*?<!-- cluster:end -->\n/) +
  keep(/\n## Bundle size\n[\s\S]*?<!-- bundle-size:end -->\n/);
writeFileSync(file, text + kept);
console.log(text);
