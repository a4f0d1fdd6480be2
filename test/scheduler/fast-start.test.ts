// Bottleneck's in-memory store starts and registers every job through `setTimeout(…, 0)` (≥ 1 ms each in Node);
// calmfetch's limiters start due jobs without a timer. Real timers here: the point is what Node's timers do.
import Bottleneck from 'bottleneck';
import { describe, expect, it } from 'vitest';
import { yieldFast } from '../../src/scheduler/limiter.ts';

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('yieldFast (Bottleneck without the 1 ms timer hops)', () => {
  it('runs a due job within a few event-loop turns, with no timer left behind', async () => {
    const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const before = timers();
    const limiter = new Bottleneck({ reservoir: 10 });
    yieldFast(limiter);
    let ran = false;
    const done = limiter.schedule(async () => {
      ran = true;
      return 42;
    });
    for (let i = 0; i < 3 && !ran; i++) await turn();
    expect(ran).toBe(true);
    await expect(done).resolves.toBe(42);
    expect(await limiter.currentReservoir()).toBe(9);
    expect(timers()).toBe(before);
  });

  it('keeps the reservoir and the queue exact: 5 allowed, 3 wait for a refill', async () => {
    const limiter = new Bottleneck({ reservoir: 5 });
    yieldFast(limiter);
    const started: number[] = [];
    const jobs = Array.from({ length: 8 }, (_, i) => limiter.schedule(async () => started.push(i)));
    for (let i = 0; i < 20; i++) await turn();
    expect(started).toEqual([0, 1, 2, 3, 4]);
    await limiter.incrementReservoir(3);
    await Promise.all(jobs);
    expect(started).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it('a job whose start was pending when the limiter stopped does not run', async () => {
    const limiter = new Bottleneck({ reservoir: 10 });
    yieldFast(limiter);
    let ran = false;
    const job = limiter.schedule(async () => {
      ran = true;
    });
    const stopped = limiter.stop({ dropWaitingJobs: true });
    await expect(job).rejects.toThrow();
    await stopped;
    for (let i = 0; i < 5; i++) await turn();
    expect(ran).toBe(false);
  });
});
