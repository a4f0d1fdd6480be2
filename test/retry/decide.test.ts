// decide() alone: a pure function of the classification, the call's state, the options, time and randomness.
import { describe, expect, it } from 'vitest';
import { bareClassification, type Classification, classify } from '../../src/classify/classify.ts';
import { DEFAULTS } from '../../src/options/defaults.ts';
import { type CallState, decide } from '../../src/retry/decide.ts';

const NOW = Date.UTC(2026, 10, 28, 12, 0, 0);
const retry = { ...DEFAULTS.retry };
const state = (over: Partial<CallState> = {}): CallState => ({
  attempt: 1,
  retriesConsumed: 0,
  rateLimitWaits: 0,
  authRefreshed: false,
  method: 'GET',
  idempotent: true,
  replayable: true,
  deadlineAt: Number.POSITIVE_INFINITY,
  now: NOW,
  ...over,
});
const zero = () => 0;
const half = () => 0.5;
const of = (category: Classification['category'], fields: Partial<Classification> = {}) =>
  bareClassification(category, `a ${category} failure`, fields);
/** A 429 as X sends it, classified for real. */
const answer429 = (headers: Record<string, string>) =>
  classify(
    { status: 429, headers: { 'content-type': 'application/json', ...headers }, body: '{}' },
    { now: NOW },
  );

