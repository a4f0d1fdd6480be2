// The loopback API the runtime smoke suite calls: four endpoints scripted as X answers them, CORS for the browser,
// and a count of every request (preflights apart) so the runner can check what each runtime really sent.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SmokeServer {
  readonly url: string;
  /** `METHOD /path` → requests seen (CORS preflights not counted). */
  readonly counts: Record<string, number>;
  close(): Promise<void>;
}

const CORS = {
  'access-control-allow-origin': '*',
  // The browser shows a cross-origin response's headers only when named here; calmfetch reads X's timing headers.
  'access-control-expose-headers':
    'x-rate-limit-limit, x-rate-limit-remaining, x-rate-limit-reset, retry-after, x-first-reset',
};

function send(reply: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  reply.writeHead(status, { ...CORS, 'content-type': 'application/json; charset=utf-8', ...headers });
  reply.end(JSON.stringify(body));
}

// Bodies as X sends them (the seeds in /work/shared/seeds and calmfetch/mocks have the same shapes).
const LOOKUP = {
  data: [{ id: '20', text: 'just setting up my twttr' }],
  errors: [
    {
      value: '404',
      detail: 'Could not find tweet with ids: [404].',
      title: 'Not Found Error',
      resource_type: 'tweet',
      parameter: 'ids',
      resource_id: '404',
      type: 'https://api.twitter.com/2/problems/resource-not-found',
    },
  ],
};
const OVER_CAPACITY = { errors: [{ code: 130, message: 'Over capacity' }] };
const INTERNAL_ERROR = { errors: [{ code: 131, message: 'Internal error' }] };
const TOO_MANY = {
  title: 'Too Many Requests',
  detail: 'Too Many Requests',
  type: 'about:blank',
  status: 429,
};

function answer(message: IncomingMessage, reply: ServerResponse, seen: number, state: { reset?: number }) {
  const path = new URL(message.url ?? '/', 'http://localhost').pathname;
  const route = `${message.method} ${path}`;
  if (route === 'GET /2/tweets') return send(reply, 200, LOOKUP);
  if (route === 'GET /2/users/me') {
    return seen === 1 ? send(reply, 503, OVER_CAPACITY) : send(reply, 200, { data: { id: '1' } });
  }
  if (route === 'GET /2/tweets/search/recent') {
    if (seen === 1) {
      // X's reset is in whole epoch seconds: the next second but one, so the wait is 1–2 s.
      state.reset = Math.floor(Date.now() / 1000) + 2;
      const limit = { 'x-rate-limit-limit': '1', 'x-rate-limit-remaining': '0' };
      return send(reply, 429, TOO_MANY, { ...limit, 'x-rate-limit-reset': String(state.reset) });
    }
    return send(reply, 200, { data: [] }, { 'x-first-reset': String(state.reset) });
  }
  if (route === 'POST /2/tweets') return send(reply, 500, INTERNAL_ERROR);
  return send(reply, 404, { title: 'Not Found', type: 'about:blank' });
}

export async function startSmokeServer(): Promise<SmokeServer> {
  const counts: Record<string, number> = {};
  const state: { reset?: number } = {};
  const server = createServer((message, reply) => {
    message.resume();
    if (message.method === 'OPTIONS') {
      reply.writeHead(204, {
        ...CORS,
        'access-control-allow-methods': 'GET, POST, PUT, PATCH, DELETE',
        'access-control-allow-headers': message.headers['access-control-request-headers'] ?? '*',
        'access-control-max-age': '600',
      });
      reply.end();
      return;
    }
    const key = `${message.method} ${new URL(message.url ?? '/', 'http://localhost').pathname}`;
    counts[key] = (counts[key] ?? 0) + 1;
    message.on('end', () => answer(message, reply, counts[key]!, state));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    counts,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Serves fixed files (the browser page and its bundle) from another port: the API calls are cross-origin. */
export async function startStaticServer(files: Record<string, { type: string; body: string }>) {
  /** Every path served, in order: the browser run checks that a lazy chunk was fetched only when used. */
  const served: string[] = [];
  const server = createServer((message, reply) => {
    const path = new URL(message.url ?? '/', 'http://localhost').pathname;
    const file = files[path];
    if (!file) return void reply.writeHead(404).end();
    served.push(path);
    reply.writeHead(200, { 'content-type': file.type }).end(file.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    served,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
