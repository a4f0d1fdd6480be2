// The leases that feed a bucket's local reservoir from the shared count (issue 19), against a scripted shared count
// and fake timers: how much one take asks for, when the next take goes, the share while Redis is down, what goes
// back. The Redis side of the same protocol runs against a real redis-server in redis-shared.test.ts.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { localLimiter } from '../../src/scheduler/bottleneck.ts';
import { type Bucket, newBucket } from '../../src/scheduler/buckets.ts';
import { AHEAD_FACTOR, Leases, MAX_LEASE, newLease } from '../../src/scheduler/leases.ts';
import type { Grant, SharedCount } from '../../src/scheduler/shared.ts';

const MARGIN = 250;
type Take = { want: number; fill: number; debit: number; at: number };

function setup(
  grants: (Partial<Grant> | { fail: true } | { silent: true })[],
  host: { timeoutMs?: number; unavailable?: (reason: string) => void } = {},
) {
  const takes: Take[] = [];
  const gives: { id: string; units: number }[] = [];
  let up = true;
  const shared = {
    take: async (_key: string, want: number, fill: number, debit: number) => {
      takes.push({ want, fill, debit, at: Date.now() });
      const next = grants.shift() ?? { granted: 0 };
      if ('fail' in next) throw new Error('NOPERM this user has no permissions to run the evalsha command');
      if ('silent' in next)
        throw Object.assign(new Error('no answer within 500 ms'), { name: 'RedisNoAnswer' });
      return {
        granted: 0,
        remaining: 0,
        reset: 0,
        holdUntil: 0,
        id: 'w1',
        processes: 1,
        probing: false,
        ...next,
      } satisfies Grant;
    },
    give: async (_key: string, id: string, units: number) => {
      gives.push({ id, units });
    },
  } as unknown as SharedCount;
  const leases = new Leases({
    resetMarginMs: MARGIN,
    shared: () => (up ? shared : undefined),
    closed: () => false,
    ...host,
  });
  const bucket: Bucket = newBucket('GET /2/tweets/:id abc', 0, newLease('calmfetch:abc'), Date.now());
  bucket.local = localLimiter({ reservoir: 0 });
  return {
    takes,
    gives,
    leases,
    bucket,
    setUp: (value: boolean) => {
      up = value;
    },
  };
}
const reservoir = (bucket: Bucket) => bucket.local!.currentReservoir();

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('leases from the shared count', () => {
  it('an idle bucket sends nothing; a busy one asks for what it has in motion (queued + in flight), at most MAX_LEASE', async () => {
    const { takes, leases, bucket } = setup([{ granted: 7, remaining: 100 }]);
    leases.feed(bucket);
    expect(takes).toEqual([]); // nothing waits
    bucket.waiting = 3;
    bucket.inflight = 4;
    leases.feed(bucket);
    leases.feed(bucket); // one take at a time
    await vi.advanceTimersByTimeAsync(1);
    expect(takes.map((t) => t.want)).toEqual([7]);
    expect(await reservoir(bucket)).toBe(7);
    expect(bucket.lease!.taken).toBe(7);
    const big = setup([{ granted: 1 }]);
    big.bucket.waiting = 1000;
    big.leases.feed(big.bucket);
    await vi.advanceTimersByTimeAsync(1);
    expect(big.takes[0]!.want).toBe(MAX_LEASE);
  });

  it('leases only for the waiting calls, none ahead, when the window is scarce for the processes sharing it', async () => {
    // A window of 40 shared by 4 processes, 10 left: units leased ahead for the 4 calls in flight would sit unused in
    // this process's reservoir when the window ends, lost to every process.
    const { takes, leases, bucket } = setup([{ granted: 3, remaining: 7 }]);
    bucket.lease!.left = 10;
    bucket.lease!.processes = 4;
    bucket.waiting = 3;
    bucket.inflight = 4;
    leases.feed(bucket);
    await vi.advanceTimersByTimeAsync(1);
    expect(takes.map((t) => t.want)).toEqual([3]);
    // With plenty left (at least AHEAD_FACTOR × processes × in motion), the same bucket leases ahead.
    const plenty = setup([{ granted: 7, remaining: 10_000 }]);
    plenty.bucket.lease!.left = AHEAD_FACTOR * 4 * 7;
    plenty.bucket.lease!.processes = 4;
    plenty.bucket.waiting = 3;
    plenty.bucket.inflight = 4;
    plenty.leases.feed(plenty.bucket);
    await vi.advanceTimersByTimeAsync(1);
    expect(plenty.takes.map((t) => t.want)).toEqual([7]);
  });

  it('takes at most limit ÷ processes at once when several processes share the window', async () => {
    const { takes, leases, bucket } = setup([{ granted: 5, remaining: 30 }]);
    bucket.limit = 40;
    bucket.lease!.processes = 8;
    bucket.waiting = 30;
    leases.feed(bucket);
    await vi.advanceTimersByTimeAsync(1);
    expect(takes[0]!.want).toBe(5);
  });

  it('a spent window: the next take goes at its reset plus the margin, not before', async () => {
    const now = Date.now();
    const { takes, leases, bucket } = setup([
      { granted: 0, remaining: 0, reset: now + 5000 },
      { granted: 2, remaining: 38 },
    ]);
    bucket.waiting = 2;
    leases.feed(bucket);
    await vi.advanceTimersByTimeAsync(5000 + MARGIN - 10);
    expect(takes).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(20);
    expect(takes.map((t) => t.at - now)).toEqual([0, 5000 + MARGIN]);
    expect(await reservoir(bucket)).toBe(2);
  });

  it('a hold elsewhere in the cluster: the next take goes when it ends', async () => {
    const now = Date.now();
    const { takes, leases, bucket } = setup([{ granted: 0, remaining: 1, holdUntil: now + 3000 }]);
    bucket.waiting = 1;
    leases.feed(bucket);
    await vi.advanceTimersByTimeAsync(3001);
    expect(takes.map((t) => t.at - now)).toEqual([0, 3000]);
  });

  it("another process's probe has not answered: polls at 50, 100, 200 … up to 1000 ms", async () => {
    const now = Date.now();
    const probing = { granted: 0, remaining: 0, probing: true };
    const { takes, leases, bucket } = setup(Array(7).fill(probing));
    bucket.waiting = 1;
    leases.feed(bucket);
    await vi.advanceTimersByTimeAsync(50 + 100 + 200 + 400 + 800 + 1000 + 1);
    const gaps = takes.slice(1).map((t, i) => t.at - takes[i]!.at);
    expect(gaps).toEqual([50, 100, 200, 400, 800, 1000]);
    expect(takes[0]!.at).toBe(now);
  });

  it('a quiet bucket gives its unused units back, into the window they came from', async () => {
    const { gives, leases, bucket } = setup([{ granted: 10, remaining: 90, id: 'w7' }]);
    bucket.waiting = 1;
    leases.feed(bucket);
    await vi.advanceTimersByTimeAsync(1);
    bucket.waiting = 0;
    leases.quiet(bucket);
    await vi.advanceTimersByTimeAsync(1);
    expect(gives).toEqual([{ id: 'w7', units: 10 }]);
    expect(await reservoir(bucket)).toBe(0);
  });

  it('the window reopens: units of the old lease are dropped, a lease granted since stays', async () => {
    const { leases, bucket } = setup([{ granted: 5, remaining: 10 }]);
    bucket.waiting = 1;
    leases.feed(bucket);
    await vi.advanceTimersByTimeAsync(1);
    bucket.waiting = 0;
    leases.reopened(bucket, 40, Date.now() - 1); // granted after the reopening: kept
    await vi.advanceTimersByTimeAsync(1);
    expect(await reservoir(bucket)).toBe(5);
    leases.reopened(bucket, 40, Date.now() + 1);
    await vi.advanceTimersByTimeAsync(1);
    expect(await reservoir(bucket)).toBe(0);
    expect(bucket.lease!.fill).toBe(40);
    expect(bucket.lease!.taken).toBe(0);
  });

  it('the window reopens: units granted from the next window (a later reset, learnt across X’s reset) stay', async () => {
    const reset = Date.now() + 1000;
    const { leases, bucket } = setup([{ granted: 5, remaining: 10, reset: reset + 4000 }]);
    bucket.waiting = 1;
    leases.feed(bucket);
    await vi.advanceTimersByTimeAsync(1);
    bucket.waiting = 0;
    // The refill for the window ending at `reset` fires at reset + margin, after the grant: still kept.
    leases.reopened(bucket, 40, reset + MARGIN);
    await vi.advanceTimersByTimeAsync(1);
    expect(await reservoir(bucket)).toBe(5);
  });
});

