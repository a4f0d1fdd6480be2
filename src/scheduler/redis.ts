import Bottleneck from 'bottleneck';

/** An ioredis client, as far as calmfetch uses one (so that ioredis stays an optional peer at the type level). */
export interface RedisClientLike {
  readonly status: string;
  set(key: string, value: string, px: 'PX', ttl: number, nx: 'NX'): Promise<'OK' | null>;
  on(event: string, listener: (...args: unknown[]) => void): unknown;
  duplicate(): unknown;
  quit(): Promise<unknown>;
  disconnect(): void;
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
  readonly connection: Bottleneck.IORedisConnection;
  /** Whether Redis answers now. */
  readonly up: boolean;
  /** Waits (at most `timeoutMs`) for the first connection; resolves whether Redis is up. */
  ready(timeoutMs: number): Promise<boolean>;
  onStatus(listener: (up: boolean, reason: string) => void): void;
  /** Calls `listener` when Redis goes away; returns the unsubscribe function. */
  onDown(listener: () => void): () => void;
  /** SET NX PX with a bounded wait: true for the first caller, false after, undefined when Redis did not answer. */
  once(key: string, ttlMs: number, timeoutMs: number): Promise<boolean | undefined>;
  close(): Promise<void>;
}

/**
 * Bottleneck's ioredis connection. Bottleneck requires ioredis itself; when it is not installed, the error names
 * the option that needs it and the package to install, not Bottleneck's bare `Cannot find module 'ioredis'`.
 */
function connect(option: RedisOption): Bottleneck.IORedisConnection {
  try {
    return option.client
      ? new Bottleneck.IORedisConnection({ client: option.client as never })
      : new Bottleneck.IORedisConnection({
          clientOptions: { maxRetriesPerRequest: 1, enableOfflineQueue: false, ...option.options } as never,
        });
  } catch (error) {
    const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
    if (code === 'MODULE_NOT_FOUND' && String(message).includes("'ioredis'")) {
      throw new Error(
        '`rateLimit.redis` needs the ioredis package (an optional peer dependency of calmfetch), which is not installed: run `npm i ioredis`',
        { cause: error },
      );
    }
    throw error;
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(undefined), ms);
    timer.unref?.();
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

/**
 * Opens the shared store. Never waits for Redis: the limiter asks `ready()` with its own bound. With `options`,
 * Bottleneck loads ioredis itself (an optional peer dependency of calmfetch).
 * @internal
 */
export function openRedisStore(option: RedisOption): RedisStore {
  const owned = option.client === undefined;
  const connection = connect(option);
  // Bottleneck's connection emits its clients' errors; without a listener they would crash the process.
  connection.on('error', () => {});
  const client = (connection as unknown as { client: RedisClientLike }).client;
  const statusListeners: ((up: boolean, reason: string) => void)[] = [];
  const downListeners = new Set<() => void>();
  let up = client.status === 'ready';
  let everUp = up;
  let lastError = 'connection closed';
  const setUp = (next: boolean) => {
    if (next === up) return;
    const first = next && !everUp;
    up = next;
    if (next) everUp = true;
    // The first connection is no recovery: only a return after an outage is reported.
    if (first) return;
    for (const listener of statusListeners)
      listener(next, next ? 'ready' : `Redis unavailable: ${lastError}`);
    if (!next) for (const listener of [...downListeners]) listener();
  };
  client.on('ready', () => setUp(true));
  client.on('error', (error) => {
    lastError = (error as { code?: string; message?: string })?.code ?? 'error';
    setUp(false);
  });
  client.on('close', () => setUp(false));
  client.on('end', () => setUp(false));

  return {
    connection,
    get up() {
      return up;
    },
    async ready(timeoutMs) {
      if (up || everUp) return up;
      // A promise property at run time (the typings call it a method).
      await withTimeout((connection as unknown as { ready: Promise<unknown> }).ready, timeoutMs);
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
      if (owned) {
        await withTimeout(connection.disconnect(true), 1000);
      } else {
        // The user's client stays open; only our duplicate subscriber goes.
        const subscriber = (connection as unknown as { subscriber?: RedisClientLike }).subscriber;
        subscriber?.disconnect();
      }
    },
  };
}
