/**
 * Recovery after a disconnect (opt-in): X's `backfill_minutes` (Enterprise; an integer 0–5) re-sends up to five
 * minutes of posts on reconnect, and "Posts are **not** deduplicated" (docs.x.com,
 * x-api/fundamentals/recovery-and-redundancy.mdx:44-78): the duplicates are dropped here by post id, with bounded
 * memory. A longer gap is reported (a `stream-gap` event), for X's recovery jobs (`start_time`/`end_time`).
 * @internal
 */
export class Recovery {
  readonly #seen = new Set<string>();
  readonly #options: { readonly maxGapMs: number; readonly remember: number };
  readonly #onGap: (from: Date, to: Date) => void;
  #since: number | undefined;
  #reported = false;

  constructor(options: { maxGapMs: number; remember: number }, onGap: (from: Date, to: Date) => void) {
    this.#options = options;
    this.#onGap = onGap;
  }

  /** The connection dropped; the last byte came at `lastChunkAt` (kept across failed reconnects). */
  disconnected(lastChunkAt: number): void {
    this.#since ??= lastChunkAt;
  }

  /** A reconnect succeeded: the gap is closed. */
  connected(): void {
    this.#since = undefined;
    this.#reported = false;
  }

  /** The `backfill_minutes` of a reconnect at `now`, or undefined (first connect, or a gap too long). */
  backfillMinutes(now: number): number | undefined {
    if (this.#since === undefined) return undefined;
    const gap = Math.max(0, now - this.#since);
    if (gap > this.#options.maxGapMs) {
      if (!this.#reported) this.#onGap(new Date(this.#since), new Date(now));
      this.#reported = true;
      return undefined;
    }
    return Math.min(5, Math.max(1, Math.ceil(gap / 60_000)));
  }

  /** Whether a message is a post already delivered (by `data.id`); remembers it otherwise. */
  duplicate(message: unknown): boolean {
    const data = (message as { data?: { id?: unknown } } | null)?.data;
    const id = typeof data === 'object' && data !== null ? data.id : undefined;
    if (typeof id !== 'string') return false;
    if (this.#seen.has(id)) return true;
    this.#seen.add(id);
    if (this.#seen.size > this.#options.remember)
      this.#seen.delete(this.#seen.values().next().value as string);
    return false;
  }
}
