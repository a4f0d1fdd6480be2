// The Redis connection of the clustered limiter, loaded only when `rateLimit.redis` is set (see cluster.ts).
import { missingIoredis, type RedisClientLike, type RedisOption } from './redis.ts';

/**
 * The connection behind the clustered limiter, as one small state machine: `open` (the first connection not yet
 * made or given up on) → `up` ⇄ `down` → `closed`. Nothing is reported after `closed`, and no handle is left.
 * @internal
 */
export interface RedisStore {
  /** Whether Redis answers now. */
  readonly up: boolean;
  /** True once the first connection succeeded or was given up on: from then on no call waits for Redis. */
  readonly settled: boolean;
  /**
   * Waits (at most `timeoutMs`) for the first connection; resolves whether Redis is up. When the first wait runs
   * out, the store is declared down once (the status listener hears it) and later calls do not wait again; the
   * connection is tried again in the background, and its first success is reported as a recovery.
   */
  ready(timeoutMs: number): Promise<boolean>;
  /** Runs a Lua script (EVALSHA, then EVAL once if Redis does not know it yet, as after a restart). */
  /** Runs the script; rejects with a RedisNoAnswer when Redis does not answer within the store's `timeoutMs`. */
  run(script: Script, key: string, args: readonly (string | number)[]): Promise<unknown>;
  /**
   * Declares Redis unavailable although its socket may be open (it stopped answering, or every script fails): the
   * status listener hears it once, and a health check (an unref'd timer, backing off from 1 s to 30 s while Redis
   * keeps failing soon after each recovery) reports it back when it answers again.
   */
  fail(reason: string): void;
  /** Removes every listener calmfetch put on the connection, then closes what calmfetch opened. */
  close(): Promise<void>;
}

/** @internal */
export interface Script {
  readonly lua: string;
  readonly sha: string;
}

/**
 * Redis did not answer a script within `rateLimit.redis.timeoutMs`.
 * @internal
 */
export class RedisNoAnswer extends Error {
  constructor(ms: number) {
    super(`no answer within ${ms} ms`);
    this.name = 'RedisNoAnswer';
  }
}
/** The health check's longest wait for an answer, and its longest interval while Redis keeps failing. */
const MAX_CHECK_MS = 5000;
const MAX_HEALTH_MS = 30_000;
/** Up this long, a new failure starts the health check from 1 s again. */
const STEADY_MS = 30_000;

/**
 * How often a connection calmfetch opened tries Redis again while it is down (an unref'd timer).
 * @internal
 */
export const PROBE_MS = 1000;

/**
 * `promise`, or undefined after `ms` (an unref'd timer unless `keepAlive`: a call waits on it).
 * @internal
 */
export function withTimeout<T>(promise: Promise<T>, ms: number, keepAlive = false): Promise<T | undefined> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(undefined), ms);
    if (!keepAlive) timer.unref?.();
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      () => {
        clearTimeout(timer);
        resolve(undefined);
      },
    );
  });
}

type RedisConstructor = new (options: Record<string, unknown>) => RedisClientLike;

/** ioredis, loaded only when calmfetch opens the connection (a variable specifier: bundlers leave it alone). */
async function loadIoredis(): Promise<RedisConstructor> {
  const specifier = 'ioredis';
  try {
    const m = (await import(/* webpackIgnore: true */ /* @vite-ignore */ specifier)) as {
      Redis?: RedisConstructor;
      default?: RedisConstructor;
    };
    return (m.Redis ?? m.default) as RedisConstructor;
  } catch (error) {
    throw missingIoredis(error) ?? error;
  }
}

const isNoScript = (error: unknown) =>
  String((error as { message?: unknown })?.message).startsWith('NOSCRIPT');

/**
 * Opens the store. Never waits for Redis: the limiter asks `ready()` with its own bound. `onStatus` hears every
 * change after the first connection (down, and up again), never after `close()`.
 * @internal
 */
