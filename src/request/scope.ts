import { MAX_TIMER_MS } from '../retry/backoff.ts';

/**
 * How a call's scope ended: the caller's signal, the call's deadline, or the client's `close()`.
 * @internal
 */
export type ScopeExit = 'abort' | 'deadline' | 'closed';

/**
 * The reason a scope's signal carries when the deadline ends it (the caller's own reason is passed through).
 * @internal
 */
export class DeadlineReached extends Error {
  override name = 'DeadlineReached';
}

/**
 * The reason a scope's signal carries when `close()` ends it.
 * @internal
 */
export class ClientClosed extends Error {
  override name = 'ClientClosed';
}

/**
 * Something a scope can stop at once: the attempt on the wire.
 * @internal
 */
export interface Abortable {
  /** Whether the request has reached fetch (close() lets such an attempt finish). */
  readonly onWire: boolean;
  abort(reason: unknown): void;
}

/**
 * One cancellation scope per call: the caller's signal, the deadline and the client's `close()`, combined once.
 * Every place a call waits (the credentials provider, each hook, the limiter queue, a `maxConcurrent` slot, a
 * backoff or rate-limit sleep, Redis) races `signal`, so whatever ends the scope ends the wait at once. The attempt
 * on the wire is aborted too, except by `close()`, which lets requests already sent finish.
 *
 * Cheap when nothing is set: no timer without a finite deadline, no listener without a caller's signal, and no
 * AbortController until a wait asks for `signal` (an AbortController and its signal cost about as much as the
 * rest of the scope).
 * @internal
 */
export class CallScope {
  /** Made the first time a wait asks for `signal`: a call that never waits (the common case) makes none. */
  #controller: AbortController | undefined;
  #reason: unknown;
  readonly #caller: AbortSignal | undefined;
  readonly #registry: Set<CallScope>;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #exit: ScopeExit | undefined;
  #endedOnWire = false;
  /** The attempt in progress, stopped when the scope ends. */
  current: Abortable | undefined;

  constructor(caller: AbortSignal | undefined, deadlineAt: number, registry: Set<CallScope>) {
    this.#caller = caller;
    this.#registry = registry;
    registry.add(this);
    if (caller) {
      if (caller.aborted) this.end('abort', caller.reason);
      else caller.addEventListener('abort', this.#onCallerAbort, { once: true });
    }
    if (this.#exit === undefined && Number.isFinite(deadlineAt)) this.#arm(deadlineAt);
  }

  /** Ends the scope at `deadlineAt`; a deadline beyond what one timer can hold (24.8 days) re-arms on the way. */
  #arm(deadlineAt: number): void {
    const left = deadlineAt - Date.now();
    if (left <= 0) {
      this.end('deadline', new DeadlineReached('the deadline passed'));
      return;
    }
    this.#timer = setTimeout(
      () =>
        left > MAX_TIMER_MS
          ? this.#arm(deadlineAt)
          : this.end('deadline', new DeadlineReached('the deadline passed')),
      Math.min(left, MAX_TIMER_MS),
    );
  }

  /** Aborted when the scope ends, with the caller's reason, a DeadlineReached or a ClientClosed. */
  get signal(): AbortSignal {
    if (this.#controller === undefined) {
      this.#controller = new AbortController();
      if (this.#exit !== undefined) this.#controller.abort(this.#reason);
    }
    return this.#controller.signal;
  }

  /** Why the scope ended (what `signal.reason` is), or undefined while it is open. */
  get reason(): unknown {
    return this.#reason;
  }

  /** How the scope ended, or undefined while it is open. */
  get exit(): ScopeExit | undefined {
    return this.#exit;
  }

  /** Whether an attempt was on the wire when the scope ended (the deadline then reads as that attempt's timeout). */
  get endedOnWire(): boolean {
    return this.#endedOnWire;
  }

  readonly #onCallerAbort = (): void => {
    // After close() the attempt on the wire runs on: the caller's signal still stops it.
    if (this.#exit === 'closed') this.current?.abort(this.#caller?.reason);
    else this.end('abort', this.#caller?.reason);
  };

  /** Ends the scope (the first exit wins): every wait racing `signal` rejects with `reason`. */
  end(exit: ScopeExit, reason: unknown): void {
    if (this.#exit !== undefined) return;
    this.#exit = exit;
    // What AbortController.abort() would make of no reason (a polyfilled caller's signal may abort with none).
    this.#reason =
      reason === undefined ? new DOMException('This operation was aborted', 'AbortError') : reason;
    this.#controller?.abort(this.#reason);
    const attempt = this.current;
    this.#endedOnWire = attempt?.onWire === true;
    if (attempt && !(exit === 'closed' && attempt.onWire)) attempt.abort(reason);
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#registry.delete(this);
    // The caller's listener stays until the call settles (dispose): after close(), it still stops the attempt on
    // the wire.
    if (exit !== 'closed') this.#caller?.removeEventListener('abort', this.#onCallerAbort);
  }

  /** The call settled: no timer, listener or registration is left behind. */
  dispose(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#caller?.removeEventListener('abort', this.#onCallerAbort);
    this.#registry.delete(this);
  }
}
