/**
 * The one place that loads Bottleneck and the only file that touches its private fields. Written against
 * Bottleneck 2.19.5 exactly (package.json pins it; it has had no release since 2019), and checked field by field
 * by test/scheduler/bottleneck.test.ts: a different build disables the shortcuts here (each falls back to
 * Bottleneck's own path) rather than corrupting a count.
 *
 * Only the `light` build is loaded (no clustering code, no `require` of Redis clients), also with Redis: calls wait
 * in a local limiter in every mode, and Redis holds only the shared count (shared.ts). Nothing here runs before a
 * limiter is made, so a client made at module scope (Cloudflare Workers) creates no timer and draws no random number.
 */
import type Bottleneck from 'bottleneck';
import Light from 'bottleneck/light.js';

/** @internal */
export type Limiter = Bottleneck;
/** @internal */
export type BottleneckClass = typeof Bottleneck;

/**
 * The version every private field below was read from.
 * @internal
 */
export const PINNED_VERSION = '2.19.5';

/** The private parts of a limiter this file relies on (see the guard test, which names each). */
interface Internals {
  readonly datastore?: string;
  readonly _store?: {
    readonly storeOptions?: { reservoir?: number | null; minTime?: number };
    /** When the in-memory store lets the next job start (epoch ms); its register step moves it by `minTime`. */
    _nextRequest?: number;
    yieldLoop?: (t?: number) => Promise<void>;
  };
  /** Jobs per status, in the order RECEIVED, QUEUED, RUNNING, EXECUTING. */
  readonly _states?: { readonly counts?: readonly number[] };
  readonly _scheduled?: Record<string, unknown>;
  readonly _limiter?: unknown;
  _run?: RunMethod;
  readonly _clearGlobalState?: (index: string) => boolean;
  readonly _free?: (index: string, job: Job, ...rest: unknown[]) => unknown;
}
interface Job {
  readonly options: { readonly id: string; readonly expiration?: number | null };
  doRun(): void;
  doExecute(chained: unknown, clear: () => boolean, run: (wait: number) => unknown, free: unknown): unknown;
}
type RunMethod = (this: Bottleneck, index: string, job: Job, wait: number) => unknown;

const internals = (limiter: Bottleneck) => limiter as unknown as Internals;
const pinned = (Light as unknown as { version?: string }).version === PINNED_VERSION;

/**
 * An in-memory limiter from the light build, with the scheduling shortcuts below.
 * @internal
 */
export function localLimiter(options: Bottleneck.ConstructorOptions): Limiter {
  const limiter = new (Light as unknown as BottleneckClass)(options);
  if (pinned) yieldFast(limiter);
  return limiter;
}

/**
 * The fast path: with nothing received or queued in a local limiter and its next start due, takes one unit of
 * its reservoir and moves its next start by `minTime`, exactly as its register step does (same fields, same
 * synchronous update), without its per-job machinery (two locks, transpiled async generators, an event per
 * state change: about 0.2 ms a call). False (queue through Bottleneck) when anything waits, when the window is
 * spent, when spacing is due, when the store is not the in-memory one, or when the build is not the pinned one.
 * @internal
 */
export function takeToken(limiter: Bottleneck, now = Date.now()): boolean {
  if (!pinned) return false;
  const { datastore, _store, _states } = internals(limiter);
  const settings = _store?.storeOptions;
  const counts = _states?.counts;
  if (datastore !== 'local' || settings === undefined || counts === undefined || counts.length < 2)
    return false;
  if (counts[0]! > 0 || counts[1]! > 0) return false;
  const next = _store!._nextRequest;
  if (typeof next !== 'number' || next > now) return false;
  const reservoir = settings.reservoir;
  if (reservoir !== null && reservoir !== undefined) {
    if (!(reservoir >= 1)) return false;
    settings.reservoir = reservoir - 1;
  }
  _store!._nextRequest = now + (settings.minTime ?? 0);
  return true;
}

/**
 * Spaces a bucket: jobs start at least `minTime` apart, the next one not before `notBefore` (epoch ms) and, when
 * the spacing shrinks, no later than `minTime` from now (a spacing that ended does not keep its last gap). Locally
 * both are the store's own fields, set at once so that the fast path and Bottleneck's queue see them together;
 * with Redis only `minTime` is shared (through Bottleneck's public `updateSettings`), which spaces the cluster.
 * @internal
 */
export function space(
  limiter: Bottleneck,
  minTime: number,
  notBefore: number,
  now = Date.now(),
): Promise<void> {
  const store = internals(limiter)._store;
  if (pinned && internals(limiter).datastore === 'local' && store?.storeOptions) {
    store.storeOptions.minTime = minTime;
    const next = store._nextRequest;
    if (typeof next === 'number')
      store._nextRequest = Math.min(Math.max(next, notBefore), Math.max(notBefore, now + minTime));
    return Promise.resolve();
  }
  return settle(limiter.updateSettings({ minTime }));
}

