import { describe, expect, it, vi } from 'vitest';
import { type StreamStep, streamSteps as s, tooManyConnections } from '../../mocks/index.ts';
import { API, useMockServer } from '../helpers.ts';
import { openHarness } from './harness.ts';

const mock = useMockServer();
/** A stream whose connects get the scripted responses straight from `fetch` (see the harness). */
const open = (
  connections: Parameters<typeof openHarness>[1],
  options: Parameters<typeof openHarness>[2] = {},
  client: Parameters<typeof openHarness>[3] = {},
  consume = true,
) => openHarness(mock, connections, options, client, consume, true);
const HOLD: StreamStep[] = [{ wait: Number.POSITIVE_INFINITY }];
const posts = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => s.post(String(from + i)));

describe('stall watchdog', () => {
  it('no byte for stallTimeoutMs: the connection is cut with its own reason and reconnected at once', async () => {
    const h = open(
      [
        [s.post('1'), ...HOLD],
        [s.post('2'), ...HOLD],
      ],
      { stallTimeoutMs: 30_000 },
    );
    await h.advance(29_000);
    expect(h.seen).toHaveLength(1);
    await h.advance(1100);
    expect(h.of('stream-disconnected')).toMatchObject([
      { why: 'stall', reason: 'no data for 30000 ms (stallTimeoutMs)', messages: 1 },
    ]);
    expect(h.reconnects()).toEqual([['immediate', 0]]);
    expect(h.seen).toHaveLength(2);
    expect(h.got).toEqual(['1', '2']);
    // Not the caller's abort: the stream goes on.
    expect(h.ended).toBe(false);
    await h.stream.close();
    await h.done;
    expect(h.error).toBeUndefined();
  });

  it('every chunk resets it, keep-alives included; keep-alives are events, not messages', async () => {
    const alive = [s.keepAlive(), s.silence(20_000), s.keepAlive(), s.silence(20_000), s.keepAlive()];
    const h = open([[...alive, s.silence(20_000), s.post('1'), ...HOLD]], {
      stallTimeoutMs: 25_000,
    });
    await h.advance(61_000);
    expect(h.of('stream-keep-alive')).toHaveLength(3);
    expect(h.of('stream-disconnected')).toEqual([]);
    expect(h.got).toEqual(['1']);
    await h.stream.close();
  });

  it('a connection that breaks mid-stream is a network disconnect, reconnected at once', async () => {
    const h = open([
      [s.post('1'), { fail: true }],
      [s.post('2'), ...HOLD],
    ]);
    await h.advance(200);
    expect(h.of('stream-disconnected')).toMatchObject([{ why: 'network' }]);
    expect(h.reconnects()).toEqual([['immediate', 0]]);
    expect(h.got).toEqual(['1', '2']);
    await h.stream.close();
  });

  it('a line that is not JSON is a parse-error event; the connection stays', async () => {
    const h = open([[s.post('1'), { send: '{"data": tru\r\n' }, s.post('2'), ...HOLD]]);
    await h.advance(100);
    expect(h.of('stream-parse-error')).toMatchObject([{ reason: 'not JSON: {"data": tru', length: 12 }]);
    expect(h.got).toEqual(['1', '2']);
    expect(h.seen).toHaveLength(1);
    await h.stream.close();
  });

  it('a 200 without a body fails the stream with the error, never ends it silently', async () => {
    const h = open([() => new Response(null, { status: 200 })]);
    await h.advance(100);
    await h.done;
    expect(h.error).toBeInstanceOf(TypeError);
    expect(h.of('stream-give-up')).toMatchObject([{ category: 'permanent' }]);
  });
});

