// One abort run in a process of its own (so that "the process exits by itself" can be observed from outside).
// argv: server URL, contender. 1,000 calls wait on a spent window; each is aborted in turn, and the time from
// abort() to its rejection is measured. Then it reports, and does nothing else: no close(), no exit().
import { performance } from 'node:perf_hooks';
import { type ContenderName, contenders } from './contenders.ts';

const [url, name] = process.argv.slice(2) as [string, ContenderName];
const CALLS = 1000;
const client = contenders[name](url);
const stats = async () => (await (await fetch(`${url}/__stats`)).json()) as { requests: number };
const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

// calmfetch waits in its limiter: one call learns that the window is spent until a reset 60 s away.
// The peer waits in its retry delay: every call draws a 429 whose reset is 60 s away.
const path = name === 'calmfetch' ? '/2/tweets/20' : '/2/limited';
if (name === 'calmfetch') {
  await fetch(`${url}/__spend?ms=60000`, { method: 'POST' });
  await client.get(path);
}
const before = (await stats()).requests;
const controllers = Array.from({ length: CALLS }, () => new AbortController());
const outcomes = controllers.map((controller) =>
  client.get(path, controller.signal).then(
    () => 'resolved',
    (error: unknown) => ({ at: performance.now(), error }),
  ),
);
// Wait until every call is waiting: in the limiter's queue, or (peer) past its first 429.
for (let i = 0; i < 100_000; i++) {
  await turn();
  if (name !== 'calmfetch' && (await stats()).requests - before >= CALLS) break;
  if (name === 'calmfetch' && i > 200) break;
}
await new Promise((resolve) => setTimeout(resolve, 200));

const latencies: number[] = [];
let wrongReason = 0;
for (let i = 0; i < CALLS; i++) {
  const reason = new Error(`aborted ${i}`);
  const start = performance.now();
  controllers[i]!.abort(reason);
  const outcome = await outcomes[i]!;
  if (typeof outcome === 'string') continue;
  latencies.push(outcome.at - start);
  if (outcome.error !== reason && (outcome.error as { cause?: unknown })?.cause !== reason) wrongReason++;
}
const sent = (await stats()).requests - before;
// Let the event loop settle, then list what is still holding the process open.
await new Promise((resolve) => setTimeout(resolve, 100));
// The IPC channel to the parent (PipeWrap) and a terminal (TTYWrap) are the harness's, not the client's.
const resources = process.getActiveResourcesInfo().filter((r) => r !== 'TTYWrap' && r !== 'PipeWrap');
process.send?.({ latencies, wrongReason, sent, resources });