export async function openRedisStore(
  option: RedisOption,
  onStatus: (up: boolean, reason: string) => void,
  timeoutMs = Number.POSITIVE_INFINITY,
): Promise<RedisStore> {
  const owned = option.client === undefined;
  // A connection calmfetch owns does not reconnect on its own (ioredis's reconnect timer would keep the process
  // alive, issue 19 case 3): an unref'd probe tries again instead. A retryStrategy given in the options is kept.
  const probing = owned && option.options?.retryStrategy === undefined;
  const client: RedisClientLike =
    option.client ??
    new (await loadIoredis())({
      maxRetriesPerRequest: 1,
      enableOfflineQueue: false,
      ...(probing && { retryStrategy: () => null }),
      ...option.options,
    });
  let up = client.status === 'ready';
  let everUp = up;
  /** The first connection was given up on: its eventual success is a recovery. */
  let declaredDown = false;
  let closed = false;
  let lastError = 'connection closed';
  let probe: ReturnType<typeof setInterval> | undefined;
  let firstReady: (() => void) | undefined;
  const readyOnce = new Promise<void>((resolve) => {
    firstReady = resolve;
  });
  const stopProbe = () => {
    clearInterval(probe);
    probe = undefined;
  };
  const startProbe = () => {
    if (!probing || probe || closed) return;
    probe = setInterval(() => {
      if (client.status === 'ready') stopProbe();
      else if (client.status === 'end') client.connect?.().catch(() => {});
    }, PROBE_MS);
    probe.unref?.();
  };
  /** Down by fail(): the socket may be open, so no `ready` event will say it is back; the health check does. */
  let failed = false;
  let health: ReturnType<typeof setTimeout> | undefined;
  let healthMs = PROBE_MS / 2;
  let upAt = 0;
  const stopHealth = () => {
    clearTimeout(health);
    health = undefined;
  };
  const checkHealth = () => {
    if (closed || !failed || health) return;
    health = setTimeout(async () => {
      health = undefined;
      if (closed || !failed) return;
      // A closed socket reports itself back with `ready`; an open one must answer a trivial script in time.
      const answered =
        client.status === 'ready' &&
        (await withTimeout(
          client.eval('return 1', 0).then(
            () => true,
            () => false,
          ),
          Math.min(timeoutMs, MAX_CHECK_MS),
        ));
      if (closed || !failed) return;
      if (answered) {
        failed = false;
        setUp(true);
      } else checkHealth();
    }, healthMs);
    health.unref?.();
  };
  const report = (next: boolean) => {
    if (!next) startProbe();
    onStatus(next, next ? 'ready' : `Redis unavailable: ${lastError}`);
  };
  const setUp = (next: boolean) => {
    if (closed || next === up) return;
    const first = next && !everUp && !declaredDown;
    up = next;
    if (next) {
      upAt = Date.now();
      failed = false;
      stopHealth();
      everUp = true;
      firstReady?.();
    }
    if (first) return; // the first connection is no recovery
    if (!next && !everUp) return; // still not connected: reported when it was given up on
    report(next);
  };
  const listeners: [string, (...args: unknown[]) => void][] = [
    ['ready', () => setUp(true)],
    [
      'error',
      (error) => {
        lastError = (error as { code?: string })?.code ?? 'error';
        setUp(false);
      },
    ],
    ['close', () => setUp(false)],
    ['end', () => setUp(false)],
  ];
  for (const [event, listener] of listeners) client.on(event, listener);
  if (owned && !up && client.status === 'end') startProbe();

  return {
    get up() {
      return up;
    },
    get settled() {
      return everUp || declaredDown;
    },
    async ready(timeoutMs) {
      if (up || everUp || declaredDown) return up;
      await withTimeout(readyOnce, timeoutMs, true);
      if (!up && !everUp && !declaredDown && !closed) {
        declaredDown = true;
        if (lastError === 'connection closed') lastError = `no answer within ${timeoutMs} ms`;
        report(false);
      }
      return up;
    },
    async run(script, key, args) {
      const send = async () => {
        try {
          return { value: await client.evalsha(script.sha, 1, key, ...args) };
        } catch (error) {
          if (!isNoScript(error)) throw error;
          return { value: await client.eval(script.lua, 1, key, ...args) };
        }
      };
      // Bounded like every Redis wait: a frozen Redis (or a black-holed network) keeps the socket open and answers
      // nothing, and ioredis waits for ever.
      if (!Number.isFinite(timeoutMs)) return (await send()).value;
      const answer = await withTimeout(send(), timeoutMs);
      if (answer === undefined) throw new RedisNoAnswer(timeoutMs);
      return answer.value;
    },
    fail(reason) {
      if (closed || !up) return;
      // Failing again soon after a recovery (an error at a key, a full memory): check less and less often.
      healthMs = Date.now() - upAt < STEADY_MS ? Math.min(MAX_HEALTH_MS, healthMs * 2) : PROBE_MS;
      lastError = reason;
      failed = true;
      setUp(false);
      checkHealth();
    },
    async close() {
      if (closed) return;
      closed = true;
      stopProbe();
      stopHealth();
      firstReady?.();
      for (const [event, listener] of listeners) client.removeListener(event, listener);
      if (!owned) return; // the user's client stays open, with nothing of ours on it
      // Errors after close must not crash the process (ioredis emits them with no listener left).
      client.on('error', () => {});
      // QUIT needs a writable socket (no offline queue): while Redis is down, disconnect at once.
      if (client.status === 'ready') await withTimeout(client.quit(), 1000);
      client.disconnect();
    },
  };
}
