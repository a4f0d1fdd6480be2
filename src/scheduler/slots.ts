import type { Limiter } from './bottleneck.ts';
import { closedRejection, type WaitOptions } from './queue.ts';

/**
 * Runs `job` in a `maxConcurrent` slot of `global`. A call waiting for one counts (`count(+1)`, then `-1`) and
 * leaves at once when its scope ends; the slot Bottleneck later gives it is handed straight back (the job
 * returns without running).
 * @internal
 */
export function runInSlot<T>(
  global: Limiter,
  options: WaitOptions,
  job: () => Promise<T>,
  count: (delta: 1 | -1) => void,
  closed: () => boolean,
): Promise<T> {
  const signal = options.signal;
  if (signal?.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    let waiting = true;
    count(1);
    const leave = () => {
      waiting = false;
      count(-1);
      signal?.removeEventListener('abort', onAbort);
    };
    const onAbort = () => {
      if (!waiting) return;
      leave();
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    global
      .schedule({ priority: options.priority }, async () => {
        if (!waiting) return;
        leave();
        await job().then(resolve, reject);
      })
      .catch((error: unknown) => {
        if (!waiting) return;
        leave();
        reject(closed() ? closedRejection() : error);
      });
  });
}

/**
 * Watches submissions to a shared (Redis) limiter: one not queued within `timeoutMs` while the connection is
 * down is moved (reroute). Slow is not gone: while the connection is up the call keeps its place (its queue
 * wait is bounded anyway), since a call moved to the local limiter no longer shares the quota.
 * @internal
 */
export class SubmissionWatch {
  readonly #timeoutMs: number;
  readonly #up: () => boolean;
  readonly #watched = new WeakSet<Limiter>();
  readonly #submissions = new Map<string, () => void>();

  constructor(timeoutMs: number, up: () => boolean) {
    this.#timeoutMs = timeoutMs;
    this.#up = up;
  }

  watch(limiter: Limiter, id: string, reroute: () => void): void {
    if (!this.#watched.has(limiter)) {
      this.#watched.add(limiter);
      limiter.on('queued', (info: { options?: { id?: string } }) => {
        const queued = info.options?.id;
        if (queued !== undefined) this.#submissions.get(queued)?.();
      });
    }
    let timer: ReturnType<typeof setTimeout>;
    const check = () => {
      if (!this.#submissions.has(id)) return;
      if (!this.#up()) {
        this.#submissions.delete(id);
        reroute();
        return;
      }
      timer = setTimeout(check, this.#timeoutMs);
      timer.unref?.();
    };
    timer = setTimeout(check, this.#timeoutMs);
    timer.unref?.();
    this.#submissions.set(id, () => {
      this.#submissions.delete(id);
      clearTimeout(timer);
    });
  }

  /** Ends every watch (close()). */
  clear(): void {
    for (const done of [...this.#submissions.values()]) done();
  }
}
