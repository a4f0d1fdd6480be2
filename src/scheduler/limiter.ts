import type { Classification } from '../classify/classify.ts';
import { raceSignal } from '../utils/abort.ts';
import { type Limiter, localLimiter, setReservoir, takeToken, waiting } from './bottleneck.ts';
import { type Bucket, BucketTable, newBucket } from './buckets.ts';
import { closedRejection, LimiterRejection, queueCall, type WaitOptions } from './queue.ts';
import { openRedisStore, type RedisOption, type RedisStore } from './redis.ts';
import { runInSlot, SubmissionWatch } from './slots.ts';
import { type LimiterEvent, observe, type WindowHost } from './windows.ts';

export { LimiterRejection } from './queue.ts';

export type { LimiterEvent } from './windows.ts';

/** @internal */
export interface LimiterOptions {
  readonly maxConcurrent: number;
  readonly highWater: number;
  readonly resetMarginMs: number;
  /** The Redis option as given: the store (and Bottleneck's full build) are opened on the first call. */
  readonly redis: RedisOption | undefined;
  readonly onUnavailable: 'local' | 'fail';
  readonly timeoutMs: number;
  readonly prefix: string;
  /** `retry.rateLimitBaseDelayMs`: how long a bare 420/429 (no time given) holds its bucket, doubling after. */
  readonly rateLimitBaseDelayMs: number;
  /** The minimum spacing of an endpoint's calls (`GET /2/tweets/search/all` → 1000), 0 for none. */
  readonly minIntervalMs: (endpoint: string) => number;
  /** Buckets kept at most; beyond it the least recently created idle ones are dropped. */
  readonly maxBuckets: number;
}

/**
 * How a call is scheduled: its waits, and its endpoint (method + template) for the bucket's spacing.
 * @internal
 */
export interface ScheduleOptions extends WaitOptions {
  readonly endpoint?: string;
}

/** How long Redis keeps a bucket nobody uses (Bottleneck refreshes it on every call). */
const SHARED_TTL_MS = 60 * 60_000;

/** @internal */
export interface Observed {
  readonly classification: Classification;
}

/**
 * Proactive rate limiting: one Bottleneck limiter per bucket (method + endpoint template + credential hash), in a
 * table this class owns (idle buckets pruned, a cap). Each bucket's reservoir follows X's window: a probe finds
 * it, the reservoir counts the calls, a refill opens the next window at its reset; every window the headers
 * report spent, and every 420/429, holds the bucket (see rules.ts). With Redis, the reservoirs live in Redis and
 * the refill of each window happens once across every process. Nothing is created before the first call.
 * @internal
 */
export class RateLimiter {
  readonly #options: LimiterOptions;
  readonly #emit: (event: LimiterEvent) => void;
  readonly #buckets: BucketTable;
  readonly #gates = new Map<string, number>();
  #global: Limiter | undefined;
  #store: RedisStore | undefined;
  #opening: Promise<RedisStore> | undefined;
  #queued = 0;
  #closed = false;
  #jobIds = 0;
  readonly #watch: SubmissionWatch;
  readonly #host: WindowHost;
  /** How to refuse each call queued now (reset() does). */
  readonly #waiting = new Set<(rejection: LimiterRejection) => void>();

