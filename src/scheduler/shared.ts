import { authIdentity } from './bucket.ts';
import type { RedisStore, Script } from './connection.ts';

/**
 * The shared count: one Redis hash per bucket, `{prefix}:{hash of the bucket}`, holding what is left of the
 * bucket's current window across every process. One script, one round trip per operation:
 *
 * - `take`: grants up to `want` units (the caller's lease); creates the window first when there is none (its
 *   window ended and the key expired with it): with the window's limit when the caller knows it, else with one
 *   unit, a probe whose answer sets the count. Also records the caller among the window's processes (`n`).
 * - `learn`: what X's headers said (reset, remaining). A probe's answer, or a newer window, sets the count; any
 *   other answer only lowers it (calls leased are counted before X sees them). The key then expires with the window,
 *   just after its reset (plus the margin): nothing is left behind and the next window starts from a clean slate.
 * - `hold`: a 420/429 that holds the bucket until a time: no unit is granted before it, then one probe.
 *   A spaced bucket (`GET /2/tweets/search/all`: 1/s) gets one unit at a time, the next not before the spacing.
 * - `give`: units leased and not used go back, only into the window they came from (its id).
 * - `unlimited`: the endpoint reports no window: every process stops counting it.
 *
 * Fields: r remaining, t reset (epoch ms, 0 unknown), i window id, h hold until, p probe, u unlimited, n processes
 * seen, `s:{id}` one per process seen.
 */
const LUA = `
local key, op, now, me = KEYS[1], ARGV[1], tonumber(ARGV[2]), ARGV[3]
local function fresh(r, t, h, p, ttl, at)
  redis.call('DEL', key)
  redis.call('HSET', key, 'r', r, 't', t, 'i', ARGV[4], 'h', h, 'p', p, 'n', 0)
  if at > 0 then redis.call('PEXPIREAT', key, at) else redis.call('PEXPIRE', key, ttl) end
end
if op == 'take' then
  local want, fill, debit, ttl = tonumber(ARGV[5]), tonumber(ARGV[6]), tonumber(ARGV[7]), tonumber(ARGV[9])
  local spacing = tonumber(ARGV[10])
  if redis.call('EXISTS', key) == 0 then fresh(fill, 0, 0, fill == 1 and 1 or 0, ttl, 0) end
  local s = redis.call('HMGET', key, 'r', 't', 'i', 'h', 'p', 'u', 'n', 'g')
  if s[6] == '1' then return {-1, 0, 0, 0, s[3], 1, 0} end
  local r, h, n = tonumber(s[1]), tonumber(s[4]), tonumber(s[7])
  local g = tonumber(s[8] or '0')
  if debit > 0 and s[3] == ARGV[8] then r = math.max(0, r - debit) end
  if redis.call('HSETNX', key, 's:' .. me, 1) == 1 then
    n = n + 1
    redis.call('HSET', key, 'n', n)
  end
  local granted = 0
  if spacing > 0 then
    want = 1
    h = math.max(h, g)
  end
  if h <= now then granted = math.min(want, r) end
  if spacing > 0 and granted > 0 then
    redis.call('HSET', key, 'g', now + spacing)
    h = now + spacing
  end
  redis.call('HSET', key, 'r', r - granted)
  return {granted, r - granted, tonumber(s[2]), h, s[3], n, tonumber(s[5])}
elseif op == 'learn' then
  local reset, rem, others, at = tonumber(ARGV[5]), tonumber(ARGV[6]), tonumber(ARGV[7]), tonumber(ARGV[8])
  if redis.call('EXISTS', key) == 0 then
    fresh(math.max(0, rem - others), reset, 0, 0, 0, at)
    return 1
  end
  local s = redis.call('HMGET', key, 'r', 't', 'p')
  local r, t = tonumber(s[1]), tonumber(s[2])
  if t > reset then return 0 end
  if t ~= 0 and t < reset then
    fresh(math.max(0, rem - others), reset, 0, 0, 0, at)
    return 1
  end
  if s[3] == '1' then r = math.max(0, rem - others) else r = math.min(r, rem) end
  redis.call('HSET', key, 'r', r, 't', reset, 'p', 0)
  redis.call('PEXPIREAT', key, at)
  return 1
elseif op == 'hold' then
  local untilAt, ttl = tonumber(ARGV[5]), tonumber(ARGV[6])
  if redis.call('EXISTS', key) == 0 then
    fresh(1, 0, untilAt, 1, 0, untilAt + ttl)
    return 1
  end
  local h = tonumber(redis.call('HGET', key, 'h'))
  redis.call('HSET', key, 'h', math.max(h, untilAt), 'r', 1, 'p', 1, 't', 0)
  if redis.call('PTTL', key) < untilAt + ttl - now then redis.call('PEXPIREAT', key, untilAt + ttl) end
  return 1
elseif op == 'give' then
  if redis.call('HGET', key, 'i') == ARGV[4] then redis.call('HINCRBY', key, 'r', tonumber(ARGV[5])) end
  return 1
elseif op == 'unlimited' then
  if redis.call('EXISTS', key) == 0 then fresh(0, 0, 0, 0, tonumber(ARGV[5]), 0) end
  redis.call('HSET', key, 'u', 1)
  redis.call('PEXPIRE', key, tonumber(ARGV[5]))
  return 1
end
return 0
`;

