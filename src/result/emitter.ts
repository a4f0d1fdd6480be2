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
  #closed = false;

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
    if (this.#closed && event.type === 'limiter') return;
    try {
      this.#listener?.(
        'reason' in event ? ({ ...event, reason: this.#redactor.redact(event.reason) } as CalmEvent) : event,
      );
    } catch {
      // Telemetry must never break a call.
    }
  }

  /** After close(): the client's own background work (the limiter, Redis) says nothing more; calls still report. */
  close(): void {
    this.#closed = true;
  }
}
