// The benchmarks' plain X-like server: node:http, keep-alive, in its own process on loopback. Prints its URL.
//
//   GET  /2/tweets/:id   200 with a Post and x-rate-limit-* headers (a window far from spent), or, during an
//                        outage, 503 + code 130; or, while the window is spent, 200 with remaining 0 until the reset.
//   GET  /2/limited      429 + code 88, reset `SPENT_RESET_S` seconds ahead (for clients that wait on a 429).
//   POST /__outage?ms=N  an outage of N ms starting now (counters cleared).
//   POST /__spend?ms=N   the window is spent for N ms: remaining 0 and the reset at its end.
//   GET  /__stats        counters: requests, byStatus, and the outage's figures.
//   POST /__reset        clears counters, outage and spent window.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { v1Error } from '../mocks/bodies.ts';

const POST = JSON.stringify({ data: { id: '20', text: 'just setting up my twttr' } });
const OVER_CAPACITY = JSON.stringify(v1Error(130));
const RATE_LIMITED = JSON.stringify(v1Error(88));
const LIMIT = 10_000_000;

let requests = 0;
let byStatus: Record<number, number> = {};
let outage = { start: 0, end: 0, during: 0, firstOkAfter: -1 };
let spentUntil = 0;
let served = 0;
/** X's windows have a fixed reset; this one is 15 minutes from the last reset of the counters. */
let windowReset = Math.ceil((Date.now() + 900_000) / 1000);

const server = createServer((request, response) => {
  const url = request.url ?? '/';
  const now = Date.now();
  const send = (status: number, body: string, headers: Record<string, string> = {}) => {
    byStatus[status] = (byStatus[status] ?? 0) + 1;
    response.writeHead(status, {
      'content-type': 'application/json',
      'content-length': String(Buffer.byteLength(body)),
      ...headers,
    });
    response.end(body);
  };
  if (url.startsWith('/__')) {
    const params = new URL(url, 'http://x').searchParams;
    const ms = Number(params.get('ms') ?? 0);
    if (url.startsWith('/__stats')) {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ requests, byStatus, outage, served }));
      return;
    }
    requests = 0;
    served = 0;
    byStatus = {};
    outage = { start: 0, end: 0, during: 0, firstOkAfter: -1 };
    spentUntil = 0;
    windowReset = Math.ceil((now + 900_000) / 1000);
    if (url.startsWith('/__outage')) outage = { start: now, end: now + ms, during: 0, firstOkAfter: -1 };
    if (url.startsWith('/__spend')) spentUntil = now + ms;
    response.writeHead(200).end('{}');
    return;
  }
  requests++;
  // Drain the request body, if any, before answering.
  request.resume();
  if (url.startsWith('/2/limited')) {
    send(429, RATE_LIMITED, {
      'x-rate-limit-limit': '15',
      'x-rate-limit-remaining': '0',
      'x-rate-limit-reset': String(Math.ceil(now / 1000) + Number(process.env.SPENT_RESET_S ?? 60)),
    });
    return;
  }
  if (now < outage.end) {
    outage.during++;
    send(503, OVER_CAPACITY);
    return;
  }
  if (outage.end > 0 && outage.firstOkAfter < 0) outage.firstOkAfter = now - outage.end;
  served++;
  const spent = now < spentUntil;
  send(200, POST, {
    'x-rate-limit-limit': String(LIMIT),
    'x-rate-limit-remaining': spent ? '0' : String(LIMIT - (served % LIMIT)),
    'x-rate-limit-reset': String(spent ? Math.ceil(spentUntil / 1000) : windowReset),
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  console.log(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
});
process.on('SIGTERM', () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
});
