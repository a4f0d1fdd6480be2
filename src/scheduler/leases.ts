import { addReservoir, drainReservoir, setReservoir } from './bottleneck.ts';
import type { Bucket, Lease } from './buckets.ts';
import type { SharedCount } from './shared.ts';
import type { SharedWindow } from './windows.ts';

/**
 * The most units one take asks for. A lease covers the calls the bucket has in motion (queued and in flight): at
 * concurrency 64 one round trip feeds about 64 calls, while a quiet bucket asks for one unit at a time.
 * @internal
 */
export const MAX_LEASE = 256;
/**
 * A bucket leases ahead of its waiting calls only while the window's last known count is at least this many times
 * what every process could ask for at once (processes seen × the calls this one has in motion).
 * @internal
 */
export const AHEAD_FACTOR = 4;
/** The first poll while another process's probe has not answered; it doubles up to POLL_MAX_MS. */
const POLL_MIN_MS = 50;
const POLL_MAX_MS = 1000;

/**
 * What the leases need from the limiter around them.
 * @internal
 */
export interface LeaseHost {
  readonly resetMarginMs: number;
  /** The shared count while Redis is up; undefined while it is down, and after close(). */
  shared(): SharedCount | undefined;
  closed(): boolean;
  /** `rateLimit.redis.timeoutMs`: how long takes may keep failing before Redis counts as unavailable. */
  readonly timeoutMs?: number;
  /** Redis answers, but with errors (or not in time): fall back as when it goes away. */
  unavailable?(reason: string): void;
}

/** @internal */
export function newLease(key: string): Lease {
  return {
    key,
    pending: false,
    timer: undefined,
    pollMs: POLL_MIN_MS,
    window: '',
    left: Number.POSITIVE_INFINITY,
    taken: 0,
    grantedAt: 0,
    grantedReset: 0,
    processes: 1,
    fill: undefined,
    debit: 0,
    probing: false,
  };
}

/**
 * Feeds each bucket's local reservoir from the shared count in Redis: when calls wait and the reservoir is dry, one
 * take leases units for them; an idle bucket sends nothing. Calls never leave their bucket's local limiter, so a
 * Redis that goes or comes back strands none: only where the units come from changes.
 * @internal
 */
export class Leases {
  readonly #host: LeaseHost;
  /** Bumped on every change of the connection: an answer from before it is ignored (its units die with the key). */
  #epoch = 0;

  constructor(host: LeaseHost) {
    this.#host = host;
  }

