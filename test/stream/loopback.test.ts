// client.stream() over a real loopback socket, served by calmfetch/mocks' own server: chunks as scripted, a stall,
// and close() / the signal leaving no connection, timer or listener. Real timers, shrunk.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type StreamConnection, type StreamStep, streamSteps as s, xStream } from '../../mocks/index.ts';
import { type MockServer, startMockServer } from '../../mocks/node.ts';
import { type CalmEvent, type ClientOptions, createClient, isPermanentError } from '../../src/index.ts';

const STREAM = '/2/tweets/search/stream';
const HOLD: StreamStep[] = [{ wait: Number.POSITIVE_INFINITY }];
const encoder = new TextEncoder();
const post = (id: string, text: string) =>
  JSON.stringify({ data: { id, text }, matching_rules: [{ id: '7' }] });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;

let server: MockServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function open(connections: readonly StreamConnection[], stream = {}, client: ClientOptions = {}) {
  server = await startMockServer([xStream(`https://api.x.com${STREAM}`, connections)]);
  const events: (CalmEvent & { at: number })[] = [];
  const x = createClient({
    baseUrl: server.url,
    auth: { bearer: 'a-token-for-the-loopback-tests' },
    ...client,
    hooks: { onEvent: (e) => events.push({ ...e, at: performance.now() }) },
  });
  const messages = x.stream<{ data: { id: string; text: string } }>(STREAM, stream);
  return { x, messages, events, of: (type: string) => events.filter((e) => e.type === type) };
}

const connections = async (m: MockServer) =>
  new Promise<number>((resolve, reject) => m.server.getConnections((e, n) => (e ? reject(e) : resolve(n))));

async function until(check: () => boolean | Promise<boolean>, ms = 2000) {
  const end = performance.now() + ms;
  while (!(await check())) {
    if (performance.now() > end) throw new Error('timed out');
    await sleep(2);
  }
}

describe('reading over a real socket', () => {
  it('a stream split at every byte boundary yields exactly the messages sent (split \\r\\n, split characters)', async () => {
    const wire = `${post('1', 'héllo 🌍 wörld, 日本語')}\r\n\r\n${post('2', 'two')}\r\n`;
    const bytes = encoder.encode(wire);
    // Connection i cuts the body at byte i (a pause between the two writes keeps them apart on the wire); the
    // first one sends a byte per chunk. Each ends; the stream reconnects at once.
    const scripted: StreamConnection[] = [[...bytes].map((b) => ({ send: Uint8Array.of(b) }))];
    for (let i = 1; i < bytes.length; i++) {
      scripted.push([{ send: bytes.slice(0, i) }, { wait: 1 }, { send: bytes.slice(i) }]);
    }
    scripted.push([{ send: `${post('end', 'end')}\r\n` }, ...HOLD]);
    const { messages, of } = await open(scripted);
    const got: { id: string; text: string }[] = [];
    for await (const message of messages) {
      got.push(message.data);
      if (message.data.id === 'end') break;
    }
    const expected = Array.from({ length: bytes.length }, () => [
      { id: '1', text: 'héllo 🌍 wörld, 日本語' },
      { id: '2', text: 'two' },
    ]).flat();
    expect(got).toEqual([...expected, { id: 'end', text: 'end' }]);
    expect(of('stream-keep-alive')).toHaveLength(bytes.length);
    expect(of('stream-parse-error')).toHaveLength(0);
    expect(of('stream-connected')).toHaveLength(bytes.length + 1);
  });

  it('a stall is detected within stallTimeoutMs and reconnected', async () => {
    const { messages, of } = await open(
      [
        [s.post('1'), ...HOLD],
        [s.post('2'), ...HOLD],
      ],
      { stallTimeoutMs: 300 },
    );
    const got: string[] = [];
    for await (const message of messages) {
      got.push(message.data.id);
      if (got.length === 2) break;
    }
    expect(got).toEqual(['1', '2']);
    const [connected] = of('stream-connected');
    const [stalled] = of('stream-disconnected');
    expect(stalled).toMatchObject({ why: 'stall' });
    const after = stalled!.at - connected!.at;
    expect(after).toBeGreaterThanOrEqual(290);
    expect(after).toBeLessThan(600);
  });

  it('a connection that stalls before sending a byte is a network failure: the linear schedule, not at once', async () => {
    const { messages, of } = await open([HOLD, [s.post('1'), ...HOLD]], {
      stallTimeoutMs: 200,
      reconnect: { networkStepMs: 50 },
    });
    for await (const _ of messages) break;
    expect(of('stream-disconnected')).toMatchObject([{ why: 'stall', messages: 0 }, { why: 'closed' }]);
    expect(of('stream-reconnecting')).toMatchObject([{ schedule: 'network', delayMs: 50, attempt: 1 }]);
  });
});

describe('close() and the signal end everything within a few ms', () => {
  async function reading(stream = {}, client: ClientOptions = {}) {
    const before = timers();
    const opened = await open([[s.post('1'), ...HOLD]], stream, client);
    let error: unknown;
    let endedAt = 0;
    const got: string[] = [];
    const loop = (async () => {
      try {
        for await (const m of opened.messages) got.push(m.data.id);
      } catch (e) {
        error = e;
      } finally {
        endedAt = performance.now();
      }
    })();
    await until(async () => got.length === 1 && (await connections(server!)) === 1);
    return { ...opened, loop, before, got, error: () => error, endedAt: () => endedAt };
  }

  async function nothingLeft(before: number) {
    await until(async () => (await connections(server!)) === 0, 200);
    expect(timers()).toBeLessThanOrEqual(before);
  }

  it('stream.close(): the iteration ends without an error; no connection or timer is left', async () => {
    const r = await reading({}, { rateLimit: false });
    const start = performance.now();
    await r.messages.close();
    await r.loop;
    expect(r.endedAt() - start).toBeLessThan(50);
    expect(r.error()).toBeUndefined();
    await nothingLeft(r.before);
  });

  it('stream.close() with a signal given: no listener is left on it', async () => {
    const controller = new AbortController();
    const add = vi.spyOn(controller.signal, 'addEventListener');
    const remove = vi.spyOn(controller.signal, 'removeEventListener');
    const r = await reading({ signal: controller.signal }, { rateLimit: false });
    await r.messages.close();
    await r.loop;
    await nothingLeft(r.before);
    expect(add).toHaveBeenCalled();
    // Every listener added was removed (dispose may remove one twice, harmlessly).
    expect(new Set(remove.mock.calls.map((c) => c[1]))).toEqual(new Set(add.mock.calls.map((c) => c[1])));
  });

  it("the signal: the iteration rejects with the caller's reason; no connection or timer is left", async () => {
    const controller = new AbortController();
    const r = await reading({ signal: controller.signal }, { rateLimit: false });
    const reason = new Error('stop');
    const start = performance.now();
    controller.abort(reason);
    await r.loop;
    expect(r.endedAt() - start).toBeLessThan(50);
    expect(r.error()).toBe(reason);
    await nothingLeft(r.before);
  });

  it('client.close(): the iteration rejects with a PermanentError, the limiter included', async () => {
    const r = await reading();
    const start = performance.now();
    await r.x.close();
    await r.loop;
    expect(r.endedAt() - start).toBeLessThan(50);
    expect(isPermanentError(r.error())).toBe(true);
    await nothingLeft(r.before);
  });
});
