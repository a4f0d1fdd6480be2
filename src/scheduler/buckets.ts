import { type Limiter, waiting } from './bottleneck.ts';

/**
 * A bucket with nothing in flight, queued or pending for this long is dropped (it is found again by a probe).
 * @internal
 */
export const IDLE_MS = 10 * 60_000;

/**
 * One bucket's state: what the limiter knows of its window, its Bottleneck limiter (where its calls wait, in every
 * mode), and with Redis its lease of the shared count.
 * @internal
 */
export interface Bucket {
  readonly key: string;
  readonly minIntervalMs: number;
  /** `probe`: nothing known yet, one call at a time; `tracked`: the reservoir follows X's window; `unlimited`: no headers. */
  mode: 'probe' | 'tracked' | 'unlimited';
  /** The reset of the newest window seen, local epoch ms (0: none). */
  reset: number;
  limit: number | undefined;
  /** Until when the bucket is held (a window known to be spent, or a 429's wait); 0: not held. */
  spentUntil: number;
  timer: ReturnType<typeof setTimeout> | undefined;
  timerAt: number;
  /** What the pending refill sets: the window's limit, or undefined to probe the window again. */
  refillAmount: number | undefined;
  inflight: number;
  /** Calls queued in this bucket. */
  waiting: number;
  /** Consecutive 429s with room left, and bare 420/429s; a success ends both. */
  roomStreak: number;
  bareStreak: number;
  /** The current spacing of calls: the configured minimum, or the hold of a 429 with room left. */
  spacing: number;
  lastUsed: number;
  local: Limiter | undefined;
  /** With Redis: the bucket's lease of the shared count (see leases.ts); undefined without Redis. */
  lease: Lease | undefined;
}

/**
 * What a bucket knows of the shared count (Redis), and its lease in progress.
 * @internal
 */
export interface Lease {
  /** The bucket's key in Redis (`{prefix}:{hash of the bucket}`). */
  readonly key: string;
  /** A take is on its way to Redis. */
  pending: boolean;
  /** When the next take goes (the window reopens, a hold ends, a probe may have answered). */
  timer: ReturnType<typeof setTimeout> | undefined;
  /** The current poll interval while a probe elsewhere has not answered (doubles, up to 1 s). */
  pollMs: number;
  /** The window the units in the reservoir came from: they go back only into it. */
  window: string;
  /** Units left in the shared window at the last answer (Infinity: not known). */
  left: number;
  /** Units this process leased from window `window`. */
  taken: number;
  /** When the last units were granted (epoch ms). */
  grantedAt: number;
  /** The reset (epoch ms) of the window the last units came from, as Redis knew it then (0: not known). */
  grantedReset: number;
  /** The most processes seen taking from one window of the bucket (at least 1): the share of each while Redis is down. */
  processes: number;
  /** What the next window opens with when this process creates it: its limit, or undefined for one probe. */
  fill: number | undefined;
  /** Units used while Redis was down, taken off window `window` when it comes back. */
  debit: number;
  /** The last take found the window waiting for a probe's answer (this process's answer sets the count). */
  probing: boolean;
  /** When takes started failing (Redis answered with an error), undefined while they succeed. */
  failingSince?: number | undefined;
}

/** @internal */
export function newBucket(key: string, minIntervalMs: number, lease: Lease | undefined, now: number): Bucket {
  return {
    key,
    minIntervalMs,
    mode: 'probe',
    reset: 0,
    limit: undefined,
    spentUntil: 0,
    timer: undefined,
    timerAt: 0,
    refillAmount: undefined,
    inflight: 0,
    waiting: 0,
    roomStreak: 0,
    bareStreak: 0,
    spacing: minIntervalMs,
    lastUsed: now,
    local: undefined,
    lease,
  };
}

/**
 * The limiter's buckets, bounded: a bucket idle for IDLE_MS is dropped by an unref'd sweep (made with the first
 * bucket), and at `maxBuckets` the idle ones go at once, then the oldest without a call in flight or queued (a
 * hold they knew is forgotten: a later call finds the window again, at worst with one 429).
 * @internal
 */
export class BucketTable {
  readonly #map = new Map<string, Bucket>();
  readonly #max: number;
  readonly #onSweep: (now: number) => void;
  #sweeper: ReturnType<typeof setInterval> | undefined;

  constructor(maxBuckets: number, onSweep: (now: number) => void) {
    this.#max = maxBuckets;
    this.#onSweep = onSweep;
  }

  get size(): number {
    return this.#map.size;
  }

  values(): IterableIterator<Bucket> {
    return this.#map.values();
  }

  /** The bucket under `key`, if there is one (marked used at `now`). */
  find(key: string, now: number): Bucket | undefined {
    const bucket = this.#map.get(key);
    if (bucket) bucket.lastUsed = now;
    return bucket;
  }

  /** The bucket under `key`, made by `make` when there is none (after making room for it). */
  get(key: string, now: number, make: () => Bucket): Bucket {
    let bucket = this.#map.get(key);
    if (!bucket) {
      if (this.#map.size >= this.#max) this.#evict(now);
      bucket = make();
      this.#map.set(key, bucket);
      if (!this.#sweeper) {
        this.#sweeper = setInterval(() => this.#sweep(Date.now(), IDLE_MS), IDLE_MS / 2);
        this.#sweeper.unref?.();
      }
    }
    bucket.lastUsed = now;
    return bucket;
  }

  /** Idle: nothing in flight, queued or pending, not held, not spaced by a 429. */
  #idle(bucket: Bucket, now: number): boolean {
    return (
      bucket.inflight === 0 &&
      bucket.waiting === 0 &&
      bucket.timer === undefined &&
      bucket.spentUntil <= now &&
      bucket.roomStreak === 0 &&
      bucket.bareStreak === 0 &&
      !bucket.lease?.pending &&
      bucket.lease?.timer === undefined &&
      (bucket.local === undefined || waiting(bucket.local) === 0)
    );
  }

  #drop(bucket: Bucket): void {
    this.#map.delete(bucket.key);
    if (bucket.timer) clearTimeout(bucket.timer);
    bucket.timer = undefined;
    if (bucket.lease?.timer) clearTimeout(bucket.lease.timer);
  }

  #sweep(now: number, idleMs: number): void {
    for (const bucket of this.#map.values())
      if (now - bucket.lastUsed >= idleMs && this.#idle(bucket, now)) this.#drop(bucket);
    this.#onSweep(now);
  }

  #evict(now: number): void {
    this.#sweep(now, 0);
    const target = Math.floor(this.#max * 0.9);
    for (const bucket of this.#map.values()) {
      if (this.#map.size <= target) break;
      if (bucket.inflight === 0 && bucket.waiting === 0) this.#drop(bucket);
    }
  }

  /** Forgets every bucket and stops the sweep (close()). Their timers are the caller's to clear first. */
  clear(): void {
    clearInterval(this.#sweeper);
    this.#sweeper = undefined;
    this.#map.clear();
  }
}
