import type Bottleneck from 'bottleneck';
import { type BottleneckClass, loadClustered } from './bottleneck.ts';

/** An ioredis client, as far as calmfetch uses one (so that ioredis stays an optional peer at the type level). */
export interface RedisClientLike {
  readonly status: string;
  set(key: string, value: string, px: 'PX', ttl: number, nx: 'NX'): Promise<'OK' | null>;
  on(event: string, listener: (...args: unknown[]) => void): unknown;
  duplicate(): unknown;
  quit(): Promise<unknown>;
  disconnect(): void;
  connect?(): Promise<unknown>;
}

export interface RedisOption {
  /** An ioredis client you own: calmfetch duplicates it for pub/sub and never closes it. */
  readonly client?: RedisClientLike;
  /** ioredis options (host, port, …): calmfetch opens the connection and closes it on `client.close()`. */
  readonly options?: Readonly<Record<string, unknown>>;
}

/**
 * The shared store behind the clustered limiter: Bottleneck's ioredis connection plus calmfetch's bookkeeping.
 * @internal
 */
export interface RedisStore {
  /** The full Bottleneck build, whose limiters use this store. */
  readonly Bottleneck: BottleneckClass;
  readonly connection: Bottleneck.IORedisConnection;
  /** Whether Redis answers now. */
  readonly up: boolean;
  /** True once the first connection succeeded or was given up on: from then on no call waits for Redis. */
  readonly settled: boolean;
  /**
   * Waits (at most `timeoutMs`) for the first connection; resolves whether Redis is up. When the first wait runs
   * out, the store is declared down once (status listeners hear it) and later calls do not wait again; the
   * client keeps reconnecting in the background, and its first success is reported as a recovery.
   */
  ready(timeoutMs: number): Promise<boolean>;
  onStatus(listener: (up: boolean, reason: string) => void): void;
  /** Calls `listener` when Redis goes away; returns the unsubscribe function. */
  onDown(listener: () => void): () => void;
  /** SET NX PX with a bounded wait: true for the first caller, false after, undefined when Redis did not answer. */
  once(key: string, ttlMs: number, timeoutMs: number): Promise<boolean | undefined>;
  /** Silences every listener, then closes what calmfetch opened: no event and no handle after it resolves. */
  close(): Promise<void>;
}

/**
 * How often a store that is down tries Redis again (its own client gives up after one try; see openRedisStore).
 * @internal
 */
export const PROBE_MS = 1000;

