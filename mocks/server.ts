import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getResponse, type RequestHandler } from 'msw';

export interface MockServer {
  /** `http://127.0.0.1:PORT`: use it as the client's `baseUrl`. */
  readonly url: string;
  readonly server: Server;
  close(): Promise<void>;
}

async function toRequest(message: IncomingMessage, origin: string): Promise<Request> {
  const chunks: Buffer[] = [];
  for await (const chunk of message) chunks.push(chunk as Buffer);
  const headers = new Headers();
  for (const [name, value] of Object.entries(message.headers)) {
    if (typeof value === 'string') headers.set(name, value);
    else if (Array.isArray(value)) for (const item of value) headers.append(name, item);
  }
  // The handlers see the rewritten origin; say where the request really went (RFC 7239), so that the fake can
  // check an OAuth 1.0a signature, which covers the URL the client used.
  if (message.headers.host) headers.set('forwarded', `host="${message.headers.host}";proto=http`);
  const method = message.method ?? 'GET';
  return new Request(new URL(message.url ?? '/', origin), {
    method,
    headers,
    ...(method !== 'GET' && method !== 'HEAD' && chunks.length > 0 && { body: Buffer.concat(chunks) }),
  });
}

/**
 * Writes a body chunk by chunk as it comes (a stream's scripted chunks and silences reach the socket as scripted);
 * the client going away cancels the body, which stops its script.
 */
async function pipe(body: ReadableStream<Uint8Array>, reply: ServerResponse): Promise<void> {
  // Headers go out at once, as X's do; a script that starts with silence is then a stall, not a hung connect.
  reply.flushHeaders();
  const reader = body.getReader();
  const gone = () => {
    reader.cancel().catch(() => {});
  };
  reply.once('close', gone);
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done || reply.destroyed) break;
      if (!reply.write(value)) {
        await new Promise<void>((resolve) => {
          const go = () => {
            reply.off('drain', go).off('close', go);
            resolve();
          };
          reply.on('drain', go).on('close', go);
        });
      }
    }
    if (!reply.destroyed) reply.end();
  } finally {
    reply.off('close', gone);
  }
}

/**
 * Serves msw handlers over a real loopback socket (a small node:http adapter around msw's `getResponse`;
 * `@mswjs/http-middleware` does not work with msw 3). Handlers written for `https://api.x.com` answer here when
 * `rewriteOrigin` is that origin. `HttpResponse.error()` becomes a destroyed socket.
 */
export async function startMockServer(
  handlers: readonly RequestHandler[],
  options: { readonly port?: number; readonly rewriteOrigin?: string } = {},
): Promise<MockServer> {
  const origin = options.rewriteOrigin ?? 'https://api.x.com';
  const server = createServer(async (message, reply) => {
    try {
      const response = await getResponse([...handlers], await toRequest(message, origin));
      if (!response || response.type === 'error') {
        if (!response) {
          reply
            .writeHead(404, { 'content-type': 'application/json' })
            .end('{"title":"Not Found","type":"about:blank"}');
        } else {
          message.socket.destroy();
        }
        return;
      }
      const headers: Record<string, string> = {};
      response.headers.forEach((value, name) => {
        headers[name] = value;
      });
      reply.writeHead(response.status, headers);
      if (response.body && !response.headers.has('content-length')) await pipe(response.body, reply);
      else reply.end(Buffer.from(await response.arrayBuffer()));
    } catch {
      if (!reply.headersSent) reply.writeHead(500).end();
      else reply.destroy();
    }
  });
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
