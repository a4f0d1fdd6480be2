import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { STREAM_DEFAULTS } from '../../src/index.ts';
import { normalizeStream } from '../../src/stream/options.ts';
import { reconnectDelay } from '../../src/stream/schedule.ts';

const x = STREAM_DEFAULTS.reconnect;
const steps = (schedule: Parameters<typeof reconnectDelay>[0], n: number) =>
  Array.from({ length: n }, (_, i) => reconnectDelay(schedule, i + 1, x));

describe("X's reconnect schedules (handling-disconnections.mdx:83-106)", () => {
  test('an established connection that dropped: at once', () => {
    expect(steps('immediate', 3)).toEqual([0, 0, 0]);
  });
  test('network errors: +250 ms per attempt, up to 16 s', () => {
    expect(steps('network', 4)).toEqual([250, 500, 750, 1000]);
    expect(reconnectDelay('network', 64, x)).toBe(16_000);
    expect(reconnectDelay('network', 65, x)).toBe(16_000);
  });
  test('HTTP errors: 5 s doubling, up to 320 s', () => {
    expect(steps('http', 8)).toEqual([5000, 10_000, 20_000, 40_000, 80_000, 160_000, 320_000, 320_000]);
  });
  test('420/429: 1 min doubling, capped at 16 min by default', () => {
    expect(steps('rate-limit', 6)).toEqual([60_000, 120_000, 240_000, 480_000, 960_000, 960_000]);
  });
});

describe('stream options', () => {
  test('defaults are X-documented values', () => {
    const o = normalizeStream(undefined);
    expect(o.stallTimeoutMs).toBe(60_000);
    expect(o.schedule).toEqual({
      networkStepMs: 250,
      networkMaxMs: 16_000,
      httpBaseMs: 5000,
      httpMaxMs: 320_000,
      rateLimitBaseMs: 60_000,
      rateLimitMaxMs: 960_000,
    });
    expect(o.recovery).toBeUndefined();
    expect(normalizeStream({ recovery: true }).recovery).toEqual({ maxGapMs: 300_000, remember: 10_000 });
  });

  test('the README shows the defaults STREAM_DEFAULTS holds', () => {
    const readme = readFileSync(join(import.meta.dirname, '../../README.md'), 'utf8');
    const { reconnect, recovery, ...top } = STREAM_DEFAULTS;
    const quote = (v: unknown) => (typeof v === 'string' ? `'${v}'` : String(v));
    for (const [name, value] of Object.entries(top))
      expect(readme).toMatch(new RegExp(`\\| \`${name}\` \\| [^\\n]*\\| \`${quote(value)}\` \\|`));
    for (const [name, value] of Object.entries(reconnect)) {
      expect(readme).toContain(`| \`reconnect.${name}\` | \`number\` | \`${value}\` |`);
    }
    expect(readme).toContain(`\`maxGapMs\` ${recovery.maxGapMs}`);
    expect(readme).toContain(`\`remember\` ${recovery.remember}`);
  });

  test.each([
    [{ stallTimeoutMs: 0 }, '`stallTimeoutMs`'],
    [{ maxQueue: 1.5 }, '`maxQueue`'],
    [{ onLagging: 'block' }, '`onLagging`'],
    [{ reconnect: { httpBaseMs: -1 } }, '`reconnect.httpBaseMs`'],
    [{ reconnect: { typo: 1 } }, '`reconnect` has an unknown option `typo`'],
    [{ recovery: { maxGapMs: 600_000 } }, '`recovery.maxGapMs`'],
    [{ recovery: 'yes' }, '`recovery`'],
    [{ json: {} }, 'unknown option `json`'],
    [{ signal: 'x' }, '`signal`'],
    [{ timeoutMs: 0 }, '`timeoutMs`'],
  ])('%j is refused with a TypeError naming it', (options, name) => {
    expect(() => normalizeStream(options)).toThrow(TypeError);
    expect(() => normalizeStream(options)).toThrow(name);
  });
});
