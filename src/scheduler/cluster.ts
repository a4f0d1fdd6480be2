// Everything only Redis needs (the connection, the shared count's script, the leases), in one module that the
// limiter loads on the first call with `rateLimit.redis` set (limiter.ts, loadCluster): a client without Redis —
// and a browser or Workers bundle — never carries it.

/** @internal */
export { openRedisStore } from './connection.ts';
/** @internal */
export { Leases, newLease } from './leases.ts';
/** @internal */
export { redisKey, SharedCount } from './shared.ts';