  /** Takes units for the bucket's waiting calls, unless a take is on its way or due at a set time. */
  feed(bucket: Bucket): void {
    const lease = bucket.lease;
    if (!lease || lease.pending || lease.timer || bucket.waiting === 0 || !bucket.local) return;
    if (bucket.mode === 'unlimited') return;
    const shared = this.#host.shared();
    if (!shared || this.#host.closed()) return;
    // Ahead of need (units for as many calls again as are in flight, so that a busy bucket's next calls need no round
    // trip) only while the window has plenty for every process: units leased ahead and still unused at the window's
    // end are lost to the whole cluster with it (measured: windows served 37–39 of 40 at N = 4 with the lookahead
    // always on, so the last calls spilled into one more window).
    const ahead =
      lease.left >= AHEAD_FACTOR * lease.processes * (bucket.waiting + bucket.inflight) ? bucket.inflight : 0;
    // At most a fair share of the window per take, once several processes share it: one busy process taking the
    // whole window in one take made light ones wait a window or more (attack: 1 process at concurrency 64 and 7 at
    // 1, 40 per 4 s: the light ones took 20 s; with the cap 5–9 s, the busy one 21 s instead of 20, 0 429s).
    const fair =
      bucket.limit !== undefined && lease.processes > 1
        ? Math.max(1, Math.floor(bucket.limit / lease.processes))
        : MAX_LEASE;
    const want = Math.min(MAX_LEASE, fair, bucket.waiting + ahead);
    const { debit, window } = lease;
    const epoch = this.#epoch;
    lease.pending = true;
    shared.take(lease.key, want, lease.fill ?? 1, debit, window, bucket.spacing).then(
      (grant) => {
        lease.pending = false;
        if (epoch !== this.#epoch || this.#host.closed()) return;
        lease.failingSince = undefined;
        lease.debit -= debit;
        if (grant.granted < 0) {
          bucket.mode = 'unlimited';
          void setReservoir(bucket.local!, null);
          return;
        }
        // The most seen, not the last: early in a window only the first few processes have taken from it yet.
        lease.processes = Math.max(lease.processes, grant.processes);
        lease.left = grant.remaining;
        lease.probing = grant.probing;
        const now = Date.now();
        if (grant.granted > 0) {
          lease.taken = grant.id === lease.window ? lease.taken + grant.granted : grant.granted;
          lease.window = grant.id;
          lease.grantedAt = now;
          lease.grantedReset = grant.reset;
          lease.pollMs = POLL_MIN_MS;
          void addReservoir(bucket.local!, grant.granted);
        }
        if (bucket.waiting <= grant.granted) return;
        if (grant.remaining > 0 && grant.holdUntil <= now) return this.feed(bucket);
        let at: number;
        if (grant.holdUntil > now) at = grant.holdUntil;
        else if (!grant.probing && grant.reset > now) at = grant.reset + this.#host.resetMarginMs;
        else {
          at = now + lease.pollMs;
          lease.pollMs = Math.min(POLL_MAX_MS, lease.pollMs * 2);
        }
        this.#wake(bucket, at - now);
      },
      (error: unknown) => {
        lease.pending = false;
        // Redis refused or the connection dropped: while it still counts as up, try again shortly; once it is
        // down, the fallback share feeds the bucket (down()). No answer in time, or errors for longer than
        // timeoutMs (a wrong-type key, a full memory, a read-only replica), count as down: the calls waiting here
        // must not wait for retry.maxWaitMs on a Redis that will not grant.
        if (epoch !== this.#epoch || this.#host.closed()) return;
        const now = Date.now();
        lease.failingSince ??= now;
        const noAnswer = error instanceof Error && error.name === 'RedisNoAnswer';
        if (this.#host.unavailable && (noAnswer || now - lease.failingSince >= (this.#host.timeoutMs ?? 0))) {
          lease.failingSince = undefined;
          const reason = noAnswer ? error.message : `Redis error: ${errorCode(error)}`;
          this.#host.unavailable(reason);
          if (epoch !== this.#epoch) return; // down() fed the bucket its share
        }
        this.#wake(bucket, lease.pollMs);
        lease.pollMs = Math.min(POLL_MAX_MS, lease.pollMs * 2);
      },
    );
  }

  #wake(bucket: Bucket, ms: number): void {
    const lease = bucket.lease!;
    if (lease.timer) clearTimeout(lease.timer);
    // Unref'd: a waiting call keeps the process alive on its own (its queue bound).
    lease.timer = setTimeout(
      () => {
        lease.timer = undefined;
        this.feed(bucket);
      },
      Math.max(1, ms),
    );
    lease.timer.unref?.();
  }

  /** The bucket's shared count as the window rules see it, while Redis is up. */
  window(bucket: Bucket): SharedWindow | undefined {
    const lease = bucket.lease;
    const shared = this.#host.shared();
    if (!lease || !shared) return undefined;
    const key = lease.key;
    // After a change, the calls waiting here may lease at once (a probe answered, a hold ended).
    const then = (sent: Promise<unknown>) => void sent.then(() => this.feed(bucket)).catch(() => {});
    return {
      get left() {
        return lease.left;
      },
      get probing() {
        return lease.probing;
      },
      learn: (reset, remaining, others) => {
        lease.left = Math.max(0, remaining - others);
        lease.probing = false;
        then(shared.learn(key, reset, remaining, others, reset + this.#host.resetMarginMs));
      },
      hold: (until) => then(shared.hold(key, until)),
      giveBack: (units) => {
        if (lease.window !== '') then(shared.give(key, lease.window, units));
      },
      unlimited: () => then(shared.unlimited(key)),
      reopened: (fill, at) => this.reopened(bucket, fill, at),
    };
  }

  /** Nothing queued and nothing in flight: give what the reservoir holds back to the window it came from. */
  quiet(bucket: Bucket): void {
    const lease = bucket.lease;
    const shared = this.#host.shared();
    if (!lease || !shared || !bucket.local || bucket.mode === 'unlimited' || lease.window === '') return;
    const units = drainReservoir(bucket.local);
    if (units > 0) shared.give(lease.key, lease.window, units).catch(() => {});
  }

  /**
   * The bucket's window reopened at `at` (its reset plus the margin, when its key expired): what is left of the old
   * lease is no longer the bucket's. A lease granted since came from the new window: it stays.
   */
  reopened(bucket: Bucket, fill: number | undefined, at: number): void {
    const lease = bucket.lease;
    if (!lease || !bucket.local) return;
    lease.fill = fill;
    // Granted from a window with a later reset than the one that ended (another process's answer from across X's
    // reset opened it in Redis before this process's refill): those units belong to the new window; dropping them
    // lost them to the whole cluster (a window served 28 of 30).
    if (lease.grantedAt >= at || lease.grantedReset > at - this.#host.resetMarginMs) return;
    lease.debit = 0;
    lease.taken = 0;
    lease.left = fill ?? Number.POSITIVE_INFINITY;
    void setReservoir(bucket.local, 0).then(() => this.feed(bucket));
  }

  /**
   * Redis went away: every bucket keeps its leased units and adds its share of what was left in the window: the
   * count at its last answer split across the processes seen in the window, and no more than its share of the
   * whole window less what it took already (the counts other processes last saw were lower: each process's own
   * count is stale, the share of the limit is not). A bucket that knew nothing probes.
   */
  down(buckets: Iterable<Bucket>, now: number): void {
    this.#epoch++;
    for (const bucket of buckets) {
      const lease = bucket.lease;
      if (!lease || !bucket.local || bucket.mode === 'unlimited') continue;
      if (lease.timer) clearTimeout(lease.timer);
      lease.timer = undefined;
      lease.pending = false;
      if (bucket.spentUntil > now) continue; // held: the refill timer reopens it
      if (bucket.mode === 'tracked' && (Number.isFinite(lease.left) || bucket.limit !== undefined)) {
        let share = Math.floor(lease.left / lease.processes);
        if (bucket.limit !== undefined)
          share = Math.min(share, Math.floor(bucket.limit / lease.processes) - lease.taken);
        if (share > 0) void addReservoir(bucket.local, share);
      } else if (bucket.inflight === 0) {
        void setReservoir(bucket.local, 1);
      }
    }
  }

  /**
   * Redis is back: the units of the local share are dropped (those used are taken off the window, if Redis still
   * has it), and the waiting calls lease from the shared count again; a window Redis lost is found by one probe.
   */
  up(buckets: Iterable<Bucket>): void {
    this.#epoch++;
    for (const bucket of buckets) {
      const lease = bucket.lease;
      if (!lease || !bucket.local) continue;
      lease.fill = undefined;
      lease.pollMs = POLL_MIN_MS;
      lease.left = Number.POSITIVE_INFINITY;
      lease.failingSince = undefined;
      if (bucket.mode === 'unlimited') continue;
      // Held (a 429, a window known spent): no take before the refill timer reopens it, as in down().
      if (bucket.spentUntil > Date.now()) {
        void setReservoir(bucket.local, 0);
        continue;
      }
      void setReservoir(bucket.local, 0).then(() => this.feed(bucket));
    }
  }

  /** A call ran while Redis was down: the shared window is told when it comes back. */
  usedWhileDown(bucket: Bucket): void {
    if (bucket.lease && bucket.mode !== 'unlimited') bucket.lease.debit++;
  }

  /** Stops every lease timer (close(), reset()); answers still on their way are ignored. */
  stop(buckets: Iterable<Bucket>): void {
    this.#epoch++;
    for (const bucket of buckets) {
      const lease = bucket.lease;
      if (!lease) continue;
      if (lease.timer) clearTimeout(lease.timer);
      lease.timer = undefined;
    }
  }
}

/** The first word of a Redis error (`WRONGTYPE`, `OOM`, `READONLY`, …): never the command or its arguments. */
function errorCode(error: unknown): string {
  const message = error instanceof Error ? error.message : '';
  return /^[A-Z][A-Z_-]{1,30}\b/.exec(message)?.[0] ?? (error instanceof Error ? error.name : 'error');
}
