// One replica for the clustering benchmark: CALLS calls at CONCURRENCY through one client, its limiter in Redis
// (REDIS_PORT set) or local, or off (MODE=off). Prints one JSON line: ok, failed, latencies (ms), elapsed.
import { performance } from 'node:perf_hooks';
import { createClient } from '../src/index.ts';

const {
  API_URL,
  REDIS_PORT,
  PREFIX,
  CALLS = '20',
  CONCURRENCY = '4',
  MODE = 'local',
  CALL_PATH = '/2/tweets/20',
} = process.env;
const x = createClient({
  baseUrl: API_URL!,
  auth: { bearer: 'bench-cluster-token-0123456789' },
  retry: { maxWaitMs: 120_000 },
  rateLimit:
    MODE === 'off'
      ? false
      : MODE === 'redis'
        ? {
            redis: {
              options: { port: Number(REDIS_PORT), host: '127.0.0.1' },
              prefix: PREFIX!,
              timeoutMs: 5000,
            },
          }
        : {},
});
// Wait for a common start (the parent writes a line), so that N processes begin together.
if (process.env.GO) await new Promise((resolve) => process.stdin.once('data', resolve));
const latencies: number[] = [];
let ok = 0;
let failed = 0;
let next = 0;
const start = performance.now();
await Promise.all(
  Array.from({ length: Number(CONCURRENCY) }, async () => {
    while (next < Number(CALLS)) {
      next++;
      const begun = performance.now();
      try {
        await x.get(CALL_PATH);
        ok++;
      } catch (error) {
        failed++;
        if (process.env.DEBUG) console.error(String(error));
      }
      latencies.push(performance.now() - begun);
    }
  }),
);
const elapsed = performance.now() - start;
await x.close();
console.log(JSON.stringify({ ok, failed, latencies, elapsed }));
