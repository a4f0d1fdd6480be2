// The demo's workload, run the way `npm run demo` runs it but over msw and fake timers: every phase must do what
// it is there to show, with the waits the fake API's windows call for.
import { describe, expect, it, vi } from 'vitest';
import { demoApi, runScenario } from '../../demo/scenario.ts';
import { createMockXApi } from '../../mocks/index.ts';
import { API, TOKEN, useMockServer } from '../helpers.ts';

const { use } = useMockServer();

describe('npm run demo (the scenario)', () => {
  it('runs every phase as designed against the fake X API, with no unexpected 429', async () => {
    const api = createMockXApi(demoApi(TOKEN));
    use(...api.handlers);
    const lines: string[] = [];
    const waits: (Date | undefined)[] = [];
    const done = runScenario({
      baseUrl: API,
      token: TOKEN,
      mode: 'mock',
      print: (line) => lines.push(line),
      onWait: (until) => waits.push(until),
    });
    await vi.advanceTimersByTimeAsync(80_000);
    const results = await done;

    expect(results.map((r) => [r.phase, r.asExpected])).toEqual([
      ['Lookups with partial errors', true],
      ['A burst meets the rate limit', true],
      ['A window spent by someone else', true],
      ['An over-capacity blip', true],
      ['A write is never sent twice', true],
      ['An expired token', true],
      ['A long read that resumes', true],
      ['A stream that stays up', true],
    ]);
    const byPhase = Object.fromEntries(results.map((r) => [r.phase, r]));
    // The burst: 5 calls in the first 10 s window, 3 in the next, no 429, about one window of queueing.
    expect(byPhase['A burst meets the rate limit']).toMatchObject({ calls: 8, requests: 8, rateLimited: 0 });
    expect(byPhase['A burst meets the rate limit']!.ms).toBeGreaterThanOrEqual(9_000);
    expect(byPhase['A burst meets the rate limit']!.ms).toBeLessThan(11_000);
    // Someone else's spent window: exactly one 429, then one wait for the reset the server named.
    expect(byPhase['A window spent by someone else']).toMatchObject({ requests: 2, rateLimited: 1 });
    expect(byPhase['An over-capacity blip']).toMatchObject({ requests: 3 });
    expect(byPhase['A write is never sent twice']).toMatchObject({ requests: 1 });
    // 200s: 1 lookup + 8 burst + 3 by the other app + 1 after the wait + 1 after the blip + 1 after the refresh
    // + 5 pages.
    // The crawl: 5 pages, each once, in two windows of 3 requests, with no 429. Six attempts: the stop came while
    // page 3 was queued in the limiter, so it was never sent (the server saw 5 pages: see byStatus).
    expect(byPhase['A long read that resumes']).toMatchObject({ calls: 5, requests: 6, rateLimited: 0 });
    expect(byPhase['A long read that resumes']!.ms).toBeGreaterThanOrEqual(9_000);
    // The stream: five connects (a drop, a stall, an operational disconnect, a TooManyConnections, then up), one
    // 429, waits of a 3 s stall and a 3 s step (both shrunk from X's 60 s for the demo).
    const stream = byPhase['A stream that stays up']!;
    expect(stream).toMatchObject({ requests: 5, rateLimited: 1 });
    expect(stream.ms).toBeGreaterThanOrEqual(6000);
    expect(stream.ms).toBeLessThan(7000);
    expect(
      lines.filter((l) => l.includes('stream disconnected')).map((l) => l.split(': ')[1]!.split(' ')[0]),
    ).toEqual(['ended', 'stall', 'operational-disconnect', 'closed']);
    expect(api.stats.byStatus).toEqual({ 200: 24, 401: 2, 429: 2, 500: 1, 503: 2 });
    expect(lines.some((l) => l.includes('waiting') && l.includes('for the reset'))).toBe(true);
    expect(waits.filter((w) => w !== undefined).length).toBeGreaterThan(0);
    expect(lines.join('\n')).not.toContain(TOKEN);
  });
});
