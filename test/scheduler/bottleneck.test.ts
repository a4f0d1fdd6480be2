// The adapter's footing: the Bottleneck internals it relies on exist and behave as it assumes, it is the only
// file that touches them, and nothing before the first call creates a timer or draws a random number.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Full from 'bottleneck';
import Light from 'bottleneck/light.js';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createClient } from '../../src/index.ts';
import {
  localLimiter,
  missingInternals,
  PINNED_VERSION,
  space,
  takeToken,
} from '../../src/scheduler/bottleneck.ts';

const root = join(import.meta.dirname, '../..');
const sources = (dir: string): string[] =>
  readdirSync(join(root, dir), { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sources(join(dir, entry.name)) : [join(dir, entry.name)],
  );

afterEach(() => {
  vi.useRealTimers();
});

describe('the Bottleneck adapter (src/scheduler/bottleneck.ts)', () => {
  it(`is pinned to Bottleneck ${PINNED_VERSION} exactly, the version its private fields were read from`, () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
    expect(pkg.dependencies.bottleneck).toBe(PINNED_VERSION);
    expect((Light as unknown as { version: string }).version).toBe(PINNED_VERSION);
    expect((Full as unknown as { version: string }).version).toBe(PINNED_VERSION);
  });

  it('finds every private field it relies on, by name, in the light and the full build', () => {
    // On failure the message lists the missing fields by name.
    expect(missingInternals(new (Light as unknown as typeof Full)())).toEqual([]);
    expect(missingInternals(new Full())).toEqual([]);
    expect(missingInternals(localLimiter({}))).toEqual([]);
  });

  it('takeToken moves the store’s next start by minTime, and Bottleneck’s own queue honours it', async () => {
    vi.useFakeTimers();
    const limiter = localLimiter({ reservoir: 5, minTime: 1000 });
    const now = Date.now();
    expect(takeToken(limiter, now)).toBe(true);
    expect(takeToken(limiter, now + 500)).toBe(false); // spacing: not before now + 1000
    expect(takeToken(limiter, now + 1000)).toBe(true);
    expect(await limiter.currentReservoir()).toBe(3);
    // A job Bottleneck registers now starts at the spaced time (now + 2000), not at once.
    let startedAt: number | undefined;
    const job = limiter.schedule(async () => {
      startedAt = Date.now();
    });
    await vi.advanceTimersByTimeAsync(1900);
    expect(startedAt).toBeUndefined();
    await vi.advanceTimersByTimeAsync(200);
    await job;
    expect(startedAt).toBeGreaterThanOrEqual(now + 2000);
  });

  it('space() holds the next start and spaces the rest, for the fast path and the queue alike', async () => {
    vi.useFakeTimers();
    const limiter = localLimiter({ reservoir: null });
    const now = Date.now();
    await space(limiter, 1000, now + 5000);
    expect(takeToken(limiter, now + 4999)).toBe(false);
    const starts: number[] = [];
    const jobs = [0, 1, 2].map(() => limiter.schedule(async () => starts.push(Date.now() - now)));
    await vi.advanceTimersByTimeAsync(8000);
    await Promise.all(jobs);
    expect(starts).toHaveLength(3);
    expect(starts[0]).toBeGreaterThanOrEqual(5000);
    expect(starts[1]! - starts[0]!).toBeGreaterThanOrEqual(1000);
    expect(starts[2]! - starts[1]!).toBeGreaterThanOrEqual(1000);
  });

  it('is the only file that touches Bottleneck internals; no file touches Node timer internals', () => {
    const files = [...sources('src'), ...sources('mocks')].filter((f) => f.endsWith('.ts'));
    const bottleneckFields = /\._(?:store|states|run|scheduled|nextRequest|clearGlobalState|free)\b/;
    const timerFields = /_onTimeout|_destroyed|_idleTimeout/;
    const offenders = files.filter((file) => {
      const text = readFileSync(join(root, file), 'utf8');
      return timerFields.test(text) || (bottleneckFields.test(text) && !file.endsWith('bottleneck.ts'));
    });
    expect(offenders).toEqual([]);
  });

  it('loads only the light build, also with Redis (the full build and its clustering are gone)', () => {
    const files = sources('src').filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'));
    const fullBuild = files.filter((file) => {
      const text = readFileSync(join(root, file), 'utf8');
      return (
        /^import (?!type)[^;]*from 'bottleneck'/m.test(text) ||
        /(?:import\(|=)\s*['"]bottleneck['"]/.test(text)
      );
    });
    expect(fullBuild).toEqual([]);
    const adapter = readFileSync(join(root, 'src/scheduler/bottleneck.ts'), 'utf8');
    expect(adapter).toContain("from 'bottleneck/light.js'");
  });
});

describe('a client made at module scope is inert (Cloudflare Workers forbid timers and randomness there)', () => {
  it('creates no timer and draws no random number until the first request, with maxConcurrent and Redis', () => {
    const random = vi.spyOn(Math, 'random');
    const timeout = vi.spyOn(globalThis, 'setTimeout');
    const interval = vi.spyOn(globalThis, 'setInterval');
    const clients = [
      createClient({ rateLimit: { maxConcurrent: 4 } }),
      createClient({ rateLimit: { redis: { options: { port: 1, lazyConnect: true } } } }),
    ];
    expect(random).not.toHaveBeenCalled();
    expect(timeout).not.toHaveBeenCalled();
    expect(interval).not.toHaveBeenCalled();
    return Promise.all(clients.map((x) => x.close()));
  });
});
