// Soak: 10,000 mixed calls at concurrency 100 against the chaos server, in a client process of its own.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type ChaosServer, startChaosServer } from './server.ts';

let chaos: ChaosServer;
beforeAll(async () => {
  chaos = await startChaosServer({ stallMs: 2000, trickleMs: 40 });
});
afterAll(() => chaos.close());

it('10,000 calls through every fault: all settle typed, no processed write twice, nothing leaks, the process exits', async () => {
  const child = spawn(
    process.execPath,
    ['--expose-gc', join(import.meta.dirname, 'soak-worker.ts'), chaos.url],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString();
  });
  const [code] = (await once(child, 'exit')) as [number | null];
  // The worker never calls exit(): reaching here means the process ended by itself once its work was done.
  expect(code).toBe(0);
  const report = JSON.parse(out.trim()) as {
    calls: number;
    settled: number;
    untyped: number;
    unhandled: number;
    outcomes: Record<string, number>;
    posts: string[];
    baselineHeap: number;
    afterHeap: number;
    baselineResources: string[];
    afterResources: string[];
  };
  expect(report.settled).toBe(report.calls);
  expect(report.untyped).toBe(0);
  expect(report.unhandled).toBe(0);
  expect(Object.values(report.outcomes).reduce((a, b) => a + b, 0)).toBe(report.calls);
  // Every kind of outcome occurred: the mix really exercised the faults.
  expect(Object.keys(report.outcomes).sort()).toEqual(['auth-fatal', 'ok', 'rate-limited', 'retryable']);
  // No POST the server processed was processed twice.
  const twice = report.posts.filter((id) => (chaos.processed.get(id) ?? 0) > 1);
  expect(twice).toEqual([]);
  expect(report.posts.length).toBeGreaterThan(2000);
  // Heap back to where it was (within 8 MB, after a full GC); no handle left beyond the baseline.
  expect(report.afterHeap - report.baselineHeap).toBeLessThan(8 * 1024 * 1024);
  const extra = [...report.afterResources];
  for (const resource of report.baselineResources) {
    const i = extra.indexOf(resource);
    if (i >= 0) extra.splice(i, 1);
  }
  expect(extra).toEqual([]);
}, 300_000);
