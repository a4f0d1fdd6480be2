import type { Classification } from '../classify/classify.ts';
import { MAX_TIMER_MS } from '../retry/backoff.ts';
import { raceSignal } from '../utils/abort.ts';
import { type Limiter, localLimiter, setReservoir, space, takeToken, waiting } from './bottleneck.ts';
import { closedRejection, LimiterRejection, queueCall, type WaitOptions } from './queue.ts';
import { openRedisStore, type RedisOption, type RedisStore } from './redis.ts';
import { rateLimitVerdict, spentWindow } from './rules.ts';

export { LimiterRejection } from './queue.ts';

/** A limiter event: what the proactive rate limiter did for a bucket. Never credentials (buckets hold a hash). */
export type LimiterEvent =
  | {
      readonly type: 'limiter';
      readonly action: 'hold';
      readonly bucket: string;
      readonly until: Date;
      readonly reason: string;
    }
  | {
      readonly type: 'limiter';
      readonly action: 'refill';
      readonly bucket: string;
      readonly reservoir: number | null;
    }
  | { readonly type: 'limiter'; readonly action: 'local-fallback'; readonly reason: string }
  | { readonly type: 'limiter'; readonly action: 'redis-recovered' };

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

/** How a call is scheduled: its waits, and its endpoint (method + template) for the bucket's spacing. */
export interface ScheduleOptions extends WaitOptions {
  readonly endpoint?: string;
}

/** How long a cluster remembers that some process has counted a bucket (see Bucket.joining). */
const COUNTED_TTL_MS = 24 * 3_600_000;
/** A bucket with nothing in flight, queued or pending for this long is dropped (it is found again by a probe). */
export const IDLE_MS = 10 * 60_000;
/** How long Redis keeps a bucket nobody uses (Bottleneck refreshes it on every call). */
const SHARED_TTL_MS = 60 * 60_000;

interface Bucket {
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
  shared: Limiter | undefined;
  /**
   * Created while the shared store was in use, and not yet answered: other processes may be counting this bucket
   * already, in which case this process's first answer is not a probe's (their calls were in flight beside it).
   */
  joining: boolean;
}

export interface Observed {
  readonly classification: Classification;
}

/**
 * Proactive rate limiting: one Bottleneck limiter per bucket (method + endpoint template + credential hash), in a
 * table this class owns (idle buckets pruned, a cap). Each bucket's reservoir follows X's window: a probe finds
 * it, the reservoir counts the calls, a refill opens the next window at its reset; every window the headers
 * report spent, and every 420/429, holds the bucket (see rules.ts). With Redis, the reservoirs live in Redis and
 * the refill of each window happens once across every process. Nothing is created before the first call.
 */
export class RateLimiter {
  readonly #options: LimiterOptions;
  readonly #emit: (event: LimiterEvent) => void;
  readonly #buckets = new Map<string, Bucket>();
  readonly #gates = new Map<string, number>();
  #global: Limiter | undefined;
  #store: RedisStore | undefined;
  #opening: Promise<RedisStore> | undefined;
  #sweeper: ReturnType<typeof setInterval> | undefined;
  #queued = 0;
  #closed = false;
  #jobIds = 0;
  readonly #watched = new WeakSet<Limiter>();
  readonly #submissions = new Map<string, () => void>();

