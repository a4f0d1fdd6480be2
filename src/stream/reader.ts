import type { Catalogue } from '../catalogue/types.ts';
import { describeThrown } from '../classify/network.ts';
import type { DisconnectWhy, StreamEvent } from './events.ts';
import { LineSplitter } from './lines.ts';
import type { NormalizedStream } from './options.ts';
import { parseLine } from './parse.ts';
import type { MessageQueue } from './queue.ts';
import type { Recovery } from './recovery.ts';

/** @internal */
export interface ReadContext {
  readonly options: NormalizedStream;
  readonly catalogue: Catalogue;
  /** The stream's scope: its end cancels the body at once. */
  readonly signal: AbortSignal;
  readonly queue: MessageQueue<unknown>;
  readonly emit: (event: StreamEvent) => void;
  readonly url: string;
  readonly recovery: Recovery | undefined;
}

/** @internal */
export interface ReadResult {
  readonly why: DisconnectWhy;
  readonly reason: string;
  readonly messages: number;
  /** Chunks received: 0 means the connection never delivered anything, not even a keep-alive. */
  readonly chunks: number;
  readonly lastChunkAt: number;
}

/**
 * The reason a stalled connection's body is cancelled with: its own, so a stall is never taken for the caller's
 * abort (undici errors a cancelled body with the reason given).
 * @internal
 */
export class StreamStalled extends Error {
  override name = 'StreamStalled';
}

/**
 * Reads one connection's body until it ends, stalls, fails, the consumer lags (policy `disconnect`) or the scope
 * ends. Every received chunk, keep-alives included, resets the stall watchdog. The body is always cancelled before
 * this returns, so its socket is closed before any reconnect.
 * @internal
 */
export async function readConnection(body: ReadableStream<Uint8Array>, c: ReadContext): Promise<ReadResult> {
  const { options: o, queue, emit, url, signal } = c;
  const reader = body.getReader();
  const splitter = new LineSplitter();
  let why: DisconnectWhy | undefined;
  let reason = '';
  let announced: string | undefined;
  let chunks = 0;
  let messages = 0;
  let dropped = 0;
  let lagging = false;
  let lastChunkAt = Date.now();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const cut = (w: DisconnectWhy, r: string, cause: unknown): void => {
    if (why !== undefined) return;
    why = w;
    reason = r;
    reader.cancel(cause).catch(() => {});
  };
  const arm = (): void => {
    if (timer !== undefined) clearTimeout(timer);
    timer = setTimeout(() => {
      const r = `no data for ${o.stallTimeoutMs} ms (stallTimeoutMs)`;
      cut('stall', r, new StreamStalled(r));
    }, o.stallTimeoutMs);
  };
  const onAbort = (): void => cut('closed', 'the stream was closed', signal.reason);
  const overflow = (): void => {
    if (o.onLagging === 'drop-oldest') {
      queue.dropOldest();
      dropped++;
    }
    if (!lagging) {
      lagging = true;
      emit({ type: 'stream-lagging', method: 'GET', url, policy: o.onLagging, queued: queue.size, dropped });
    }
    if (o.onLagging === 'disconnect') {
      const r = `the consumer is ${o.maxQueue} messages behind (onLagging: 'disconnect')`;
      cut('lagging', r, new Error(r));
    }
  };
  const handle = (line: string): void => {
    const parsed = parseLine(line, c.catalogue);
    if (parsed.kind === 'keep-alive') emit({ type: 'stream-keep-alive', method: 'GET', url });
    else if (parsed.kind === 'parse-error') {
      emit({
        type: 'stream-parse-error',
        method: 'GET',
        url,
        reason: `not JSON: ${parsed.preview}`,
        length: parsed.length,
      });
    } else if (parsed.kind === 'errors') {
      emit({
        type: 'stream-errors',
        method: 'GET',
        url,
        reason: parsed.reason,
        disconnect: parsed.disconnect,
      });
      // X closes the stream right after: expect the close (and reconnect at once), don't cut it first.
      if (parsed.disconnect) announced = parsed.reason;
    } else if (!c.recovery?.duplicate(parsed.value)) {
      messages++;
      if (lagging && queue.size <= o.maxQueue / 2) lagging = false;
      if (!queue.push(parsed.value)) overflow();
    }
  };

  if (signal.aborted) onAbort();
  else signal.addEventListener('abort', onAbort, { once: true });
  arm();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done || why === 'stall' || why === 'closed') break;
      chunks++;
      lastChunkAt = Date.now();
      arm();
      // The whole chunk is handled, even after a lagging cut: it was read, so it is delivered.
      for (const line of splitter.push(value)) handle(line);
      if (why !== undefined) break;
    }
    if (why === undefined) for (const line of splitter.flush()) handle(line);
  } catch (error) {
    if (why === undefined) {
      why = 'network';
      reason = `the connection failed while reading (${describeThrown(error)})`;
    }
  } finally {
    if (timer !== undefined) clearTimeout(timer);
    signal.removeEventListener('abort', onAbort);
    // Closed whatever ended the read (a no-op when the body ended): never two connections at once.
    reader.cancel().catch(() => {});
  }
  if (why === undefined) {
    why = announced === undefined ? 'ended' : 'operational-disconnect';
    reason = announced ?? 'the server closed the stream';
  }
  return { why, reason, messages, chunks, lastChunkAt };
}
