/**
 * Settles with `promise`, or rejects with `signal.reason` as soon as the signal aborts, whichever comes first. The
 * listener is removed when either happens, so nothing is left behind. `promise` keeps running (a wait can be
 * abandoned, not undone): a late rejection from it is swallowed.
 * @internal
 */
export function raceSignal<T>(value: PromiseLike<T> | T, signal: AbortSignal | undefined): Promise<T> {
  // Any thenable counts (a promise from another realm, a hook's own thenable), not only this realm's Promise.
  if (typeof (value as PromiseLike<T> | null | undefined)?.then !== 'function')
    return signal?.aborted ? Promise.reject(signal.reason) : Promise.resolve(value as T);
  const promise = Promise.resolve(value as PromiseLike<T>);
  if (!signal) return promise;
  if (signal.aborted) {
    promise.catch(() => {});
    return Promise.reject(signal.reason);
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => {
      promise.catch(() => {});
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
