// Bottleneck's in-memory store starts and registers every job through `setTimeout(…, 0)` (≥ 1 ms each in Node);
// calmfetch's limiters start due jobs without a timer. Real timers here: the point is what Node's timers do.
import Bottleneck from 'bottleneck';
import { describe, expect, it } from 'vitest';
import { takeToken, yieldFast } from '../../src/scheduler/bottleneck.ts';

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

describe("takeToken (admitting a call without Bottleneck's job machinery)", () => {
  it('takes one unit of the reservoir at once, the same unit Bottleneck counts', async () => {
    const limiter = new Bottleneck({ reservoir: 2 });
    expect(takeToken(limiter)).toBe(true);
    expect(await limiter.currentReservoir()).toBe(1);
    expect(takeToken(limiter)).toBe(true);
    expect(takeToken(limiter)).toBe(false);
    expect(await limiter.currentReservoir()).toBe(0);
    // A job scheduled now waits for a refill, exactly as if the two calls had gone through Bottleneck.
    let ran = false;
    const job = limiter.schedule(async () => {
      ran = true;
    });
    for (let i = 0; i < 5; i++) await turn();
    expect(ran).toBe(false);
    await limiter.incrementReservoir(1);
    await job;
    expect(ran).toBe(true);
  });

  it('leaves the unit a refill brings to the call already queued', async () => {
    // Bottleneck's own timer hops (no yieldFast) keep the queued call waiting to register after the refill.
    const limiter = new Bottleneck({ reservoir: 0 });
    let ran = false;
    const queued = limiter.schedule(async () => {
      ran = true;
    });
    while (limiter.queued() === 0) await new Promise((resolve) => setTimeout(resolve, 2));
    await limiter.updateSettings({ reservoir: 1 });
    expect(limiter.counts().QUEUED).toBe(1);
    // The window has room again, but its one unit is the queued call's.
    expect(takeToken(limiter)).toBe(false);
    await queued;
    expect(ran).toBe(true);
    expect(await limiter.currentReservoir()).toBe(0);
  });

  it('declines while a submission is between schedule() and the queue', () => {
    const limiter = new Bottleneck({ reservoir: 5 });
    void limiter.schedule(async () => {});
    expect(takeToken(limiter)).toBe(false);
  });

  it('admits every call to a bucket without a reservoir (unlimited), counting nothing', async () => {
    const limiter = new Bottleneck({ reservoir: null });
    expect(takeToken(limiter)).toBe(true);
    expect(takeToken(limiter)).toBe(true);
    expect(await limiter.currentReservoir()).toBe(null);
  });
});
