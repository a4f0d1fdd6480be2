// Memory, in a process of its own started with --expose-gc. argv: server URL.
// 1. 10,000 calls queued behind a spent window: heap per queued call.
// 2. After the window resets and they all finish: heap against the baseline.
// 3. 100,000 calls at concurrency 100: heap after every 10,000 (after a full GC), to see any growth.
import { createClient } from '../src/index.ts';
import { TOKEN } from './contenders.ts';
import { sleep } from './lib.ts';

const [url] = process.argv.slice(2) as [string];
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with --expose-gc');
const heap = () => {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
};
const QUEUED = 10_000;
const options = { baseUrl: url, auth: { bearer: TOKEN }, rateLimit: { maxConcurrent: 100 } } as const;

// Warm the code (JIT) and the sockets with a first client, then start on a fresh one: a window's reset never moves
// earlier on X, so a client that knows the 15-minute window would rightly ignore a sooner one.
const warm = createClient(options);
const drive = async (client: typeof warm, total: number) => {
  let next = 0;
  await Promise.all(
    Array.from({ length: 100 }, async () => {
      while (next < total) {
        next++;
        await client.get('/2/tweets/20');
      }
    }),
  );
};
// At the same concurrency as later, so that the connection pool (100 sockets and their buffers) is in the baseline.
await drive(warm, 5_000);
await warm.close();
const x = createClient(options);
await fetch(`${url}/__spend?ms=4000`, { method: 'POST' });
const baseline = heap();
await x.get('/2/tweets/20'); // the probe: the window is spent until the reset
const calls = Array.from({ length: QUEUED }, () => x.get('/2/tweets/20'));
while (x.queued < QUEUED) await sleep(10);
const queuedHeap = heap();
const failed = (await Promise.allSettled(calls)).filter((r) => r.status === 'rejected').length;
calls.length = 0; // the harness lets go of the 10,000 results, as a caller would
await sleep(1000); // let sockets and timers of the drained queue go
const afterHeap = heap();

const samples: number[] = [];
// Sample between batches of 10,000 so that in-flight calls do not blur the figure.
for (let batch = 0; batch < 10; batch++) {
  let next = 0;
  const lanes = Array.from({ length: 100 }, async () => {
    while (next < 10_000) {
      next++;
      await x.get('/2/tweets/20');
    }
  });
  await Promise.all(lanes);
  samples.push(heap());
}
await x.close();
const closedHeap = heap();
process.send?.({ baseline, queuedHeap, afterHeap, failed, samples, closedHeap });