/** `promise`, or undefined after `ms`. `keepAlive`: a call waits on it, and a waiting call keeps the process up. */
function withTimeout<T>(promise: Promise<T>, ms: number, keepAlive = false): Promise<T | undefined> {
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

/** Bottleneck's connection fields calmfetch reads (public in its JavaScript, absent from its typings). */
interface ConnectionFields {
  readonly client: RedisClientLike;
  readonly subscriber?: RedisClientLike;
  readonly ready: Promise<unknown>;
}

/**
 * The error for `rateLimit.redis` without ioredis installed: it names the option and the package to install, not
 * Bottleneck's bare `Cannot find module 'ioredis'`.
 */
function missingIoredis(error: unknown): Error | undefined {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  if (code !== 'MODULE_NOT_FOUND' || !String(message).includes("'ioredis'")) return undefined;
  return new Error(
    '`rateLimit.redis` needs the ioredis package (an optional peer dependency of calmfetch), which is not installed: run `npm i ioredis`',
    { cause: error },
  );
}

/**
 * Checks up front, where the platform can tell without loading anything (Node's module resolver, reached through
 * `process.getBuiltinModule`: no static `node:` import), that ioredis can be found; `createClient` calls it, so a
 * missing package fails there, naming the option. Elsewhere the first call reports it.
 * @internal
 */
export function assertIoredis(): void {
  type ModuleApi = { createRequire(url: string): { resolve(id: string): string } };
  const process = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const module = process?.getBuiltinModule?.('node:module') as ModuleApi | undefined;
  if (!module) return;
  try {
    module.createRequire(import.meta.url).resolve('ioredis');
  } catch (error) {
    throw missingIoredis(error) ?? error;
  }
}

/**
 * Opens the shared store, loading Bottleneck's full build (only Redis needs it). Never waits for Redis: the
 * limiter asks `ready()` with its own bound. With `options`, Bottleneck loads ioredis itself (an optional peer).
 * @internal
 */
export async function openRedisStore(option: RedisOption): Promise<RedisStore> {
  const Full = await loadClustered();
  const owned = option.client === undefined;
  // A connection calmfetch owns does not reconnect on its own: ioredis's reconnect timer would keep the process
  // alive. An unref'd probe (below) tries again instead. A retryStrategy given in the options is kept.
  const probing = owned && option.options?.retryStrategy === undefined;
  let connection: Bottleneck.IORedisConnection;
  try {
    connection = option.client
      ? new Full.IORedisConnection({ client: option.client as never })
      : new Full.IORedisConnection({
          clientOptions: {
            maxRetriesPerRequest: 1,
            enableOfflineQueue: false,
            ...(probing && { retryStrategy: () => null }),
            ...option.options,
          } as never,
        });
  } catch (error) {
    throw missingIoredis(error) ?? error;
  }
  // Bottleneck's connection emits its clients' errors; without a listener they would crash the process.
  connection.on('error', () => {});
  const fields = connection as unknown as ConnectionFields;
  const client = fields.client;
  let statusListeners: ((up: boolean, reason: string) => void)[] = [];
  const downListeners = new Set<() => void>();
  let up = client.status === 'ready';
  let everUp = up;
  /** The first connection was given up on: its eventual success is a recovery. */
  let declaredDown = false;
  let closed = false;
  let lastError = 'connection closed';
  let probe: ReturnType<typeof setInterval> | undefined;
  const clients = () => [client, fields.subscriber].filter((c): c is RedisClientLike => c !== undefined);
  const startProbe = () => {
    if (!probing || probe || closed) return;
    probe = setInterval(() => {
      const all = clients();
      // Both the command client and Bottleneck's subscriber: the probe ends once both are back.
      if (all.every((c) => c.status === 'ready')) stopProbe();
      else for (const c of all) if (c.status === 'end') c.connect?.().catch(() => {});
    }, PROBE_MS);
    probe.unref?.();
  };
  const stopProbe = () => {
    clearInterval(probe);
    probe = undefined;
  };
  const report = (next: boolean) => {
    if (!next) startProbe();
    for (const listener of statusListeners)
      listener(next, next ? 'ready' : `Redis unavailable: ${lastError}`);
    if (!next) for (const listener of [...downListeners]) listener();
  };
  const setUp = (next: boolean) => {
    if (closed || next === up) return;
    const first = next && !everUp && !declaredDown;
    up = next;
    if (next) everUp = true;
    // The first connection is no recovery: only a return after an outage (or a given-up start) is reported.
    if (first) return;
    if (!next && !everUp) return; // still not connected: already reported when it was given up on
    report(next);
  };
  client.on('ready', () => setUp(true));
  client.on('error', (error) => {
    lastError = (error as { code?: string; message?: string })?.code ?? 'error';
    setUp(false);
  });
  client.on('close', () => setUp(false));
  client.on('end', () => setUp(false));

  return {
    Bottleneck: Full,
    connection,
    get up() {
      return up;
    },
    get settled() {
      return everUp || declaredDown;
    },
    async ready(timeoutMs) {
      if (up || everUp || declaredDown) return up;
      await withTimeout(fields.ready, timeoutMs, true);
      if (!up && !everUp && !declaredDown && !closed) {
        declaredDown = true;
        if (lastError === 'connection closed') lastError = `no answer within ${timeoutMs} ms`;
        report(false);
      }
      return up;
    },
    onStatus(listener) {
      statusListeners.push(listener);
    },
    onDown(listener) {
      downListeners.add(listener);
      return () => downListeners.delete(listener);
    },
    async once(key, ttlMs, timeoutMs) {
      const answer = await withTimeout(client.set(key, '1', 'PX', Math.ceil(ttlMs), 'NX'), timeoutMs);
      return answer === undefined ? undefined : answer === 'OK';
    },
    async close() {
      closed = true;
      stopProbe();
      statusListeners = [];
      downListeners.clear();
      if (owned) {
        // QUIT waits for replies, but cannot be sent while disconnected (no offline queue): ioredis would keep
        // reconnecting. Disconnecting stops that at once.
        if (up) await withTimeout(connection.disconnect(true), 1000);
        await connection.disconnect(false);
      } else {
        // The user's client stays open; only our duplicate subscriber goes.
        fields.subscriber?.disconnect();
      }
    },
  };
}
