/**
 * The messages read ahead of the consumer, bounded, and the consumer's wait for the next one. The reader pushes
 * eagerly (a slow `for await` body never slows the socket, so it is never taken for a stall); `push` says when the
 * queue is over its bound, and the supervisor applies the lagging policy.
 * @internal
 */
export class MessageQueue<T> {
  readonly #items: T[] = [];
  #head = 0;
  #wake: (() => void) | undefined;
  #drained: (() => void) | undefined;
  #ended: { readonly error?: unknown; readonly failed: boolean } | undefined;
  readonly #max: number;

  constructor(max: number) {
    this.#max = max;
  }

  get size(): number {
    return this.#items.length - this.#head;
  }

  /** Adds a message; false when the queue is now over its bound. */
  push(item: T): boolean {
    this.#items.push(item);
    this.#notify();
    return this.size <= this.#max;
  }

  /** Drops the oldest message (policy `drop-oldest`). */
  dropOldest(): void {
    if (this.size > 0) this.#take();
  }

  /** No more messages: the consumer gets what is queued, then the end (or the error). */
  end(error?: unknown, failed = error !== undefined): void {
    this.#ended ??= { error, failed };
    this.#notify();
    this.#drained?.();
  }

  /** Ends at once: queued messages are dropped (close(), an abort). */
  stop(error?: unknown, failed = error !== undefined): void {
    this.#items.length = 0;
    this.#head = 0;
    this.end(error, failed);
  }

  /** Resolves once the queue is at half its bound or less, has ended, or `signal` aborted: room to read again. */
  roomy(signal: AbortSignal): Promise<void> {
    if (this.size <= this.#max / 2 || this.#ended || signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        signal.removeEventListener('abort', done);
        this.#drained = undefined;
        resolve();
      };
      this.#drained = done;
      signal.addEventListener('abort', done, { once: true });
    });
  }

  /** The next message, or done; rejects with the error the queue ended with. */
  async next(): Promise<IteratorResult<T, undefined>> {
    for (;;) {
      if (this.size > 0) return { done: false, value: this.#take() };
      const ended = this.#ended;
      if (ended) {
        if (ended.failed) {
          this.#ended = { failed: false };
          throw ended.error;
        }
        return { done: true, value: undefined };
      }
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
      });
    }
  }

  #take(): T {
    const item = this.#items[this.#head]!;
    this.#items[this.#head++] = undefined as T;
    // Compact now and then: O(1) per message, no unbounded prefix.
    if (this.#head > 1024 && this.#head * 2 > this.#items.length) {
      this.#items.splice(0, this.#head);
      this.#head = 0;
    }
    if (this.#drained && this.size <= this.#max / 2) this.#drained();
    return item;
  }

  #notify(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }
}
