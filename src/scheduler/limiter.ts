import { raceSignal } from '../utils/abort.ts';
import { type Limiter, localLimiter, setReservoir, takeToken, waiting } from './bottleneck.ts';
import { type Bucket, BucketTable, newBucket } from './buckets.ts';
import type { RedisStore } from './connection.ts';
import type { Leases } from './leases.ts';
import { closedRejection, LimiterRejection, queueCall, type WaitOptions } from './queue.ts';
import { type Cluster, loadCluster, type RedisOption } from './redis.ts';
import type { SharedCount } from './shared.ts';
import { runInSlot } from './slots.ts';
import { endpointOf, type LimiterOptions, type Observed, type ScheduleOptions } from './types.ts';
import { type LimiterEvent, observe, type WindowHost } from './windows.ts';

export { LimiterRejection } from './queue.ts';
export type { LimiterEvent } from './windows.ts';

/**
 * Proactive rate limiting: one local Bottleneck limiter per bucket (method + endpoint template + credential hash),
 * in a table this class owns (idle buckets pruned, a cap). Each bucket's reservoir follows X's window: a probe finds
 * it, the reservoir counts the calls, a refill opens the next window at its reset; every window the headers
 * report spent, and every 420/429, holds the bucket (see rules.ts). With Redis, calls still wait in the local
 * limiter; Redis holds only each window's shared count, and the reservoir is fed by leases from it (leases.ts,
 * shared.ts). Nothing is created before the first call.
 *
 * The connection is one small state machine (redis.ts): open → up ⇄ down → closed. Down, each process limits itself
 * to its share of what was left; back up, it leases again; closed, every waiting call settles at once, no event
 * follows, no timer or listener is left.
 * @internal
 */
export class RateLimiter {
  readonly #options: LimiterOptions;
  readonly #emit: (event: LimiterEvent) => void;
  readonly #buckets: BucketTable;
  #global: Limiter | undefined;
  #store: RedisStore | undefined;
  #shared: SharedCount | undefined;
  #opening: Promise<RedisStore> | undefined;
  /** With Redis: the module only it needs, and the leases (both from the first call on). */
  #cluster: Cluster | undefined;
  #leases: Leases | undefined;
  #queued = 0;
  #closed = false;
  #jobIds = 0;
  readonly #host: WindowHost;
  /** How to refuse each call queued now (reset() does). */
  readonly #waiting = new Set<(rejection: LimiterRejection) => void>();

  constructor(options: LimiterOptions, emit: (event: LimiterEvent) => void) {
    this.#options = options;
    // Nothing after close(): a connection closing, a timer already due.
    this.#emit = (event) => {
      if (!this.#closed) emit(event);
    };
    this.#buckets = new BucketTable(options.maxBuckets, () => {});
    const shared = () => (this.#store?.up && !this.#closed ? this.#shared : undefined);
    this.#host = {
      resetMarginMs: options.resetMarginMs,
      rateLimitBaseDelayMs: options.rateLimitBaseDelayMs,
      setReservoir: (bucket, reservoir) => this.#setReservoir(bucket, reservoir),
      shared: (bucket) => (bucket.lease && shared() ? this.#leases?.window(bucket) : undefined),
      emit: this.#emit,
      closed: () => this.#closed,
      limiter: (bucket, make) => (make ? this.#limiter(bucket) : bucket.local),
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
    this.#opening ??= loadCluster().then(async (cluster) => {
      const store = await cluster.openRedisStore(
        redis,
        (up, reason) => this.#storeChanged(up, reason),
        this.#options.timeoutMs,
      );
      this.#cluster = cluster;
      this.#store = store;
      // This process's id among those sharing a window (a share while Redis is down): drawn here, not at import.
      this.#shared = new cluster.SharedCount(store, Math.random().toString(36).slice(2, 10));
      this.#leases = new cluster.Leases({
        resetMarginMs: this.#options.resetMarginMs,
        shared: () => (store.up && !this.#closed ? this.#shared : undefined),
        closed: () => this.#closed,
        timeoutMs: this.#options.timeoutMs,
        unavailable: (reason) => store.fail(reason),
      });
      if (this.#closed) void store.close();
      return store;
    });
    return this.#opening;
  }

  /** Redis went away, or came back. Calls stay where they wait; only where their units come from changes. */
  #storeChanged(up: boolean, reason: string): void {
    if (this.#closed) return;
    if (up) this.#leases?.up(this.#buckets.values());
    else {
      this.#leases?.down(this.#buckets.values(), Date.now());
      if (this.#options.onUnavailable === 'fail') {
        const refused = new LimiterRejection(
          'store-unavailable',
          'the shared rate-limit store (Redis) became unavailable',
        );
        for (const refuse of [...this.#waiting]) refuse(refused);
      }
    }
    this.#emit(
      up
        ? { type: 'limiter', action: 'redis-recovered' }
        : { type: 'limiter', action: 'local-fallback', reason },
    );
  }

  #bucket(key: string, options: ScheduleOptions, now: number): Bucket {
    // The common case first, without a closure per call.
    const known = this.#buckets.find(key, now);
    if (known) return known;
    return this.#buckets.get(key, now, () =>
      newBucket(
        key,
        options.endpoint === undefined ? 0 : this.#options.minIntervalMs(endpointOf(options)),
        this.#cluster?.newLease(this.#cluster.redisKey(this.#options.prefix, key)),
        now,
      ),
    );
  }