/**
 * How long a window whose reset is not known yet lives: a probe's key (if its answer never comes, another probe may
 * go after this), and a window opened from a known limit before its first answer gives the reset.
 * @internal
 */
export const PROBE_TTL_MS = 10_000;
/**
 * X's rate-limit windows are 15 minutes long (docs.x.com, x-api/fundamentals/rate-limits.mdx; see
 * /work/shared/research/round2.md §1): a window opened from its known limit lives at most that long before its
 * first answer gives its reset.
 * @internal
 */
export const WINDOW_TTL_MS = 15 * 60_000;
/** How long the cluster remembers that an endpoint reports no window. */
const UNLIMITED_TTL_MS = 60_000;

/**
 * What `take` answered.
 * @internal
 */
export interface Grant {
  /** Units granted (-1: the endpoint reports no window; count nothing). */
  readonly granted: number;
  /** Units left in the window after the grant. */
  readonly remaining: number;
  /** The window's reset (epoch ms), 0 while unknown. */
  readonly reset: number;
  /** No unit is granted before this time (epoch ms). */
  readonly holdUntil: number;
  /** The window's id: units go back only into it. */
  readonly id: string;
  /** Processes that took from this window (this one included). */
  readonly processes: number;
  /** The window waits for a probe's answer. */
  readonly probing: boolean;
}

let script: Script | undefined;
/** The script and its SHA-1 (for EVALSHA), computed on first use: only Node, Bun and Deno reach Redis. */
function theScript(): Script {
  if (script) return script;
  type Hash = { createHash(a: 'sha1'): { update(s: string): { digest(e: 'hex'): string } } };
  const process = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const crypto = process?.getBuiltinModule?.('node:crypto') as Hash | undefined;
  script = { lua: LUA, sha: crypto ? crypto.createHash('sha1').update(LUA).digest('hex') : 'none' };
  return script;
}

/**
 * The shared count's operations for one process (`me`: a random id, drawn when the store opens).
 * @internal
 */
export class SharedCount {
  readonly #store: RedisStore;
  readonly #me: string;
  #windows = 0;

  constructor(store: RedisStore, me: string) {
    this.#store = store;
    this.#me = me;
  }

  #id(): string {
    return `${this.#me}.${++this.#windows}`;
  }

  #run(key: string, op: string, args: (string | number)[]): Promise<unknown> {
    return this.#store.run(theScript(), key, [op, Date.now(), this.#me, this.#id(), ...args]);
  }

  /** `spacing`: the bucket's minimum spacing (ms): then one unit at a time, the next not before it. */
  async take(
    key: string,
    want: number,
    fill: number,
    debit: number,
    debitId: string,
    spacing: number,
  ): Promise<Grant> {
    const ttl = fill === 1 ? PROBE_TTL_MS : WINDOW_TTL_MS;
    const r = (await this.#run(key, 'take', [want, fill, debit, debitId, ttl, spacing])) as [
      number,
      number,
      number,
      number,
      string,
      number,
      number,
    ];
    return {
      granted: r[0],
      remaining: r[1],
      reset: r[2],
      holdUntil: r[3],
      id: String(r[4]),
      processes: Math.max(1, r[5]),
      probing: r[6] === 1,
    };
  }

  async learn(
    key: string,
    reset: number,
    remaining: number,
    others: number,
    expireAt: number,
  ): Promise<void> {
    await this.#run(key, 'learn', [reset, remaining, others, expireAt]);
  }

  async hold(key: string, until: number): Promise<void> {
    await this.#run(key, 'hold', [until, PROBE_TTL_MS]);
  }

  async give(key: string, id: string, units: number): Promise<void> {
    await this.#store.run(theScript(), key, ['give', Date.now(), this.#me, id, units]);
  }

  async unlimited(key: string): Promise<void> {
    await this.#run(key, 'unlimited', [UNLIMITED_TTL_MS]);
  }
}

/**
 * A bucket's key in Redis, `{prefix}:{hash}`: what a custom bucket function returns never reaches Redis as it is.
 * @internal
 */
export function redisKey(prefix: string, bucket: string): string {
  const hash = authIdentity(bucket);
  return `${prefix}:${typeof hash === 'string' ? hash : fnv1a(bucket)}`;
}

/** A 64-bit FNV-1a hash in hex, where no synchronous SHA-256 exists (Redis keys only; not a secret). */
function fnv1a(text: string): string {
  let hash = 0xcbf29ce484222325n;
  for (let i = 0; i < text.length; i++) {
    hash ^= BigInt(text.charCodeAt(i));
    hash = (hash * 0x100000001b3n) & 0xffffffffffffffffn;
  }
  return hash.toString(16).padStart(16, '0');
}