describe('a slow consumer', () => {
  /** Starts the stream, takes one message, then lets the stream run while the consumer does nothing. */
  async function stalledConsumer(options: Parameters<typeof openHarness>[2], connections: StreamStep[][]) {
    const h = open(connections, options, {}, false);
    const it = h.stream[Symbol.asyncIterator]();
    const first = it.next();
    await h.advance(100);
    return { h, it, first: await first };
  }

  it("onLagging 'disconnect': the connection is closed, nothing read is lost, reconnect once half is consumed", async () => {
    const { h, it, first } = await stalledConsumer({ maxQueue: 4 }, [
      // Post 1, then nine in one chunk: what was read is delivered, even past the bound.
      [
        s.post('1'),
        s.silence(10),
        {
          send: posts(2, 10)
            .map((p) => (p as { send: string }).send)
            .join(''),
        },
        ...HOLD,
      ],
      [s.post('11'), ...HOLD],
    ]);
    expect(first.value).toMatchObject({ data: { id: '1' } });
    expect(h.of('stream-lagging')).toMatchObject([{ policy: 'disconnect' }]);
    expect(h.of('stream-disconnected')).toMatchObject([{ why: 'lagging' }]);
    await h.advance(60_000);
    expect(h.seen).toHaveLength(1);
    const ids: string[] = [];
    for (let i = 0; i < 10; i++) {
      const next = it.next();
      await h.advance(20);
      ids.push(((await next).value as { data: { id: string } }).data.id);
    }
    expect(ids).toEqual(['2', '3', '4', '5', '6', '7', '8', '9', '10', '11']);
    expect(h.seen).toHaveLength(2);
    expect(h.reconnects()).toEqual([['immediate', 0]]);
    await h.stream.close();
  });

  it("onLagging 'drop-oldest': reading goes on, the oldest queued messages are dropped", async () => {
    const { h, it } = await stalledConsumer({ maxQueue: 4, onLagging: 'drop-oldest' }, [
      [...posts(1, 10), ...HOLD],
    ]);
    expect(h.of('stream-lagging')).toMatchObject([{ policy: 'drop-oldest', dropped: 1 }]);
    expect(h.of('stream-disconnected')).toEqual([]);
    expect(h.stream.queued).toBe(4);
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) ids.push(((await it.next()).value as { data: { id: string } }).data.id);
    expect(ids).toEqual(['7', '8', '9', '10']);
    await h.stream.close();
  });
});

describe('recovery (opt-in)', () => {
  it('a short gap reconnects with backfill_minutes; the duplicates it brings are dropped by post id', async () => {
    const h = open(
      [
        [s.post('1'), s.post('2')],
        tooManyConnections,
        tooManyConnections,
        [s.post('2'), s.post('3'), ...HOLD],
      ],
      { recovery: true, searchParams: { 'tweet.fields': 'created_at' } },
    );
    await h.advance(60_000 + 120_000 + 1000);
    // The gap runs from the last byte received: 0 (asked as 1 minute, X's smallest), then 3 minutes of 429s.
    expect(h.seen.map((r) => new URL(r.path, API).searchParams.get('backfill_minutes'))).toEqual([
      null,
      '1',
      '1',
      '3',
    ]);
    expect(h.seen.every((r) => r.path.includes('tweet.fields=created_at'))).toBe(true);
    expect(h.of('stream-connected').map((e) => e.backfillMinutes)).toEqual([undefined, 3]);
    expect(h.got).toEqual(['1', '2', '3']);
    await h.stream.close();
  });

  it('a gap longer than 5 minutes is reported as missed, and no backfill is asked for', async () => {
    const h = open(
      [[s.post('1')], tooManyConnections, tooManyConnections, tooManyConnections, [s.post('2'), ...HOLD]],
      { recovery: true },
    );
    await h.advance(60_000 + 120_000 + 240_000 + 1000);
    expect(h.of('stream-gap')).toHaveLength(1);
    const [gap] = h.of('stream-gap');
    expect(gap!.to.getTime() - gap!.from.getTime()).toBeGreaterThan(300_000);
    expect(h.seen.at(-1)!.path).not.toContain('backfill_minutes');
    expect(h.got).toEqual(['1', '2']);
    await h.stream.close();
  });
});

describe('close() (the loopback tests check that no connection, timer or listener is left)', () => {
  it('stream.close() during a backoff: the wait ends, the iteration ends without an error, no timer is left', async () => {
    const h = open([tooManyConnections], {}, { rateLimit: false });
    await h.advance(100);
    expect(h.reconnects()).toEqual([['rate-limit', 60_000]]);
    await h.stream.close();
    await h.done;
    expect(vi.getTimerCount()).toBe(0);
    expect(h.ended).toBe(true);
    expect(h.error).toBeUndefined();
    expect(h.seen).toHaveLength(1);
  });

  it('a stream opened on a closed client fails at once, sending nothing', async () => {
    const h = open(undefined, {}, { rateLimit: false }, false);
    await h.client.close();
    const next = h.stream[Symbol.asyncIterator]().next();
    await expect(next).rejects.toMatchObject({ giveUp: 'the client was closed' });
    expect(h.seen).toHaveLength(0);
  });

  it('leaving a for-await loop closes the stream', async () => {
    const h = open([[s.post('1'), s.post('2'), ...HOLD]], {}, { rateLimit: false }, false);
    const loop = (async () => {
      for await (const _ of h.stream) break;
    })();
    await h.advance(100);
    await loop;
    expect(h.of('stream-disconnected')).toMatchObject([{ why: 'closed' }]);
    expect(h.reconnects()).toEqual([]);
  });
});
