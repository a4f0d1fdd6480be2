import { http } from 'msw';
import { problem } from './bodies.ts';
import { rateLimitHeaders } from './headers.ts';

/**
 * One step of a scripted stream connection: `send` writes exactly these bytes as one chunk (split a post, a
 * `\r\n` or a multi-byte character between two steps to test a consumer's splitter); `wait` is silence for `ms`
 * (`Infinity`: until the client goes away, a stall). When the steps run out, the server closes the stream.
 */
export type StreamStep =
  | { readonly send: string | Uint8Array }
  | { readonly wait: number }
  /** The connection breaks mid-stream (the server resets the socket): a network error while reading. */
  | { readonly fail: true };

/** A connection: its steps (a 200 stream), or a whole response (a 429 TooManyConnections, a 409 with no rules). */
export type StreamConnection = readonly StreamStep[] | (() => Response);

const encoder = new TextEncoder();
const problemJson = (body: unknown, status: number, headers: Record<string, string>) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/problem+json', ...headers },
  });
const bytesOf = (value: string | Uint8Array) => (typeof value === 'string' ? encoder.encode(value) : value);

/** X's in-stream operational disconnect, verbatim (docs.x.com, handling-disconnections.mdx:47-56). */
export const OPERATIONAL_DISCONNECT = {
  errors: [
    {
      title: 'operational-disconnect',
      disconnect_type: 'UpstreamOperationalDisconnect',
      detail: 'This stream has been disconnected upstream for operational reasons.',
      type: 'https://api.x.com/2/problems/operational-disconnect',
    },
  ],
};

/** Steps for common stream content. */
export const streamSteps = {
  /** A post as X frames it: `{"data":{"id","text"},"matching_rules":[…]}` and `\r\n`, in one chunk. */
  post: (id: string, text = `post ${id}`): StreamStep => ({
    send: `${JSON.stringify({ data: { id, text }, matching_rules: [{ id: '1', tag: 'test' }] })}\r\n`,
  }),
  /** X's keep-alive: an empty line, sent at least every 20 s (consuming-streaming-data.mdx:116). */
  keepAlive: (): StreamStep => ({ send: '\r\n' }),
  silence: (ms: number): StreamStep => ({ wait: ms }),
  operationalDisconnect: (): StreamStep => ({ send: `${JSON.stringify(OPERATIONAL_DISCONNECT)}\r\n` }),
  /** The bytes of `text` cut at each offset (byte offsets: a cut may fall inside a character), one step each. */
  split: (text: string, at: readonly number[]): StreamStep[] => {
    const bytes = encoder.encode(text);
    const cuts = [0, ...at.filter((n) => n > 0 && n < bytes.length).sort((a, b) => a - b), bytes.length];
    return cuts.slice(1).map((end, i) => ({ send: bytes.slice(cuts[i], end) }));
  },
};

/** The body of a scripted connection; cancelling it (the client going away) stops the script and its timer. */
export function streamBody(steps: readonly StreamStep[]): ReadableStream<Uint8Array> {
  let next = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let wake: (() => void) | undefined;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      for (;;) {
        const step = steps[next++];
        if (step === undefined) return controller.close();
        if ('send' in step) return controller.enqueue(bytesOf(step.send));
        if ('fail' in step) return controller.error(new Error('the scripted connection broke'));
        const ms = step.wait;
        await new Promise<void>((resolve) => {
          wake = resolve;
          if (ms !== Number.POSITIVE_INFINITY) timer = setTimeout(resolve, ms);
        });
      }
    },
    cancel() {
      if (timer !== undefined) clearTimeout(timer);
      wake?.();
      next = steps.length + 1;
    },
  });
}

/** A 200 stream answering with the scripted steps, as X's stream endpoints do (`application/json`, chunked). */
export function streamResponse(steps: readonly StreamStep[], headers: Record<string, string> = {}): Response {
  return new Response(streamBody(steps), {
    status: 200,
    // Chunked, as X sends its streams: a body that ends at the connection's close would, in msw's socket
    // emulation, complete a request the client already aborted (an assertion failure inside undici).
    headers: {
      'content-type': 'application/json; charset=utf-8',
      'transfer-encoding': 'chunked',
      ...headers,
    },
  });
}

/**
 * X's 429 when the stream already has its allowed connections (handling-disconnections.mdx:58-67, verbatim). Its
 * x-rate-limit-* headers count connects, not connections: `remaining` can be thousands (twitter-api-v2 #440).
 */
export function tooManyConnections(headers: Record<string, string> = {}): Response {
  return problemJson(
    {
      title: 'ConnectionException',
      detail: 'This stream is currently at the maximum allowed connection limit.',
      connection_issue: 'TooManyConnections',
      type: 'https://api.x.com/2/problems/streaming-connection',
    },
    429,
    { ...rateLimitHeaders({ limit: 50, remaining: 49 }), ...headers },
  );
}

/**
 * X's 409 for a filtered stream with no rules. The status and problem type are X's (response-codes-and-errors.mdx);
 * the detail is the docs' description of it (no verbatim body is quoted there).
 */
export function noRules(headers: Record<string, string> = {}): Response {
  return problemJson(
    problem('streaming-connection', {
      title: 'ConnectionException',
      detail: 'Returned when attempting to connect to a filtered stream that has no rules.',
    }),
    409,
    headers,
  );
}

/**
 * An msw handler for a stream endpoint: the n-th connect gets the n-th connection (the last one repeats). Serve it
 * with `startMockServer` to test a consumer over a real socket, chunk by chunk.
 */
export function xStream(
  path: string | RegExp,
  connections: readonly StreamConnection[],
  options: { readonly method?: 'get' | 'post' } = {},
) {
  if (connections.length === 0) throw new TypeError('`connections` must not be empty');
  let next = 0;
  return http[options.method ?? 'get'](path, () =>
    connectionResponse(connections[Math.min(next++, connections.length - 1)]!),
  );
}

/** @internal */
export function connectionResponse(connection: StreamConnection): Response {
  return typeof connection === 'function' ? connection() : streamResponse(connection);
}
