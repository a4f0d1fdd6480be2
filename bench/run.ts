// `npm run bench`: runs every benchmark and writes bench/RESULTS.md. Benchmarks are not tests: nothing here
// fails a build; each figure is printed beside its target.
import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { goodput, goodputTable } from './goodput.ts';

const versions = async () => {
  const read = async (name: string) =>
    (
      (await import(`../node_modules/${name}/package.json`, { with: { type: 'json' } })) as {
        default: { version: string };
      }
    ).default.version;
  return `ky ${await read('ky')}, p-retry ${await read('p-retry')}, bottleneck ${await read('bottleneck')}`;
};

const goodputResults = await goodput();
const text = [
  '# Benchmark results',
  '',
  `Written by \`npm run bench\` on ${new Date().toISOString().slice(0, 10)}: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}, ${await versions()}. The server runs in its own process on loopback.`,
  '',
  '## Goodput under a rate limit',
  '',
  goodputTable(goodputResults),
  '',
].join('\n');
writeFileSync(join(import.meta.dirname, 'RESULTS.md'), text);
console.log(text);
