// Bodies arrive intact over a real socket: binary as bytes, a large download as a stream, text and JSON as before.
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { createClient } from '../../src/index.ts';
import { type LoopbackServer, loopback } from './server.ts';

let server: LoopbackServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** 272 bytes of a PNG-like body: invalid UTF-8 all through, as the image was. */
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), randomBytes(264)]);

describe('binary and streamed bodies', () => {
  it('a 200 image/png comes back byte for byte as a Uint8Array (auto)', async () => {
    server = await loopback((_request, response) => {
      response.writeHead(200, { 'content-type': 'image/png' }).end(PNG);
    });
    const x = createClient({ baseUrl: server.url, rateLimit: false });
    const result = await x.get<Uint8Array>('/media/1.png');
    expect(result.data).toBeInstanceOf(Uint8Array);
    expect(Buffer.from(result.data as Uint8Array).equals(PNG)).toBe(true);
  });

  it("responseType: 'bytes' reads even a text body as bytes; 'text' keeps JSON as text", async () => {
    server = await loopback((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' }).end('{"data":{"id":"1"}}');
    });
    const x = createClient({ baseUrl: server.url, rateLimit: false });
    const bytes = await x.get('/2/a', { responseType: 'bytes' });
    expect(new TextDecoder().decode(bytes.data as Uint8Array)).toBe('{"data":{"id":"1"}}');
    const text = await x.get('/2/a', { responseType: 'text' });
    expect(text.data).toBe('{"data":{"id":"1"}}');
    const json = await x.get('/2/a');
    expect(json.data).toEqual({ id: '1' });
  });

  it("responseType: 'stream' hands over the unread body; 8 MB arrive byte for byte, the attempt timeout no longer applies", async () => {
    const chunk = randomBytes(64 * 1024);
    const chunks = 128;
    server = await loopback((_request, response) => {
      response.writeHead(200, { 'content-type': 'video/mp4' });
      response.flushHeaders();
      let sent = 0;
      const next = () => {
        while (sent < chunks) {
          sent++;
          if (!response.write(chunk)) return void response.once('drain', next);
        }
        response.end();
      };
      // The body outlives the attempt's 200 ms timeout: a streamed body is the caller's to read.
      setTimeout(next, 300);
    });
    const x = createClient({ baseUrl: server.url, rateLimit: false, timeoutMs: 200 });
    const result = await x.get<ReadableStream<Uint8Array>>('/media/big.mp4', { responseType: 'stream' });
    const reader = (result.data as ReadableStream<Uint8Array>).getReader();
    let total = 0;
    let offset = 0;
    let same = true;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      for (let i = 0; i < value.length; i++) {
        if (value[i] !== chunk[(offset + i) % chunk.length]) same = false;
      }
      offset += value.length;
      total += value.length;
    }
    expect(total).toBe(chunk.length * chunks);
    expect(same).toBe(true);
  });

  it('an error body is still read and classified with responseType: stream', async () => {
    server = await loopback((_request, response) => {
      response
        .writeHead(503, { 'content-type': 'application/json' })
        .end('{"errors":[{"code":130,"message":"Over capacity"}]}');
    });
    const x = createClient({ baseUrl: server.url, rateLimit: false, retry: { limit: 0 } });
    await expect(x.get('/2/a', { responseType: 'stream' })).rejects.toMatchObject({
      name: 'RetryableError',
      codes: [{ code: 130 }],
    });
  });
});

describe('the v2 envelope', () => {
  it("an empty page (meta alone) is an envelope: data undefined, meta read; another API's meta beside a payload is not", async () => {
    server = await loopback((request, response) => {
      const body =
        request.path === '/2/empty' ? '{"meta":{"result_count":0}}' : '{"meta":{"v":1},"items":[1,2]}';
      response.writeHead(200, { 'content-type': 'application/json' }).end(body);
    });
    const x = createClient({ baseUrl: server.url, rateLimit: false });
    const empty = await x.get('/2/empty');
    expect(empty.data).toBeUndefined();
    expect(empty.meta).toEqual({ result_count: 0 });
    const other = await x.get('/other');
    expect(other.data).toEqual({ meta: { v: 1 }, items: [1, 2] });
  });
});

describe('a streamed body and the call’s signal', () => {
  it('aborting the signal after the call resolved cancels the body, as with fetch', async () => {
    server = await loopback((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/octet-stream' });
      response.write(Buffer.alloc(1024, 1)); // then silence: the body never ends by itself
    });
    const x = createClient({ baseUrl: server.url, rateLimit: false });
    const controller = new AbortController();
    const result = await x.get<ReadableStream<Uint8Array>>('/media/live', {
      responseType: 'stream',
      signal: controller.signal,
    });
    const reader = (result.data as ReadableStream<Uint8Array>).getReader();
    expect((await reader.read()).value?.length).toBeGreaterThan(0);
    const pending = reader.read();
    controller.abort(new Error('enough'));
    await expect(pending).rejects.toThrow('enough');
  });
});
