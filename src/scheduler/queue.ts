import { MAX_TIMER_MS } from '../retry/backoff.ts';
import type { Limiter } from './bottleneck.ts';

/** Why the limiter refused to queue or run a call; the client turns it into a typed error. */
export class LimiterRejection extends Error {
  override name = 'LimiterRejection';
  readonly kind: 'spent-window' | 'queue-full' | 'queue-timeout' | 'store-unavailable' | 'closed' | 'reset';
  readonly retryAt: Date | undefined;

  constructor(kind: LimiterRejection['kind'], message: string, retryAt?: Date) {
    super(message);
    this.kind = kind;
    this.retryAt = retryAt;
  }
}

/** @internal */
export const closedRejection = () => new LimiterRejection('closed', 'the client was closed');

/** @internal */
export interface WaitOptions {
  readonly priority: number;
  /**
   * The call's cancellation scope (its signal, deadline and the client's close()): ends every wait here. Read only
   * when the call has to wait: a call's scope makes its signal on first read.
   */
  readonly signal: AbortSignal | undefined;
  /** Whether the scope has ended already, told without making its signal (the admission's check). */
  readonly ended?: boolean;
  readonly maxWaitMs: number;
  readonly deadlineAt: number;
}

/**
 * What a queued call needs from the limiter around it.
 * @internal
 */
export interface QueueContext<T> {
  readonly limiter: Limiter;
  readonly options: WaitOptions;
  /** Runs the call once Bottleneck lets it start. */
  readonly start: () => Promise<T>;
  /** `retryAt` for a call that waited too long (the bucket's hold, if any). */
  readonly retryAt: () => Date | undefined;
  /** Counts the call as waiting (+1) and as no longer waiting (-1). */
  readonly count: (delta: 1 | -1) => void;
  /** Called when a call cancelled while queued reaches the front: gives its reservoir unit back. */
  readonly giveBack: () => Promise<void>;
  readonly closed: () => boolean;
  /** Registers how to refuse this call while it waits (`client.resetRateLimits()`); returns its removal. */
  readonly register: (refuse: (rejection: LimiterRejection) => void) => () => void;
  readonly id: string;
}

/**
 * Queues one call in its bucket's local Bottleneck limiter, bounded by maxWaitMs and the deadline, ended by the
 * call's signal, by close() and by reset(). The call stays in this limiter until it starts or settles, whatever
 * Redis does: only where the limiter's units come from changes (leases.ts), so no call is stranded.
 * @internal
 */
export function queueCall<T>(q: QueueContext<T>): Promise<T> {
  const { options } = q;
  return new Promise<T>((resolve, reject) => {
    q.count(1);
    let settled = false;
    let started = false;
    const finish = (error: unknown, value?: T) => {
      if (settled) return;
      settled = true;
      cleanup();
      if (!started) q.count(-1);
      if (error === undefined) resolve(value as T);
      else reject(error);
    };
    const onAbort = () => finish(options.signal?.reason);
    const budget = Math.min(options.maxWaitMs, options.deadlineAt - Date.now());
    // Not unref'd: a queued call keeps the process alive, as a pending fetch does; it is cleared as soon as the
    // call starts or settles, and close() rejects queued calls.
    const timer = setTimeout(
      () =>
        finish(
          new LimiterRejection(
            'queue-timeout',
            'waited longer than retry.maxWaitMs (or the deadline) for the rate-limit window',
            q.retryAt(),
          ),
        ),
      Math.max(1, Math.min(MAX_TIMER_MS, budget)),
    );
    const unregister = q.register((rejection) => finish(rejection));
    const cleanup = () => {
      unregister();
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
    };
    options.signal?.addEventListener('abort', onAbort, { once: true });

    const task = async (): Promise<void> => {
      if (settled) {
        // Cancelled while queued: give the reservoir back, nothing was sent.
        await q.giveBack();
        return;
      }
      started = true;
      q.count(-1);
      // Out of the queue: the queue-wait bound, the reroute and the signal no longer apply here. The attempt has
      // its own timeout, and the call's scope stops the attempt itself (close() lets one on the wire finish: were
      // this listener left, close() would reject a call whose request the server is answering).
      cleanup();
      await q.start().then(
        (value) => finish(undefined, value),
        (error: unknown) => finish(error),
      );
    };
    q.limiter.schedule({ priority: options.priority, id: q.id }, task).catch((error: unknown) => {
      finish(q.closed() ? closedRejection() : error);
    });
  });
}
