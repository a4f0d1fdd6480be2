// The demo's stream phase: client.stream() on the fake filtered stream meets a dropped connection, a stall, an
// operational disconnect and a 429 TooManyConnections, and recovers from each as X's rules say. X's delays are
// shrunk for the demo (a stall after 3 s instead of 60 s, the 429 step 3 s instead of 60 s); the order is X's.
import { type MockEndpoint, streamSteps as s, tooManyConnections } from '../mocks/index.ts';
import type { CalmClient } from '../src/index.ts';

export const STREAM_PATH = '/2/tweets/search/stream';
/** X allows 50 connects per 15 minutes on the filtered stream (rate-limits.mdx:81). */
export const STREAM_ENDPOINT: MockEndpoint = {
  method: 'GET',
  path: STREAM_PATH,
  limit: 50,
  windowMs: 900_000,
  stream: [
    [s.post('1'), s.keepAlive(), s.post('2')], // then the server drops the connection
    [s.post('3'), s.silence(Number.POSITIVE_INFINITY)], // a stall: nothing more, not even a keep-alive
    [s.post('4'), s.operationalDisconnect()], // X announces the close, then closes
    () => tooManyConnections(), // the old connection still counted at X
    [s.post('5'), s.keepAlive(), s.post('6'), s.silence(Number.POSITIVE_INFINITY)],
  ],
};

export async function streamPhase(x: CalmClient, print: (text: string) => void, rateLimited: () => number) {
  const stream = x.stream<{ data: { id: string } }>(STREAM_PATH, {
    stallTimeoutMs: 3000,
    reconnect: { rateLimitBaseMs: 3000 },
  });
  const ids: string[] = [];
  for await (const message of stream) {
    ids.push(message.data.id);
    print(`    Post ${message.data.id} delivered`);
    if (ids.length === 6) break;
  }
  return {
    calls: 5,
    outcome: `${ids.length} Posts across a drop, a stall, an operational disconnect and a TooManyConnections; ${rateLimited()} 429`,
    asExpected: ids.join(',') === '1,2,3,4,5,6' && rateLimited() === 1,
  };
}