  /** The bucket's local limiter, made on first need: with Redis up its reservoir starts empty (leases feed it). */
  #limiter(bucket: Bucket): Limiter {
    bucket.local ??= localLimiter({
      reservoir:
        bucket.mode === 'unlimited'
          ? null
          : bucket.spentUntil > Date.now() || (bucket.lease && this.#store?.up)
            ? 0
            : 1,
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
    const bucket = this.#bucket(key, options, now);
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
    if (options.ended ?? options.signal?.aborted) return Promise.reject(options.signal?.reason);
    const limiter = this.#limiter(bucket);
    if (takeToken(limiter)) return this.#run(bucket, options, job);
    const queued = queueCall<T>({
      limiter,
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
      closed: () => this.#closed,
      register: (refuse) => {
        this.#waiting.add(refuse);
        return () => this.#waiting.delete(refuse);
      },
    });
    this.#leases?.feed(bucket);
    return queued;
  }

  /** Runs an admitted call (through the global concurrency bound, if any) and feeds its outcome to the bucket. */
  async #run<T extends Observed>(bucket: Bucket, options: WaitOptions, job: () => Promise<T>): Promise<T> {
    bucket.inflight++;
    if (bucket.lease && !this.#store?.up) this.#leases?.usedWhileDown(bucket);
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
      if (bucket.lease && bucket.inflight === 0 && bucket.waiting === 0) this.#leases?.quiet(bucket);
    }
  }

  #slot<T>(options: WaitOptions, job: () => Promise<T>): Promise<T> {
    this.#global ??= localLimiter({ maxConcurrent: this.#options.maxConcurrent });
    const count = (delta: 1 | -1) => {
      this.#queued += delta;
    };
    return runInSlot(this.#global, options, job, count, () => this.#closed);
  }

  /** The local reservoir. While Redis is down, what a process would give itself alone is split by its share. */
  #setReservoir(bucket: Bucket, reservoir: number | null): Promise<void> {
    const lease = bucket.lease;
    if (lease && reservoir !== null && reservoir > 0 && this.#store && !this.#store.up)
      reservoir = Math.max(1, Math.floor(reservoir / lease.processes));
    return setReservoir(this.#limiter(bucket), reservoir);
  }

  /**
   * Forgets every window learnt (buckets, holds, refill timers) and refuses the calls queued now, for tests that
   * share one client (`client.resetRateLimits()`). With Redis, the shared counts stay (they are the cluster's).
   */
  async reset(): Promise<void> {
    const refused = new LimiterRejection('reset', 'the rate limits were reset (client.resetRateLimits())');
    this.#refuseAll(refused);
  }

  /** Refuses every waiting call with `rejection`, then forgets every bucket and stops its timers. */
  #refuseAll(rejection: LimiterRejection): void {
    for (const refuse of [...this.#waiting]) refuse(rejection);
    const buckets = [...this.#buckets.values()];
    this.#leases?.stop(buckets);
    this.#buckets.clear();
    for (const bucket of buckets) {
      if (bucket.timer) clearTimeout(bucket.timer);
      // Stopped, not awaited: their queues hold only refused calls now, and Bottleneck's stop waits on its own
      // timers, which a test's fake clock would never run.
      if (bucket.local && waiting(bucket.local) > 0)
        void bucket.local.stop({ dropWaitingJobs: true }).catch(() => {});
    }
  }

  /**
   * Settles every waiting call at once (the closed rejection), stops every timer, removes every listener calmfetch
   * put on a Redis client and closes a connection it opened. Nothing is emitted after it.
   */
  async close(): Promise<void> {
    this.#closed = true;
    this.#refuseAll(closedRejection());
    void this.#global?.stop({ dropWaitingJobs: true }).catch(() => {});
    await this.#opening?.then(
      (store) => store.close(),
      () => {},
    );
  }
}