/**
 * Empties a local limiter's reservoir at once and returns what it held (0 when unlimited, or not the pinned build):
 * the units of a lease nobody is waiting for, given back to the shared count.
 * @internal
 */
export function drainReservoir(limiter: Bottleneck): number {
  const settings = internals(limiter)._store?.storeOptions;
  if (!pinned || internals(limiter).datastore !== 'local' || !settings) return 0;
  const reservoir = settings.reservoir;
  if (typeof reservoir !== 'number' || !(reservoir > 0)) return 0;
  settings.reservoir = 0;
  return reservoir;
}

/**
 * Adds units to the reservoir (a lease); Bottleneck starts the calls they allow.
 * @internal
 */
export function addReservoir(limiter: Bottleneck, units: number): Promise<void> {
  return settle(limiter.incrementReservoir(units));
}

/**
 * Sets the reservoir (null: unlimited). Bottleneck's typings say updateSettings returns the limiter; it returns a promise.
 * @internal
 */
export function setReservoir(limiter: Bottleneck, reservoir: number | null): Promise<void> {
  return settle(limiter.updateSettings({ reservoir }));
}

const settle = (value: unknown) =>
  Promise.resolve(value).then(
    () => {},
    () => {},
  );

/** Calls waiting in the limiter (received, queued, or scheduled and not yet started). */
export function waiting(limiter: Bottleneck): number {
  const c = limiter.counts();
  return c.RECEIVED + c.QUEUED + c.RUNNING;
}

const soon: (fn: () => void) => void =
  typeof setImmediate === 'function' ? (fn) => setImmediate(fn) : (fn) => setTimeout(fn, 0);

/**
 * Bottleneck starts every job through `setTimeout(execute, wait)`, also when `wait` is 0 — at least 1 ms in
 * Node. For a job due now (and without an `expiration`), this does what its `_run` does but starts the job from
 * `setImmediate`; when `stop()` dropped the job in between, the job is no longer RUNNING and nothing starts.
 *
 * Its in-memory store also yields to the event loop before every operation with `setTimeout(resolve, 0)`, so a
 * limiter registered at most about one job per millisecond, in series (measured: 3.5 ms per call, 413 calls/s at
 * concurrency 64). Resolving at once keeps the same order without the timer's minimum.
 * @internal
 */
export function yieldFast(limiter: Bottleneck): void {
  const target = internals(limiter);
  const run = target._run;
  if (typeof run === 'function') {
    target._run = function (this: Bottleneck, index, job, wait) {
      if (wait !== 0 || job.options.expiration != null) return run.call(this, index, job, wait);
      const self = internals(this);
      job.doRun();
      const clear = () => self._clearGlobalState!.call(this, index);
      const again = (next: number) => self._run!.call(this, index, job, next);
      const free = (self._free as (...args: unknown[]) => unknown).bind(this, index, job);
      const entry = { timeout: undefined, expiration: undefined, job };
      (self._scheduled as Record<string, unknown>)[index] = entry;
      soon(() => {
        if (this.jobStatus(job.options.id) !== 'RUNNING') return;
        void job.doExecute(self._limiter, clear, again, free);
      });
      return entry;
    };
  }
  const store = target._store;
  if (typeof store?.yieldLoop !== 'function') return; // the Redis store does not yield this way
  store.yieldLoop = (t = 0) =>
    t > 0 ? new Promise<void>((resolve) => setTimeout(resolve, t)) : Promise.resolve();
}

/**
 * What of the above is missing or shaped differently on `limiter`, by field name (empty: all present). The
 * guard test runs it on a fresh light-build limiter and on a full-build one.
 * @internal
 */
export function missingInternals(limiter: Bottleneck): string[] {
  const t = internals(limiter);
  const missing: string[] = [];
  const want = (ok: boolean, name: string) => ok || missing.push(name);
  want((Light as unknown as { version?: string }).version === PINNED_VERSION, `version ${PINNED_VERSION}`);
  want(t.datastore === 'local', 'datastore');
  want(typeof t._run === 'function', '_run');
  want(typeof t._clearGlobalState === 'function', '_clearGlobalState');
  want(typeof t._free === 'function', '_free');
  want(typeof t._scheduled === 'object' && t._scheduled !== null, '_scheduled');
  want('_limiter' in (t as object), '_limiter');
  want(Array.isArray(t._states?.counts) && t._states.counts.length === 4, '_states.counts');
  want(typeof t._store?.storeOptions === 'object', '_store.storeOptions');
  want(typeof t._store?.storeOptions?.minTime === 'number', '_store.storeOptions.minTime');
  want('reservoir' in (t._store?.storeOptions ?? {}), '_store.storeOptions.reservoir');
  want(typeof t._store?._nextRequest === 'number', '_store._nextRequest');
  want(typeof t._store?.yieldLoop === 'function', '_store.yieldLoop');
  return missing;
}