describe('decide', () => {
  it('never retries a permanent failure', () => {
    expect(decide(of('permanent'), state(), retry, zero)).toEqual({ retry: false, giveUp: 'not retried' });
  });

  it('leaves an auth failure to onAuthError once, then gives up', () => {
    expect(decide(of('auth-fatal'), state(), retry, zero)).toEqual({
      retry: false,
      giveUp: 'credentials are not retried',
      refreshable: true,
    });
    expect(decide(of('auth-fatal'), state({ authRefreshed: true }), retry, zero)).toEqual({
      retry: false,
      giveUp: 'still refused after the credentials were refreshed',
    });
    expect(decide(of('auth-fatal'), state({ replayable: false }), retry, zero)).not.toHaveProperty(
      'refreshable',
    );
  });

  describe('transient failures', () => {
    const transient = of('retryable', { unprocessed: false });
    it('back off with full jitter, each retry using up retry.limit', () => {
      const delays = [0, 1, 2].map((used) =>
        decide(transient, state({ retriesConsumed: used }), retry, half),
      );
      expect(delays).toEqual([
        { retry: true, kind: 'retry', delayMs: 500, source: 'backoff', consumesRetry: true },
        { retry: true, kind: 'retry', delayMs: 1000, source: 'backoff', consumesRetry: true },
        { retry: true, kind: 'retry', delayMs: 2000, source: 'backoff', consumesRetry: true },
      ]);
      expect(decide(transient, state({ retriesConsumed: 3 }), retry, half)).toEqual({
        retry: false,
        giveUp: 'gave up after 3 retries (retry.limit)',
      });
    });
    it('wait for the server’s time when it gives one', () => {
      const c = of('retryable', { retryAt: new Date(NOW + 4000) });
      expect(decide(c, state(), retry, half)).toMatchObject({ retry: true, delayMs: 4000, source: 'server' });
    });
    it('are not resent when a write may have been processed, or when the body cannot be sent again', () => {
      expect(decide(transient, state({ method: 'POST', idempotent: false }), retry, zero)).toMatchObject({
        retry: false,
        giveUp: expect.stringMatching(/POST is not idempotent/),
      });
      expect(
        decide(
          of('retryable', { unprocessed: true }),
          state({ method: 'POST', idempotent: false }),
          retry,
          zero,
        ),
      ).toMatchObject({ retry: true });
      expect(decide(transient, state({ replayable: false }), retry, zero)).toMatchObject({
        retry: false,
        giveUp: expect.stringMatching(/stream/),
      });
    });
    it('start no wait that would overrun the deadline or exceed maxWaitMs', () => {
      expect(decide(transient, state({ deadlineAt: NOW + 400 }), retry, half)).toMatchObject({
        retry: false,
        giveUp: expect.stringMatching(/overrun the deadline/),
      });
      const far = of('retryable', { retryAt: new Date(NOW + 20 * 60_000) });
      expect(decide(far, state(), retry, zero)).toMatchObject({ retry: false, retryAt: far.retryAt });
    });
  });

  describe('rate limits', () => {
    it('wait for a spent window’s reset, plus jitter, without using up retry.limit', () => {
      const c = answer429({ 'x-rate-limit-remaining': '0', 'x-rate-limit-reset': String(NOW / 1000 + 60) });
      expect(decide(c, state(), retry, half)).toEqual({
        retry: true,
        kind: 'wait',
        delayMs: 60_250,
        source: 'server',
        consumesRetry: false,
        retryAt: new Date(NOW + 60_000),
      });
    });

    it('a 429 while the window still has room (a per-second limit) backs off briefly, doubling, not to the reset', () => {
      const c = answer429({
        'x-rate-limit-limit': '300',
        'x-rate-limit-remaining': '250',
        'x-rate-limit-reset': String(NOW / 1000 + 600),
      });
      expect(c.retryAt).toBeUndefined();
      const waits = [0, 1, 2].map((w) => decide(c, state({ rateLimitWaits: w }), retry, zero));
      expect(waits.map((d) => d.retry && d.delayMs)).toEqual([1000, 2000, 4000]);
      expect(waits[0]).toMatchObject({ kind: 'wait', source: 'backoff', retryAt: new Date(NOW + 1000) });
    });

    it('a server wait of exactly maxWaitMs is taken: the jitter is trimmed, not the wait refused', () => {
      const c = answer429({ 'retry-after': '900' });
      expect(decide(c, state(), retry, half)).toMatchObject({
        retry: true,
        delayMs: 900_000,
        source: 'server',
      });
      const over = answer429({ 'retry-after': '901' });
      expect(decide(over, state(), retry, zero)).toMatchObject({ retry: false });
    });

    it('Retry-After wins over the short backoff when sent', () => {
      const c = answer429({
        'x-rate-limit-remaining': '250',
        'x-rate-limit-reset': String(NOW / 1000 + 600),
        'retry-after': '3',
      });
      expect(decide(c, state(), retry, zero)).toMatchObject({ retry: true, delayMs: 3000, source: 'server' });
    });

    it('a bare 420/429 waits 60 s, doubling; a step beyond maxWaitMs fails at once with retryAt at its true time', () => {
      const bare = answer429({});
      expect(bare.retryAt).toBeUndefined();
      expect(decide(bare, state(), retry, zero)).toMatchObject({ retry: true, delayMs: 60_000 });
      expect(decide(bare, state({ rateLimitWaits: 1 }), retry, zero)).toMatchObject({
        retry: true,
        delayMs: 120_000,
      });
      for (const maxWaitMs of [1500, 2000, 59_999]) {
        expect(decide(bare, state(), { ...retry, maxWaitMs }, zero)).toEqual({
          retry: false,
          giveUp: expect.stringMatching(/exceeds retry.maxWaitMs/),
          retryAt: new Date(NOW + 60_000),
        });
      }
    });

    it('headers ignored as garbage count as bare: the 60 s step, not a short one', () => {
      for (const headers of [
        { 'x-rate-limit-reset': String(NOW + 60_000) }, // milliseconds, not seconds
        { 'x-rate-limit-reset': 'soon' },
        { 'retry-after': '-5' },
      ]) {
        const c = answer429(headers);
        expect(decide(c, state(), { ...retry, maxWaitMs: 2000 }, zero)).toMatchObject({
          retry: false,
          retryAt: new Date(NOW + 60_000),
        });
      }
    });

    it('stops after retry.rateLimitWaits, on a usage cap, and for a processed write', () => {
      const c = answer429({});
      expect(decide(c, state({ rateLimitWaits: 3 }), retry, zero)).toMatchObject({
        retry: false,
        giveUp: 'already waited 3 times for this rate limit (retry.rateLimitWaits)',
      });
      expect(decide({ ...c, capped: true }, state(), retry, zero)).toMatchObject({
        retry: false,
        giveUp: 'a usage cap is not worth waiting for',
      });
      expect(
        decide({ ...c, unprocessed: false }, state({ method: 'POST', idempotent: false }), retry, zero),
      ).toMatchObject({ retry: false, giveUp: expect.stringMatching(/not idempotent/) });
    });
  });

  it('is pure: the same input gives the same decision, and nothing is changed', () => {
    const c = answer429({});
    const s = state();
    const frozen = JSON.stringify({ c, s });
    expect(decide(c, s, retry, half)).toEqual(decide(c, s, retry, half));
    expect(JSON.stringify({ c, s })).toBe(frozen);
  });
});
