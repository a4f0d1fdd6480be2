import type { CallScope } from '../request/scope.ts';
import { raceSignal } from '../utils/abort.ts';
import { lazy, loadFailure } from '../utils/lazy.ts';
import { closedError } from './closed.ts';
import { normalizeStream, type StreamOptions } from './options.ts';
import { MessageQueue } from './queue.ts';
import type { StreamContext } from './supervisor.ts';

/**
 * The supervisor (connect, read, reconnect on X's schedules, recovery) in a chunk of its own, loaded at a stream's
 * first iteration: a client that never streams never fetches it (issue 18's size budget).
 * @internal
 */
export const supervisor = lazy(() => import('./supervisor.ts'));

/** One message of an X stream: a post (`data`) with its `includes`, `matching_rules` and partial `errors`. */
export interface StreamMessage<T = unknown> {
  readonly data: T;
  readonly includes?: unknown;
  readonly matching_rules?: readonly { readonly id: string; readonly tag?: string }[];
  readonly errors?: readonly unknown[];
}

/**
 * A stream that stays up: an async iterable of its messages (read once), connecting, reading and reconnecting by
 * itself until closed, aborted (its `signal`), closed with the client, or failed with a typed error.
 */
export interface CalmStream<T = StreamMessage> extends AsyncIterable<T> {
  /**
   * Ends the stream: the connection is closed, any wait ends, queued messages are dropped and the iteration ends
   * (without an error). Resolves once nothing is left running. Leaving a `for await` loop does the same.
   */
  close(): Promise<void>;
  /** Messages read ahead of the consumer now. */
  readonly queued: number;
}

export type { StreamOptions };

/**
 * Opens a stream on `path` (connecting at the first iteration). Options are checked here, before any request.
 * @internal
 */
export function openStream<T>(ctx: StreamContext, path: string, options?: StreamOptions): CalmStream<T> {
  if (typeof path !== 'string') throw new TypeError('`path` must be a string');
  const o = normalizeStream(options);
  const queue = new MessageQueue<unknown>(o.maxQueue);
  let scope: CallScope | undefined;
  let running: Promise<void> | undefined;
  let closed = false;

  const start = (): void => {
    if (scope || closed) return;
    scope = ctx.openScope(o.signal);
    const own = scope;
    running = run(own).finally(() => own.dispose());
  };
  // The load is bounded by the stream's scope (close(), its signal, the client's close()); a failed load ends the
  // stream with a typed error, and iterating a new stream loads again.
  const run = async (own: CallScope): Promise<void> => {
    let loaded: Awaited<ReturnType<typeof supervisor.load>>;
    try {
      loaded = supervisor.value ?? (await raceSignal(supervisor.load(), own.signal));
    } catch (error) {
      // As the supervisor ends a stream whose scope ended: the stream's own close() ends it without an error.
      const url = ctx.urlOf(path);
      if (own.exit === undefined) queue.end(loadFailure('GET', url, 'the stream reader', error), true);
      else if (own.exit === 'closed') queue.stop(closedError(url), true);
      else queue.stop(own.signal.reason, true);
      return;
    }
    await loaded.supervise(ctx, path, o, own, queue);
  };
  const close = async (): Promise<void> => {
    closed = true;
    // The end without an error comes first: the scope's end below must not turn it into one.
    queue.stop();
    scope?.end('abort', new Error('the stream was closed'));
    await running;
  };
  const iterator: AsyncIterator<T> = {
    next: () => {
      start();
      return queue.next() as Promise<IteratorResult<T>>;
    },
    return: async () => {
      await close();
      return { done: true, value: undefined };
    },
  };
  return {
    [Symbol.asyncIterator]: () => iterator,
    close,
    get queued() {
      return queue.size;
    },
  };
}
