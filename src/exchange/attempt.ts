import type { Abortable } from '../request/scope.ts';

/**
 * A per-attempt timeout: named like ky's, so classify() reads it as one.
 * @internal
 */
export class AttemptTimeoutError extends Error {
  override name = 'TimeoutError';
}

/**
 * One attempt's lifetime: its own signal for fetch, its timeout, and `race()`, which ends whatever the attempt
 * awaits (a ky hook, fetch, the body) the moment it is aborted, even if that thing ignores the signal (a custom
 * fetch, a hook that never settles). No event listener is involved: abort() calls the pending race's reject.
 * @internal
 */
export class Attempt implements Abortable {
  readonly #controller = new AbortController();
  #reject: ((reason: unknown) => void) | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  onWire = false;
  /** OAuth 1.0a: when the attempt was signed (epoch ms), to tell a clock refusal from another. */
  signedAt = 0;

  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /** Starts the attempt's timeout (from the moment it leaves the limiter, not while it queued). */
  startTimeout(ms: number): void {
    this.#timer = setTimeout(
      () => this.abort(new AttemptTimeoutError(`attempt timed out after ${ms} ms`)),
      Math.max(1, ms),
    );
  }

  /** The body now belongs to the caller (a stream): the attempt's timeout no longer applies. */
  stopTimeout(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  abort(reason: unknown): void {
    if (this.#controller.signal.aborted) return;
    this.stopTimeout();
    this.#controller.abort(reason);
    const reject = this.#reject;
    this.#reject = undefined;
    reject?.(reason);
  }

  race<T>(promise: Promise<T>): Promise<T> {
    if (this.#controller.signal.aborted) {
      promise.catch(() => {});
      return Promise.reject(this.#controller.signal.reason);
    }
    return new Promise<T>((resolve, reject) => {
      this.#reject = reject;
      promise.then(resolve, reject);
    });
  }
}
