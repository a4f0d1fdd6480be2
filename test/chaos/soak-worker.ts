// The soak's client process: 10,000 mixed calls (GET and POST) at concurrency 100 against the chaos server whose
// URL it is given, each hitting a fault drawn from a seeded mix. Prints one JSON report, then leaves: no close(),
// no exit() — the test checks that the process ends by itself.
import { randomUUID } from 'node:crypto';
import { createClient, isCalmError } from '../../src/index.ts';
import type { Fault } from './server.ts';

const [url, callsArg] = process.argv.slice(2) as [string, string | undefined];
const CALLS = Number(callsArg ?? 10_000);
const CONCURRENCY = 100;
const gc = (globalThis as { gc?: () => void }).gc!;
const heap = () => {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
};

// Weighted: mostly healthy, every fault present.
const MIX: [Fault, number][] = [
  ['ok', 600],
  ['reset-before-headers', 40],
  ['reset-after-headers', 40],
  ['drop-mid-body', 40],
  ['stall-headers', 10],
  ['trickle-body', 10],
  ['html-error', 40],
  ['invalid-json-200', 30],
  ['truncated-json-200', 30],
  ['big-body', 2],
  ['garbage-rate-limit-headers', 40],
  ['retry-after-past', 30],
  ['retry-after-future', 10],
  ['retry-after-http-date', 10],
  ['skewed-clock-429', 10],
  ['auth-135', 20],
  ['over-capacity', 38],
];
const total = MIX.reduce((sum, [, weight]) => sum + weight, 0);
let seed = 0x2f6e2b1;
const random = () => {
  // mulberry32: a seeded PRNG, so that a failing soak can be replayed.
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const pick = (): Fault => {
  let roll = random() * total;
  for (const [fault, weight] of MIX) {
    roll -= weight;
    if (roll < 0) return fault;
  }
  return 'ok';
};

let unhandled = 0;
process.on('unhandledRejection', () => {
  unhandled++;
});

const x = createClient({
  baseUrl: url,
  auth: { bearer: 'soak-bearer-token-0123456789abcdef' },
  timeoutMs: 300,
  retry: { limit: 2, baseDelayMs: 5, maxDelayMs: 50, maxWaitMs: 1000 },
});
for (let i = 0; i < 50; i++) await x.get('/2/ok/20');
const baselineHeap = heap();
const baselineResources = process.getActiveResourcesInfo();

const outcomes: Record<string, number> = {};
const posts: string[] = [];
let settled = 0;
let untyped = 0;
let next = 0;
const started = Date.now();
await Promise.all(
  Array.from({ length: CONCURRENCY }, async () => {
    while (next < CALLS) {
      next++;
      const fault = pick();
      const post = random() < 0.3;
      const id = randomUUID();
      if (post) posts.push(id);
      try {
        await (post
          ? x.post(`/2/${fault}/tweets`, { json: { text: 'soak' }, headers: { 'x-call-id': id } })
          : x.get(`/2/${fault}/20`));
        outcomes.ok = (outcomes.ok ?? 0) + 1;
      } catch (error) {
        if (isCalmError(error)) outcomes[error.category] = (outcomes[error.category] ?? 0) + 1;
        else untyped++;
      }
      settled++;
    }
  }),
);
const elapsedMs = Date.now() - started;
// Keep-alive sockets close when the server's keepAliveTimeout (2 s) passes; then nothing of ours should remain.
await new Promise((resolve) => setTimeout(resolve, 2500));
const afterHeap = heap();
const afterResources = process.getActiveResourcesInfo();
process.stdout.write(
  `${JSON.stringify({
    calls: CALLS,
    settled,
    untyped,
    unhandled,
    outcomes,
    posts,
    elapsedMs,
    baselineHeap,
    afterHeap,
    baselineResources,
    afterResources,
  })}\n`,
);
