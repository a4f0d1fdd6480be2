/**
 * Waits `ms`, or rejects with `signal.reason` as soon as the signal aborts. Like any pending timer, a wait keeps the
 * process alive (a script awaiting a call must not exit in the middle of it); an abort leaves no timer behind.
 * @internal
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(signal.reason);
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