describe('Redis down: each process takes its share', () => {
  it('keeps its lease and adds min(left ÷ processes, limit ÷ processes − taken)', async () => {
    const { leases, bucket, setUp } = setup([{ granted: 6, remaining: 20, processes: 4 }]);
    bucket.mode = 'tracked';
    bucket.limit = 40;
    bucket.reset = Date.now() + 10_000;
    bucket.waiting = 1;
    leases.feed(bucket);
    await vi.advanceTimersByTimeAsync(1);
    bucket.waiting = 0;
    setUp(false);
    leases.down([bucket], Date.now());
    await vi.advanceTimersByTimeAsync(1);
    // left 20 ÷ 4 = 5, but 40 ÷ 4 − 6 taken = 4: the lease (6) plus 4.
    expect(await reservoir(bucket)).toBe(10);
  });

  it('the most processes ever seen in a window count, not the few of a window just opened', async () => {
    const { leases, bucket } = setup([
      { granted: 1, remaining: 39, processes: 4, id: 'w1' },
      { granted: 1, remaining: 39, processes: 1, id: 'w2' },
    ]);
    for (let i = 0; i < 2; i++) {
      bucket.waiting = 1;
      leases.feed(bucket);
      await vi.advanceTimersByTimeAsync(1);
    }
    expect(bucket.lease!.processes).toBe(4);
  });

  it('a bucket that knew nothing probes; back up, the local units go and the waiting calls lease again', async () => {
    const { takes, leases, bucket, setUp } = setup([{ granted: 1, remaining: 0 }]);
    setUp(false);
    leases.down([bucket], Date.now());
    await vi.advanceTimersByTimeAsync(1);
    expect(await reservoir(bucket)).toBe(1);
    leases.usedWhileDown(bucket);
    bucket.waiting = 2;
    setUp(true);
    leases.up([bucket]);
    await vi.advanceTimersByTimeAsync(1);
    // The unit used while down is taken off the window it belonged to.
    expect(takes).toEqual([{ want: 2, fill: 1, debit: 1, at: expect.any(Number) }]);
    expect(await reservoir(bucket)).toBe(1);
  });
});

