import { vi } from 'vitest';
import type { StreamConnection } from '../../mocks/index.ts';
import { xStream } from '../../mocks/index.ts';
import { connectionResponse } from '../../mocks/stream.ts';
import type { CalmClient, CalmEvent, ClientOptions, StreamEvent, StreamOptions } from '../../src/index.ts';
import { createClient } from '../../src/index.ts';
import { API, eventLog, recordRequests, seenRequest, TOKEN, type useMockServer } from '../helpers.ts';

export const STREAM = '/2/tweets/search/stream';

type Server = ReturnType<typeof useMockServer>;
type Of<K extends StreamEvent['type']> = Extract<StreamEvent, { type: K }>;

/**
 * A stream on msw under fake timers: the n-th connect gets `connections[n]`; the consumer collects post ids (and the
 * error the iteration ends with) unless `consume` is false.
 */
export function openHarness(
  mock: Server,
  connections: readonly StreamConnection[] | undefined,
  streamOptions: StreamOptions = {},
  clientOptions: ClientOptions = {},
  consume = true,
  direct = false,
) {
  if (connections && !direct) mock.use(xStream(`${API}${STREAM}`, connections));
  const seen = recordRequests(mock.server);
  if (direct && connections) {
    // The scripted responses straight from `fetch`: a cancelled body is the script's own stream (msw's socket
    // emulation tees bodies, so a cancel would not reach the script, and it asserts on bodies cut mid-message).
    let next = 0;
    clientOptions = {
      ...clientOptions,
      fetch: async (input) => {
        seen.push(seenRequest(input as Request));
        const response = connectionResponse(connections[Math.min(next++, connections.length - 1)]!);
        if (response.type === 'error') throw new TypeError('fetch failed');
        return response;
      },
    };
  }
  const log = eventLog();
  const stamps = new Map<CalmEvent, number>();
  const record = log.onEvent;
  log.onEvent = (event: CalmEvent) => {
    stamps.set(event, Date.now());
    return record(event);
  };
  const client: CalmClient = createClient({
    auth: { bearer: TOKEN },
    random: () => 0,
    ...clientOptions,
    hooks: { onEvent: log.onEvent, ...clientOptions.hooks },
  });
  const stream = client.stream<{ data: { id: string } }>(STREAM, streamOptions);
  const got: string[] = [];
  let error: unknown;
  let ended = false;
  const done = consume
    ? (async () => {
        try {
          for await (const message of stream) got.push(message.data.id);
        } catch (e) {
          error = e;
        } finally {
          ended = true;
        }
      })()
    : Promise.resolve();
  const of = <K extends StreamEvent['type']>(type: K): Of<K>[] =>
    log.events.filter((e: CalmEvent): e is Of<K> => e.type === type);
  return {
    seen,
    log,
    client,
    stream,
    got,
    done,
    of,
    get error() {
      return error;
    },
    get ended() {
      return ended;
    },
    /** [schedule, delayMs] of every reconnect so far. */
    reconnects: () => of('stream-reconnecting').map((e) => [e.schedule, e.delayMs] as const),
    /** When each connect reached the server, ms after the first. */
    connectTimes: () => seen.map((s) => s.at - seen[0]!.at),
    /** For each reconnect: how long after it was announced its connect reached the server. */
    waited: () => of('stream-reconnecting').map((e, i) => (seen[i + 1]?.at ?? Number.NaN) - stamps.get(e)!),
    advance: (ms: number) => vi.advanceTimersByTimeAsync(ms),
  };
}