  constructor(options: LimiterOptions, emit: (event: LimiterEvent) => void) {
    this.#options = options;
    // Nothing after close(): a connection closing, a timer already due.
    this.#emit = (event) => {
      if (!this.#closed) emit(event);
    };
    this.#buckets = new BucketTable(options.maxBuckets, (now) => {
      for (const [gate, expires] of this.#gates) if (expires < now) this.#gates.delete(gate);
    });
    this.#watch = new SubmissionWatch(options.timeoutMs, () => this.#store?.up === true);
    this.#host = {
      resetMarginMs: options.resetMarginMs,
      rateLimitBaseDelayMs: options.rateLimitBaseDelayMs,
      setReservoir: (bucket, reservoir) => this.#setReservoir(bucket, reservoir),
      gate: (name, ttlMs) => this.#gate(name, ttlMs),
      emit: this.#emit,
      closed: () => this.#closed,
      limiter: (bucket, make) =>
        make ? this.#limiter(bucket) : this.#store?.up ? bucket.shared : bucket.local,
    };
  }

  /** How many calls wait in the limiter: for their bucket's window or for a `maxConcurrent` slot. */
  get queued(): number {
    return this.#queued;
  }

  /** Buckets held now (for tests and diagnostics). */
  get buckets(): number {
    return this.#buckets.size;
  }

  /** Runs `job` when the bucket's window allows; rejects with a LimiterRejection or the abort reason. */
  schedule<T extends Observed>(key: string, options: ScheduleOptions, job: () => Promise<T>): Promise<T> {
    if (this.#closed) return Promise.reject(closedRejection());
    const redis = this.#options.redis;
    // Only until the first connection succeeds or is given up on; after that no call waits for Redis.
    if (redis && !this.#store?.settled) {
      const ready = this.#openStore(redis).then((store) => store.ready(this.#options.timeoutMs));
      return raceSignal(ready, options.signal).then(() => this.#admit(key, options, job));
    }
    // No promise of our own around the call's: a call admitted at once costs one async step, not three.
    try {
      return this.#admit(key, options, job);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  #openStore(redis: RedisOption): Promise<RedisStore> {
    // close() awaits this too, and closes the store after it is wired.
    this.#opening ??= openRedisStore(redis).then((store) => {
      this.#store = store;
      store.onStatus((up, reason) => this.#storeChanged(up, reason));
      return store;
    });
    return this.#opening;
  }

  /**
   * The store changed (Redis went away, or came back): what the other store knew is stale, so every bucket finds
   * its window again with one probe — or stays held, when it is known to be held until a time.
   */
  #storeChanged(up: boolean, reason: string): void {
    if (up) {
      // A Redis that comes back may have lost everything (a restart): the old limiters' registrations died with
      // it. Their queued calls move (reroute), and each bucket gets a fresh shared limiter on its next call.
      for (const bucket of this.#buckets.values()) {
        const stale = bucket.shared;
        bucket.shared = undefined;
        if (stale) void stale.stop({ dropWaitingJobs: true }).catch(() => {});
      }
    }
    const now = Date.now();
    for (const bucket of this.#buckets.values()) {
      if (bucket.mode === 'unlimited') continue;
      bucket.mode = 'probe';
      bucket.reset = 0;
      void this.#setReservoir(bucket, bucket.spentUntil > now ? 0 : 1);
    }
    this.#emit(
      up
        ? { type: 'limiter', action: 'redis-recovered' }
        : { type: 'limiter', action: 'local-fallback', reason },
    );
  }

  #bucket(key: string, endpoint: string | undefined, now: number): Bucket {
    // The common case first, without a closure per call.
    const known = this.#buckets.find(key, now);
    if (known) return known;
    return this.#buckets.get(key, now, () =>
      newBucket(
        key,
        endpoint === undefined ? 0 : this.#options.minIntervalMs(endpoint),
        this.#store?.up === true,
        now,
      ),
    );
  }

  /** The bucket's limiter in the store in use, made on first need. */
  #limiter(bucket: Bucket): Limiter {
    const store = this.#store;
    if (store?.up) {
      bucket.shared ??= new store.Bottleneck({
        datastore: 'ioredis',
        connection: store.connection,
        id: `${this.#options.prefix}-${bucket.key}`,
        clearDatastore: false,
        reservoir: 1,
        minTime: bucket.spacing,
        timeout: SHARED_TTL_MS,
      });
      return bucket.shared;
    }
    bucket.local ??= localLimiter({
      reservoir: bucket.mode === 'unlimited' ? null : bucket.spentUntil > Date.now() ? 0 : 1,
      minTime: bucket.spacing,
    });
    return bucket.local;
  }

  /** The checks before a call may wait (spent window, full queue); throws a LimiterRejection. */
  #admit<T extends Observed>(key: string, options: ScheduleOptions, job: () => Promise<T>): Promise<T> {
    if (this.#closed) throw closedRejection();
    const store = this.#store;
    if (store && !store.up && this.#options.onUnavailable === 'fail') {
      throw new LimiterRejection('store-unavailable', 'the shared rate-limit store (Redis) is unavailable');
    }
    const now = Date.now();
    const bucket = this.#bucket(key, options.endpoint, now);
    if (bucket.spentUntil > now) {
      const wait = bucket.spentUntil - now;
      if (wait > options.maxWaitMs || now + wait >= options.deadlineAt) {
        const until = new Date(bucket.spentUntil);
        const why = wait > options.maxWaitMs ? 'longer than retry.maxWaitMs' : 'past the deadline';
        throw new LimiterRejection(
          'spent-window',
          `the window for this endpoint is spent until ${until.toISOString()}, ${why}`,
          until,
        );
      }
    }
    if (this.#queued >= this.#options.highWater) {
      throw new LimiterRejection(
        'queue-full',
        `the client queue is full (rateLimit.highWater = ${this.#options.highWater})`,
      );
    }
    return this.#enqueue(bucket, options, job);
  }

  #enqueue<T extends Observed>(bucket: Bucket, options: ScheduleOptions, job: () => Promise<T>): Promise<T> {
    if (options.signal?.aborted) return Promise.reject(options.signal.reason);
    const limiter = this.#limiter(bucket);
    // Only an in-memory limiter can admit at once (takeToken says no to a Redis one).
    if (takeToken(limiter)) return this.#run(bucket, options, job);
    const shared = limiter === bucket.shared;
    const redis = this.#store;
    return queueCall<T>({
      limiter,
      shared,
      options,
      id: `calmfetch-${++this.#jobIds}`,
      start: () => this.#run(bucket, options, job),
      retryAt: () => (bucket.spentUntil > Date.now() ? new Date(bucket.spentUntil) : undefined),
      count: (delta) => {
        this.#queued += delta;
        bucket.waiting += delta;
      },
      giveBack: () =>
        bucket.mode === 'unlimited'
          ? Promise.resolve()
          : limiter.incrementReservoir(1).then(
              () => {},
              () => {},
            ),
      onDown: redis ? (reroute) => redis.onDown(reroute) : undefined,
      watch: (id, reroute) => this.#watch.watch(limiter, id, reroute),
      reroute: () => {
        if (this.#options.onUnavailable === 'fail')
          return Promise.reject(
            new LimiterRejection(
              'store-unavailable',
              'the shared rate-limit store (Redis) became unavailable',
            ),
          );
        return this.#enqueue(bucket, options, job);
      },
      closed: () => this.#closed,
      register: (refuse) => {
        this.#waiting.add(refuse);
        return () => this.#waiting.delete(refuse);
      },
    });
  }

  /** Runs an admitted call (through the global concurrency bound, if any) and feeds its outcome to the bucket. */
  async #run<T extends Observed>(bucket: Bucket, options: WaitOptions, job: () => Promise<T>): Promise<T> {
    bucket.inflight++;
    try {
      const value = Number.isFinite(this.#options.maxConcurrent)
        ? await this.#slot(options, job)
        : await job();
      observe(this.#host, bucket, value.classification);
      return value;
    } catch (error) {
      observe(this.#host, bucket, undefined);
      throw error;
    } finally {
      bucket.inflight--;
      bucket.lastUsed = Date.now();
    }
  }

  #slot<T>(options: WaitOptions, job: () => Promise<T>): Promise<T> {
    this.#global ??= localLimiter({ maxConcurrent: this.#options.maxConcurrent });
    const count = (delta: 1 | -1) => {
      this.#queued += delta;
    };
    return runInSlot(this.#global, options, job, count, () => this.#closed);
  }

  /** Only the active store: when the store changes, #storeChanged has every bucket find its window there again. */
  #setReservoir(bucket: Bucket, reservoir: number | null): Promise<void> {
    return setReservoir(this.#limiter(bucket), reservoir);
  }

  /** True for exactly one caller per name (per process locally; across processes with Redis). */
  async #gate(name: string, ttlMs: number): Promise<boolean> {
    // Without Redis each name comes up once per bucket and window: the gate has nothing to arbitrate.
    if (!this.#options.redis) return true;
    const ttl = Math.max(1000, Math.min(ttlMs + 60_000, 48 * 3_600_000));
    const store = this.#store;
    if (store?.up) {
      const won = await store.once(`${this.#options.prefix}:gate:${name}`, ttl, this.#options.timeoutMs);
      if (won !== undefined) return won;
    }
    if (this.#gates.has(name)) return false;
    this.#gates.set(name, Date.now() + ttl);
    return true;
  }

  /**
   * Forgets every window learnt (buckets, holds, refill timers, gates) and refuses the calls queued now, for tests
   * that share one client (`client.resetRateLimits()`). With Redis, each known bucket reopens to one probe.
   */
  async reset(): Promise<void> {
    const refused = new LimiterRejection('reset', 'the rate limits were reset (client.resetRateLimits())');
    for (const refuse of [...this.#waiting]) refuse(refused);
    const buckets = [...this.#buckets.values()];
    this.#buckets.clear();
    this.#gates.clear();
    for (const bucket of buckets) {
      if (bucket.timer) clearTimeout(bucket.timer);
      // Stopped, not awaited: their queues hold only refused calls now, and Bottleneck's stop waits on its own
      // timers, which a test's fake clock would never run.
      if (bucket.local) void bucket.local.stop({ dropWaitingJobs: true }).catch(() => {});
      if (bucket.shared && this.#store?.up) await setReservoir(bucket.shared, 1);
    }
  }

  /** Stops every timer and, if calmfetch opened it, the Redis connection. Queued calls are rejected. */
  async close(): Promise<void> {
    this.#closed = true;
    const stops: Promise<unknown>[] = [];
    for (const bucket of this.#buckets.values()) {
      if (bucket.timer) clearTimeout(bucket.timer);
      // Only limiters with calls waiting need stopping (their calls are rejected); the rest hold nothing. Bottleneck's
      // stop() also waits for the jobs it is running (calls on the wire): close() does not wait for those, only for
      // what Redis must be told before the connection closes.
      for (const limiter of [bucket.local, bucket.shared]) {
        if (!limiter || waiting(limiter) === 0) continue;
        const stopped = limiter.stop({ dropWaitingJobs: true }).catch(() => {});
        if (limiter === bucket.shared) stops.push(stopped);
      }
    }
    void this.#global?.stop({ dropWaitingJobs: true }).catch(() => {});
    this.#buckets.clear();
    this.#gates.clear();
    this.#watch.clear();
    await Promise.all(stops);
    await this.#opening?.then(
      (store) => store.close(),
      () => {},
    );
  }
}