describe('a take Redis refuses', () => {
  it('is tried again at 50, 100, 200 … ms while Redis counts as up (the calls keep waiting)', async () => {
    const { takes, leases, bucket } = setup(Array(4).fill({ fail: true }));
    bucket.waiting = 1;
    leases.feed(bucket);
    await vi.advanceTimersByTimeAsync(50 + 100 + 200 + 1);
    const gaps = takes.slice(1).map((t, i) => t.at - takes[i]!.at);
    expect(gaps).toEqual([50, 100, 200]);
  });

  it('errors for longer than timeoutMs make Redis unavailable (the fallback share), not a poll until maxWaitMs', async () => {
    const unavailable = vi.fn();
    const { takes, leases, bucket } = setup(Array(10).fill({ fail: true }), { timeoutMs: 300, unavailable });
    bucket.waiting = 1;
    leases.feed(bucket);
    await vi.advanceTimersByTimeAsync(50 + 100 + 1);
    expect(unavailable).not.toHaveBeenCalled(); // 150 ms of errors: still up
    await vi.advanceTimersByTimeAsync(200);
    expect(takes.length).toBe(4); // at 0, 50, 150, 350 ms: the fourth is past timeoutMs
    expect(unavailable).toHaveBeenCalledExactlyOnceWith('Redis error: NOPERM');
  });

  it('no answer within timeoutMs makes Redis unavailable at once', async () => {
    const unavailable = vi.fn();
    const { leases, bucket } = setup([{ silent: true }], { timeoutMs: 500, unavailable });
    bucket.waiting = 1;
    leases.feed(bucket);
    await vi.advanceTimersByTimeAsync(1);
    expect(unavailable).toHaveBeenCalledExactlyOnceWith('no answer within 500 ms');
  });
});