  constructor(options: LimiterOptions, emit: (event: LimiterEvent) => void) {
    this.#options = options;
    // Nothing after close(): a connection closing, a timer already due.
    this.#emit = (event) => {
      if (!this.#closed) emit(event);
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
    let bucket = this.#buckets.get(key);
    if (!bucket) {
      if (this.#buckets.size >= this.#options.maxBuckets) this.#evict(now);
      const minIntervalMs = endpoint === undefined ? 0 : this.#options.minIntervalMs(endpoint);
      bucket = {
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
        shared: undefined,
        joining: this.#store?.up === true,
      };
      this.#buckets.set(key, bucket);
      if (!this.#sweeper) {
        this.#sweeper = setInterval(() => this.#sweep(Date.now(), IDLE_MS), IDLE_MS / 2);
        this.#sweeper.unref?.();
      }
    }
    bucket.lastUsed = now;
    return bucket;
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

  /** Idle: nothing in flight, queued or pending, not held, not spaced by a 429. */
  #idle(bucket: Bucket, now: number): boolean {
    return (
      bucket.inflight === 0 &&
      bucket.waiting === 0 &&
      bucket.timer === undefined &&
      bucket.spentUntil <= now &&
      bucket.roomStreak === 0 &&
      bucket.bareStreak === 0 &&
      (bucket.local === undefined || waiting(bucket.local) === 0)
    );
  }

  #drop(bucket: Bucket): void {
    this.#buckets.delete(bucket.key);
    if (bucket.timer) clearTimeout(bucket.timer);
    bucket.timer = undefined;
    // A shared limiter is registered with the connection: unregister it (its Redis keys expire on their own).
    if (bucket.shared) void Promise.resolve(bucket.shared.disconnect(false)).catch(() => {});
  }

  #sweep(now: number, idleMs: number): void {
    for (const bucket of this.#buckets.values())
      if (now - bucket.lastUsed >= idleMs && this.#idle(bucket, now)) this.#drop(bucket);
    for (const [gate, expires] of this.#gates) if (expires < now) this.#gates.delete(gate);
  }

  /**
   * At the cap: drop every idle bucket; if that is not enough, the oldest without a call in flight or queued
   * (a hold they knew is forgotten: a later call finds the window again, at worst with one 429).
   */
  #evict(now: number): void {
    this.#sweep(now, 0);
    const target = Math.floor(this.#options.maxBuckets * 0.9);
    for (const bucket of this.#buckets.values()) {
      if (this.#buckets.size <= target) break;
      if (bucket.inflight === 0 && bucket.waiting === 0) this.#drop(bucket);
    }
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
      watch: (id, reroute) => this.#watchSubmission(limiter, id, reroute),
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
    });
  }

  /** Runs an admitted call (through the global concurrency bound, if any) and feeds its outcome to the bucket. */
  async #run<T extends Observed>(bucket: Bucket, options: WaitOptions, job: () => Promise<T>): Promise<T> {
    bucket.inflight++;
    try {
      const value = Number.isFinite(this.#options.maxConcurrent)
        ? await this.#slot(options, job)
        : await job();
      this.#observe(bucket, value.classification);
      return value;
    } catch (error) {
      this.#observe(bucket, undefined);
      throw error;
    } finally {
      bucket.inflight--;
      bucket.lastUsed = Date.now();
    }
  }

  /**
   * Runs `job` in a `maxConcurrent` slot. A call waiting for one counts in `queued` and leaves at once when its
   * scope ends; the slot Bottleneck later gives it is handed straight back (the job returns without running).
   */
  #slot<T>(options: WaitOptions, job: () => Promise<T>): Promise<T> {
    const signal = options.signal;
    if (signal?.aborted) return Promise.reject(signal.reason);
    this.#global ??= localLimiter({ maxConcurrent: this.#options.maxConcurrent });
    const global = this.#global;
    return new Promise<T>((resolve, reject) => {
      let waiting = true;
      this.#queued++;
      const leave = () => {
        waiting = false;
        this.#queued--;
        signal?.removeEventListener('abort', onAbort);
      };
      const onAbort = () => {
        if (!waiting) return;
        leave();
        reject(signal?.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      global
        .schedule({ priority: options.priority }, async () => {
          if (!waiting) return;
          leave();
          await job().then(resolve, reject);
        })
        .catch((error: unknown) => {
          if (!waiting) return;
          leave();
          reject(this.#closed ? closedRejection() : error);
        });
    });
  }

  /** A Redis submission that is not queued within timeoutMs means Redis is slow or gone: go local. */
  #watchSubmission(limiter: Limiter, id: string, reroute: () => void): void {
    if (!this.#watched.has(limiter)) {
      this.#watched.add(limiter);
      limiter.on('queued', (info: { options?: { id?: string } }) => {
        const id = info.options?.id;
        if (id !== undefined) this.#submissions.get(id)?.();
      });
    }
    // Slow is not gone: while the connection is up the call keeps its place (its queue wait is bounded anyway),
    // since a call moved to the local limiter no longer shares the quota. Only a dead connection reroutes it.
    let timer: ReturnType<typeof setTimeout>;
    const check = () => {
      if (!this.#submissions.has(id)) return;
      if (!this.#store?.up) {
        this.#submissions.delete(id);
        reroute();
        return;
      }
      timer = setTimeout(check, this.#options.timeoutMs);
      timer.unref?.();
    };
    timer = setTimeout(check, this.#options.timeoutMs);
    timer.unref?.();
    this.#submissions.set(id, () => {
      this.#submissions.delete(id);
      clearTimeout(timer);
    });
  }

  /** Feeds one attempt's outcome to its bucket. `undefined`: the attempt failed with no response. */
  #observe(bucket: Bucket, classification: Classification | undefined): void {
    const now = Date.now();
    if (classification === undefined || classification.status === undefined) {
      if (bucket.mode === 'probe') void this.#setReservoir(bucket, 1);
      return;
    }
    const info = classification.rateLimit;
    if (classification.category === 'rate-limited' && !classification.capped) {
      const streaks = { room: bucket.roomStreak, bare: bucket.bareStreak };
      const verdict = rateLimitVerdict(classification, now, streaks, this.#options.rateLimitBaseDelayMs);
      if (verdict.kind === 'room') {
        // A per-second (or connection) limit: space the bucket, never hold it until the window's reset.
        bucket.roomStreak++;
        this.#space(bucket, verdict.holdMs, now + verdict.holdMs);
        this.#emit({
          type: 'limiter',
          action: 'hold',
          bucket: bucket.key,
          until: new Date(now + verdict.holdMs),
          reason: verdict.reason,
        });
        if (bucket.mode === 'probe') void this.#setReservoir(bucket, 1);
        return;
      }
      if (verdict.kind === 'bare') bucket.bareStreak++;
      const until = Math.min(verdict.until, now + MAX_TIMER_MS);
      if (info.limit !== undefined) bucket.limit = info.limit;
      if (bucket.mode === 'unlimited') bucket.mode = 'probe';
      void this.#setReservoir(bucket, 0);
      this.#hold(bucket, until, verdict.reason);
      // A hold from X's window refills it whole; any other ends with a probe (what is left is not known).
      const fromWindow = verdict.kind === 'spent' && info.remaining === 0 && info.reset?.getTime() === until;
      this.#scheduleRefill(bucket, until, fromWindow ? bucket.limit : undefined);
      return;
    }
    if (classification.category === 'ok' && (bucket.roomStreak > 0 || bucket.bareStreak > 0)) {
      bucket.roomStreak = 0;
      bucket.bareStreak = 0;
      if (bucket.spacing !== bucket.minIntervalMs) this.#space(bucket, 0, 0);
    }
    this.#track(bucket, classification, now);
  }

  /** An answer that is no 420/429: hold on every spent window, and follow X's 15-minute window. */
  #track(bucket: Bucket, classification: Classification, now: number): void {
    const info = classification.rateLimit;
    const spent = spentWindow(info, now);
    if (spent) {
      this.#hold(bucket, spent.until, `window spent (${spent.header}: 0)`);
      // The server's count beats ours (another app may share the window): nothing more goes until the reset.
      void this.#setReservoir(bucket, 0);
      const xWindow = info.remaining === 0 && info.reset?.getTime() === spent.until;
      this.#scheduleRefill(bucket, spent.until, xWindow ? (info.limit ?? bucket.limit) : undefined);
    }
    const reset = info.reset?.getTime();
    if (info.remaining === undefined || reset === undefined) {
      if (bucket.mode === 'probe' && !spent) {
        bucket.mode = 'unlimited';
        void this.#setReservoir(bucket, null);
      }
      return;
    }
    if (reset < bucket.reset - 1000) return; // from an older window, arriving late: never raises anything
    bucket.limit = info.limit ?? bucket.limit;
    if (bucket.mode !== 'tracked') {
      // The probe's answer: only it was in flight, so the server's count is exact. Once per window, cluster-wide.
      bucket.mode = 'tracked';
      // Read now: by the time the gate answers, this call is no longer in flight.
      const reservoir = Math.max(0, info.remaining - (bucket.inflight - 1));
      // A process joining a cluster counts only if no process has counted this bucket before: otherwise its
      // answer may open a window another's refill already opened, with their calls in flight, and overfill it.
      const counting = bucket.joining
        ? this.#gate(`counted:${bucket.key}`, COUNTED_TTL_MS)
        : Promise.resolve(true);
      bucket.joining = false;
      void counting
        .then((first) => first && this.#gate(`window:${bucket.key}:${reset}`, reset - now))
        .then((won) => {
          if (won) void this.#setReservoir(bucket, bucket.spentUntil > Date.now() ? 0 : reservoir);
        });
    }
    if (reset > bucket.reset) {
      bucket.reset = reset;
      this.#scheduleRefill(bucket, reset, bucket.limit);
    }
  }

  /** The bucket is held until `until`: remember it, and say so once per new `until`. */
  #hold(bucket: Bucket, until: number, reason: string): void {
    if (until <= bucket.spentUntil) return;
    bucket.spentUntil = until;
    this.#emit({ type: 'limiter', action: 'hold', bucket: bucket.key, until: new Date(until), reason });
  }

  /** Spaces the bucket's calls by at least `holdMs` (and its configured minimum), none before `notBefore`. */
  #space(bucket: Bucket, holdMs: number, notBefore: number): void {
    bucket.spacing = Math.max(bucket.minIntervalMs, holdMs);
    const limiter = this.#store?.up ? bucket.shared : bucket.local;
    if (limiter) void space(limiter, bucket.spacing, notBefore);
    else if (notBefore > Date.now()) void space(this.#limiter(bucket), bucket.spacing, notBefore);
  }

  /** At `at` (plus the margin) the bucket reopens: to `amount` (the window's limit), or to one probe. */
  #scheduleRefill(bucket: Bucket, at: number, amount: number | undefined): void {
    const when = at + this.#options.resetMarginMs;
    if (bucket.timer && bucket.timerAt >= when) return;
    if (bucket.timer) clearTimeout(bucket.timer);
    bucket.timerAt = when;
    bucket.refillAmount = amount;
    bucket.timer = setTimeout(
      () => {
        bucket.timer = undefined;
        bucket.spentUntil = 0;
        void this.#gate(`refill:${bucket.key}:${at}`, 60_000).then((won) => {
          if (!won || this.#closed) return;
          const refill = bucket.refillAmount ?? 1;
          if (bucket.refillAmount === undefined) bucket.mode = 'probe';
          void this.#setReservoir(bucket, refill);
          this.#emit({ type: 'limiter', action: 'refill', bucket: bucket.key, reservoir: refill });
        });
      },
      Math.max(0, Math.min(MAX_TIMER_MS, when - Date.now())),
    );
    bucket.timer.unref?.();
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

  /** Stops every timer and, if calmfetch opened it, the Redis connection. Queued calls are rejected. */
  async close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#sweeper);
    const stops: Promise<unknown>[] = [];
    for (const bucket of this.#buckets.values()) {
      if (bucket.timer) clearTimeout(bucket.timer);
      // Only limiters with calls waiting need stopping (their calls are rejected); the rest hold nothing.
      for (const limiter of [bucket.local, bucket.shared])
        if (limiter && waiting(limiter) > 0)
          stops.push(limiter.stop({ dropWaitingJobs: true }).catch(() => {}));
    }
    if (this.#global) stops.push(this.#global.stop({ dropWaitingJobs: true }).catch(() => {}));
    this.#buckets.clear();
    this.#gates.clear();
    for (const done of this.#submissions.values()) done();
    await Promise.all(stops);
    await this.#opening?.then(
      (store) => store.close(),
      () => {},
    );
  }
}
