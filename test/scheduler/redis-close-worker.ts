// One process with a Redis-backed client, for the close() cases of issue 19 (run by redis-lifecycle.test.ts):
//   MODE=waiting  Redis up, calls waiting for a spent window: close() must settle them at once and end.
//   MODE=gone     Redis killed mid-run (REDIS_PID), calls go on locally, then close(): the process must exit.
//   MODE=never    Redis never up, with a retryStrategy of the user's own (ioredis reconnects): same.
// Prints one JSON line at exit; the parent's execFile timeout catches a process that never exits.
import { type CalmEvent, createClient, isCalmError } from '../../src/index.ts';

const { MODE, REDIS_PORT, REDIS_PID } = process.env;
const reset = () => String(Math.ceil(Date.now() / 1000) + 60);
// A window spent for a minute after the first answer (MODE=waiting), or one far from spent.
let served = 0;
const answer: typeof fetch = async () => {
  served++;
  const spent = MODE === 'waiting';
  return Response.json(
    { data: { id: '1' } },
    {
      headers: {
        'x-rate-limit-limit': '100',
        'x-rate-limit-remaining': spent ? '0' : String(Math.max(1, 100 - served)),
        'x-rate-limit-reset': reset(),
      },
    },
  );
};
const events: CalmEvent[] = [];
const x = createClient({
  fetch: answer,
  rateLimit: {
    redis: {
      options: {
        port: Number(REDIS_PORT),
        host: '127.0.0.1',
        ...(MODE === 'never' && { retryStrategy: () => 200 }),
      },
      prefix: `close-${process.pid}`,
      timeoutMs: 300,
    },
  },
  hooks: { onEvent: (event) => events.push(event) },
});
const outcomes: string[] = [];
const settle = (call: Promise<unknown>) =>
  call.then(
    () => outcomes.push('ok'),
    (error: unknown) => outcomes.push(isCalmError(error) ? `${error.name}: ${error.giveUp}` : String(error)),
  );
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let closeMs = -1;
if (MODE === 'waiting') {
  await settle(x.get('/2/users/me')); // the window is spent now, for a minute
  const calls = Array.from({ length: 5 }, () => settle(x.get('/2/users/me')));
  while (x.queued < 5) await sleep(10);
  const start = performance.now();
  await x.close();
  closeMs = performance.now() - start;
  await Promise.all(calls);
} else {
  for (let i = 0; i < 3; i++) await settle(x.get('/2/users/me'));
  if (MODE === 'gone') process.kill(Number(REDIS_PID), 'SIGKILL');
  await sleep(500);
  for (let i = 0; i < 3; i++) await settle(x.get('/2/users/me'));
  await sleep(1500); // long enough for reconnects and probes to have been tried
  const start = performance.now();
  await x.close();
  closeMs = performance.now() - start;
}
const after = events.length;
process.on('exit', () =>
  console.log(JSON.stringify({ closeMs, outcomes, afterClose: events.length - after })),
);
