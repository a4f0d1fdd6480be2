/** An ioredis client, as far as calmfetch uses one (so that ioredis stays an optional peer at the type level). */
export interface RedisClientLike {
  readonly status: string;
  evalsha(sha: string, keys: number, ...args: (string | number)[]): Promise<unknown>;
  eval(script: string, keys: number, ...args: (string | number)[]): Promise<unknown>;
  on(event: string, listener: (...args: unknown[]) => void): unknown;
  removeListener(event: string, listener: (...args: unknown[]) => void): unknown;
  quit(): Promise<unknown>;
  disconnect(): void;
  connect?(): Promise<unknown>;
}

export interface RedisOption {
  /** An ioredis client you own: calmfetch sends its commands on it, and never closes it. */
  readonly client?: RedisClientLike;
  /** ioredis options (host, port, …): calmfetch opens the connection and closes it on `client.close()`. */
  readonly options?: Readonly<Record<string, unknown>>;
}

/**
 * The error for `rateLimit.redis` without ioredis installed: it names the option and the package to install.
 * @internal
 */
export function missingIoredis(error: unknown): Error | undefined {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  const notFound = code === 'MODULE_NOT_FOUND' || code === 'ERR_MODULE_NOT_FOUND';
  if (!notFound || !String(message).includes("'ioredis'")) return undefined;
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

/** @internal */
export type Cluster = typeof import('./cluster.ts');
let cluster: Promise<Cluster> | undefined;
/**
 * cluster.ts, loaded once and only with Redis. The specifier is computed so that bundlers leave it to the runtime
 * (Redis needs Node, Bun or Deno): a browser or Workers bundle does not carry the connection, script and leases.
 * @internal
 */
export function loadCluster(): Promise<Cluster> {
  const specifier = import.meta.url.endsWith('.ts') ? './cluster.ts' : './cluster.js';
  cluster ??= import(/* webpackIgnore: true */ /* @vite-ignore */ specifier) as Promise<Cluster>;
  return cluster;
}
