// One replica of a service for the real-process cluster tests (test/cluster/*.test.ts), forked with an IPC channel.
// It uses calmfetch's public API only: one createClient, its limiter in Redis (REDIS_PORT) or local (no REDIS_PORT).
//
//   SCENARIO=lanes   CALLS calls over CONCURRENCY lanes; a `progress` message after each settles. With WAIT_FOR, it
//                    then sends `waiting` and makes 2 × CALLS more calls once Redis is gone:
//                    WAIT_FOR=fallback  after the parent's `killed`, once the client reported `local-fallback`;
//                    WAIT_FOR=killed    at once after the parent's `killed`.
//                    Then close(), and a `done` message.
//   SCENARIO=queue   PRIME calls one by one (they spend the window), then WAITING calls at once; once the client
//                    says they are queued, close(), and a `done` message.
//
// The parent sends `go` so that N replicas start together. Nothing here calls process.exit: the parent checks that
// the process ends on its own once the channel is gone.
import { type CalmEvent, createClient } from '../../src/index.ts';

const env = process.env;
const CALLS = Number(env.CALLS ?? 20);
const CONCURRENCY = Number(env.CONCURRENCY ?? 4);
const send = (message: object) => new Promise<void>((resolve) => process.send!(message, () => resolve()));
const nextMessage = (type: string) =>
  new Promise<void>((resolve) => {
    const listener = (message: { type: string }) => {
      if (message?.type !== type) return;
      process.off('message', listener);
      resolve();
    };
    process.on('message', listener);
  });

const events: { at: number; event: CalmEvent }[] = [];
let closing = false;
const afterClose: CalmEvent[] = [];
const x = createClient({
  baseUrl: env.API_URL!,
  auth: { bearer: 'cluster-test-token-0123456789' },
  rateLimit: env.REDIS_PORT
    ? {
        redis: {
          options: { port: Number(env.REDIS_PORT), host: '127.0.0.1' },
          prefix: env.PREFIX!,
          timeoutMs: Number(env.REDIS_TIMEOUT_MS ?? 500),
        },
      }
    : {},
  hooks: {
    onEvent: (event) => {
      if (event.type !== 'limiter') return;
      events.push({ at: Date.now(), event });
      if (env.DEBUG) console.error(Date.now(), JSON.stringify(event));
      if (closing) afterClose.push(event);
    },
  },
});

/** How a call ended: `ok`, or the error's name and message (the closed error is `PermanentError: … closed`). */
const outcomes: Record<string, number> = {};
let settled = 0;
const note = (key: string) => {
  outcomes[key] = (outcomes[key] ?? 0) + 1;
  settled++;
};
const call = () =>
  x.get('/2/tweets/20').then(
    () => note('ok'),
    (error: Error) => note(`${error.name}: ${error.message}`.slice(0, 160)),
  );

async function lanes(calls: number) {
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < calls) {
        next++;
        await call();
        process.send!({ type: 'progress', settled, ok: outcomes.ok ?? 0 });
      }
    }),
  );
}

const go = nextMessage('go');
await send({ type: 'ready' });
await go;
const started = Date.now();
let queuedAtClose = 0;
if (env.SCENARIO === 'queue') {
  for (let i = 0; i < Number(env.PRIME ?? 0); i++) await call();
  const waiting = Number(env.WAITING ?? 10);
  for (let i = 0; i < waiting; i++) void call();
  const deadline = Date.now() + 5000;
  while (x.queued < waiting && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  queuedAtClose = x.queued;
} else {
  await lanes(CALLS);
  if (env.WAIT_FOR === 'fallback') {
    const killed = nextMessage('killed');
    await send({ type: 'waiting' });
    await killed;
    const deadline = Date.now() + 10_000;
    while (!events.some((e) => e.event.type === 'limiter' && e.event.action === 'local-fallback')) {
      if (Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 10));
    }
    await lanes(2 * CALLS);
  } else if (env.WAIT_FOR === 'killed') {
    const killed = nextMessage('killed');
    await send({ type: 'waiting' });
    await killed;
    await lanes(2 * CALLS);
  }
}
const callsMs = Date.now() - started;
const settledBeforeClose = settled;
closing = true;
const closeStart = Date.now();
await send({ type: 'closing', settled, queued: queuedAtClose });
await x.close();
const closeMs = Date.now() - closeStart;
// Calls still waiting when close() began settle at once with the closed error; give them a moment to be counted.
const deadline = Date.now() + 2000;
while (settled < Number(env.EXPECT_SETTLED ?? settled) && Date.now() < deadline) {
  await new Promise((r) => setTimeout(r, 10));
}
await send({
  type: 'done',
  settled,
  settledBeforeClose,
  outcomes,
  queuedAtClose,
  callsMs,
  closeMs,
  settleMs: Date.now() - closeStart,
  limiterEvents: events.map((e) => ({ at: e.at, ...e.event })),
  afterClose,
});
process.disconnect();
