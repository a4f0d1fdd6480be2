// `node bench/reconnect.ts [--write]`: a reconnect trace. client.stream() meets each failure class in turn on a
// loopback fake (network errors, 503s, 429 TooManyConnections, a drop, a stall, an operational disconnect); every
// delay is shrunk SCALE times so the trace runs in seconds, then shown at X's scale beside X's rule for that step
// (docs.x.com, x-api/fundamentals/handling-disconnections.mdx:83-106). --write saves it as bench/RECONNECT.md.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { streamSteps as s, tooManyConnections, xFailures, xStream } from '../mocks/index.ts';
import { startMockServer } from '../mocks/node.ts';
import { type CalmEvent, createClient, STREAM_DEFAULTS } from '../src/index.ts';

const SCALE = 50;
const HOLD = { wait: Number.POSITIVE_INFINITY };
const network = () => xFailures['network-error']();
const unavailable = () => xFailures['service-unavailable']();
const CAUSES = [
  'network error',
  'network error',
  'network error',
  '503',
  '503',
  '503',
  '429 TooManyConnections',
  '429 TooManyConnections',
  'dropped after a Post',
  'stall (no byte for stallTimeoutMs)',
  'operational-disconnect',
];

/** X's rule for the n-th step of a schedule, written out from the docs (not from calmfetch's code). */
function xRule(schedule: string, n: number): string {
  if (schedule === 'immediate') return '0 ("reconnect immediately")';
  if (schedule === 'network') return `${Math.min(250 * n, 16_000)} (+250 ms, ≤ 16 s)`;
  if (schedule === 'http') return `${Math.min(5000 * 2 ** (n - 1), 320_000)} (5 s doubling, ≤ 320 s)`;
  return `${60_000 * 2 ** (n - 1)} (1 min doubling)`;
}

const server = await startMockServer([
  xStream('https://api.x.com/2/tweets/search/stream', [
    network,
    network,
    network,
    unavailable,
    unavailable,
    unavailable,
    tooManyConnections,
    tooManyConnections,
    [s.post('1')],
    [s.post('2'), HOLD],
    [s.post('3'), s.operationalDisconnect()],
    [s.post('4'), HOLD],
  ]),
]);
const events: (CalmEvent & { at: number })[] = [];
const d = STREAM_DEFAULTS.reconnect;
const x = createClient({
  baseUrl: server.url,
  auth: { bearer: 'bench' },
  hooks: { onEvent: (e) => events.push({ ...e, at: performance.now() }) },
});
const stream = x.stream<{ data: { id: string } }>('/2/tweets/search/stream', {
  stallTimeoutMs: STREAM_DEFAULTS.stallTimeoutMs / SCALE,
  reconnect: {
    networkStepMs: d.networkStepMs / SCALE,
    networkMaxMs: d.networkMaxMs / SCALE,
    httpBaseMs: d.httpBaseMs / SCALE,
    httpMaxMs: d.httpMaxMs / SCALE,
    rateLimitBaseMs: d.rateLimitBaseMs / SCALE,
    rateLimitMaxMs: d.rateLimitMaxMs / SCALE,
  },
});
for await (const message of stream) if (message.data.id === '4') break;
await x.close();
await server.close();

const attempts = events.filter((e) => e.type === 'attempt');
const rows = events
  .filter(
    (e): e is Extract<CalmEvent, { type: 'stream-reconnecting' }> & { at: number } =>
      e.type === 'stream-reconnecting',
  )
  .map((e, i) => {
    const next = attempts.find((a) => a.at >= e.at);
    const measured = next ? (next.at - e.at) * SCALE : Number.NaN;
    return `| ${i + 1} | ${CAUSES[i] ?? '?'} | \`${e.schedule}\` | ${e.attempt} | ${xRule(e.schedule, e.attempt)} | ${e.delayMs * SCALE} | ${Math.round(measured)} |`;
  });
const text = [
  '# Stream reconnect trace',
  '',
  `Written by \`node bench/reconnect.ts --write\` on ${new Date().toISOString().slice(0, 10)}, Node ${process.version}. One \`client.stream()\` on a loopback fake meets each failure class in turn; delays run ${SCALE}× shorter and are shown here at X's scale (ms). "measured": from the \`stream-reconnecting\` event to the next connect's \`attempt\` event, × ${SCALE} (so 1 ms of timer slack shows as ${SCALE} ms). The schedules start over once a connection is established.`,
  '',
  "| # | cause | schedule | step | X's rule (ms) | calmfetch's delay (ms) | measured (ms) |",
  '|---|---|---|---|---|---|---|',
  ...rows,
  '',
].join('\n');
console.log(text);
if (process.argv.includes('--write')) writeFileSync(join(import.meta.dirname, 'RECONNECT.md'), text);
