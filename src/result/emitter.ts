import type { Hooks } from '../options/types.ts';
import type { Redactor } from '../utils/redact.ts';
import type { CalmEvent } from './events.ts';

/**
 * Sends events to `hooks.onEvent`, credentials masked; a listener that throws never breaks a call.
 * @internal
 */
export class Emitter {
  readonly #listener: Hooks['onEvent'];
  readonly #redactor: Redactor;

  constructor(listener: Hooks['onEvent'], redactor: Redactor) {
    this.#listener = listener;
    this.#redactor = redactor;
  }

  /** Whether anyone listens: build an event only then. */
  get active(): boolean {
    return this.#listener !== undefined;
  }

  emit(event: CalmEvent): void {
    if (!this.active) return;
    try {
      const returned: unknown = this.#listener?.(
        'reason' in event ? ({ ...event, reason: this.#redactor.redact(event.reason) } as CalmEvent) : event,
      );
      // An async listener that rejects must not become an unhandled rejection (which ends a Node process).
      if (typeof (returned as PromiseLike<unknown> | undefined)?.then === 'function')
        (returned as PromiseLike<unknown>).then(undefined, () => {});
    } catch {
      // Telemetry must never break a call.
    }
  }
}
