// A chaos server: real node:http on loopback that misbehaves on request, by path. Used by the fault-injection
// tests and the soak. Every POST carries an `x-call-id`; the server counts the ones it processed, so that a test
// can prove no processed write was sent twice.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { v1Error } from '../../mocks/bodies.ts';

export const FAULTS = [
  'ok',
  'reset-before-headers',
  'reset-after-headers',
  'drop-mid-body',
  'stall-headers',
  'trickle-body',
  'html-error',
  'invalid-json-200',
  'truncated-json-200',
  'big-body',
  'garbage-rate-limit-headers',
  'retry-after-past',
  'retry-after-future',
  'retry-after-http-date',
  'skewed-clock-429',
  'auth-135',
  'over-capacity',
] as const;
export type Fault = (typeof FAULTS)[number];

export interface ChaosServer {
  readonly url: string;
  /** How many times the server processed each POST (by `x-call-id`). */
  readonly processed: Map<string, number>;
  /** Requests by fault. */
  readonly hits: Map<string, number>;
  close(): Promise<void>;
}

const POST = '{"data":{"id":"20","text":"just setting up my twttr"}}';
/** X's v1.1 error bodies, exactly as calmfetch/mocks builds them. */
const OVER_CAPACITY = JSON.stringify(v1Error(130));
const RATE_LIMITED = JSON.stringify(v1Error(88));
const TIMESTAMP_OUT_OF_BOUNDS = JSON.stringify(v1Error(135));
const SKEW_MS = 10 * 60_000;

export interface ChaosOptions {
  /** How long `stall-headers` holds the response back. @default 5000 */
  readonly stallMs?: number;
  /** The byte interval of `trickle-body`. @default 50 */
  readonly trickleMs?: number;
}

export async function startChaosServer(options: ChaosOptions = {}): Promise<ChaosServer> {
  const processed = new Map<string, number>();
  const hits = new Map<string, number>();
  const timers = new Set<ReturnType<typeof setTimeout>>();
  const later = (ms: number, fn: () => void) => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      fn();
    }, ms);
    timers.add(timer);
  };
  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(request.url ?? '/', 'http://chaos');
    const fault = (url.pathname.split('/')[2] ?? 'ok') as Fault;
    hits.set(fault, (hits.get(fault) ?? 0) + 1);
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const callId = request.headers['x-call-id'];
    // A POST is processed (its effect happens) before the server answers — or fails to answer.
    const process = () => {
      if (request.method === 'POST' && typeof callId === 'string')
        processed.set(callId, (processed.get(callId) ?? 0) + 1);
    };
    const json = (status: number, body: string, headers: Record<string, string> = {}) => {
      response.writeHead(status, { 'content-type': 'application/json', ...headers });
      response.end(body);
    };
    const now = Date.now();
    switch (fault) {
      case 'reset-before-headers':
        request.socket.destroy();
        return;
      case 'reset-after-headers':
        process();
        response.writeHead(200, { 'content-type': 'application/json', 'content-length': '500' });
        response.flushHeaders();
        later(5, () => request.socket.destroy());
        return;
      case 'drop-mid-body':
        process();
        response.writeHead(200, {
          'content-type': 'application/json',
          'content-length': String(POST.length),
        });
        response.write(POST.slice(0, 20));
        later(5, () => request.socket.destroy());
        return;
      case 'stall-headers':
        later(options.stallMs ?? 5000, () => {
          if (!response.destroyed) json(200, POST);
        });
        return;
      case 'trickle-body': {
        process();
        response.writeHead(200, {
          'content-type': 'application/json',
          'content-length': String(POST.length),
        });
        let i = 0;
        const drip = () => {
          if (response.destroyed) return;
          if (i >= POST.length) return void response.end();
          response.write(POST[i++]!);
          later(options.trickleMs ?? 50, drip);
        };
        drip();
        return;
      }
      case 'html-error':
        response.writeHead(500, { 'content-type': 'text/html' });
        response.end('<html><body><h1>500 Internal Server Error</h1></body></html>');
        return;
      case 'invalid-json-200':
        process();
        return json(200, '{"data": {"id": 20, oops}');
      case 'truncated-json-200':
        process();
        return json(200, POST.slice(0, 25));
      case 'big-body': {
        process();
        const filler = 'x'.repeat(1024);
        const body = `{"data":{"id":"20","text":"${filler.repeat(10 * 1024)}"}}`;
        return json(200, body);
      }
      case 'garbage-rate-limit-headers':
        process();
        return json(200, POST, {
          'x-rate-limit-limit': 'NaN',
          'x-rate-limit-remaining': '-5',
          'x-rate-limit-reset': '99999999999999999999',
          'retry-after': 'soon',
          ratelimit: 'limit=abc, remaining=, reset=-1',
        });
      case 'retry-after-past':
        return json(503, OVER_CAPACITY, {
          'retry-after': new Date(now - 3_600_000).toUTCString(),
        });
      case 'retry-after-future':
        return json(429, RATE_LIMITED, {
          'retry-after': String(10 * 365 * 24 * 3600),
        });
      case 'retry-after-http-date':
        return json(429, RATE_LIMITED, {
          'retry-after': new Date(now + 3000).toUTCString(),
          date: new Date(now).toUTCString(),
        });
      case 'skewed-clock-429': {
        // The server's clock runs 10 minutes ahead; its reset is 2 s ahead on its own clock.
        const serverNow = now + SKEW_MS;
        return json(429, RATE_LIMITED, {
          date: new Date(serverNow).toUTCString(),
          'x-rate-limit-limit': '15',
          'x-rate-limit-remaining': '0',
          'x-rate-limit-reset': String(Math.floor(serverNow / 1000) + 3),
        });
      }
      case 'auth-135':
        return json(401, TIMESTAMP_OUT_OF_BOUNDS);
      case 'over-capacity':
        return json(503, OVER_CAPACITY);
      default:
        process();
        return json(request.method === 'POST' ? 201 : 200, POST, {
          'x-rate-limit-limit': '1000000',
          'x-rate-limit-remaining': '999999',
          'x-rate-limit-reset': String(Math.ceil(now / 1000) + 900),
        });
    }
  };
  const server = createServer((request, response) => {
    handle(request, response).catch(() => request.socket.destroy());
  });
  server.keepAliveTimeout = 2000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    processed,
    hits,
    close: () =>
      new Promise<void>((resolve) => {
        for (const timer of timers) clearTimeout(timer);
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
