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
