// Redis at start-up and at close (issue 13, item 7), with a real redis-server and a port nothing listens on.
import { type ChildProcess, execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { type CalmEvent, createClient } from '../../src/index.ts';
import { freePort, startRedis, stop, until } from './redis-server.ts';

const answer: typeof fetch = async () => Response.json({ data: { id: '1' } });
const limiterEvents = (events: CalmEvent[]) => events.filter((e) => e.type === 'limiter');
let redis: ChildProcess | undefined;
afterAll(async () => {
  if (redis) await stop(redis);
});

describe('Redis unreachable at start', () => {
  it('the first call waits timeoutMs once, later calls pay nothing, one limiter event; the process exits after close()', async () => {
    const script = join(import.meta.dirname, '../fixtures/scripts/redis-down-exit.ts');
    const port = await freePort();
    // execFile's timeout kills a process that does not exit on its own (a handle left behind).
    const { stdout } = await promisify(execFile)(process.execPath, [script], {
      env: { ...process.env, REDIS_PORT: String(port) },
      timeout: 15_000,
    });
    const { took, limiter } = JSON.parse(stdout.trim().split('\n').at(-1)!) as {
      took: number[];
      limiter: CalmEvent[];
    };
    expect(took[0]).toBeGreaterThanOrEqual(250);
    expect(took[0]).toBeLessThan(1500);
    for (const ms of took.slice(1)) expect(ms).toBeLessThan(100);
    expect(limiter).toEqual([
      { type: 'limiter', action: 'local-fallback', reason: expect.stringMatching(/^Redis unavailable: /) },
    ]);
  }, 30_000);

  it('a background probe finds Redis once it starts, and the client uses it', async () => {
    const port = await freePort();
    const events: CalmEvent[] = [];
    const prefix = `late-${Date.now()}`;
    // A window far from spent: with Redis, its count is shared (a key per bucket); without headers none would be.
    const windowed: typeof fetch = async () =>
      Response.json(
        { data: { id: '1' } },
        {
          headers: {
            'x-rate-limit-limit': '1000',
            'x-rate-limit-remaining': '990',
            'x-rate-limit-reset': String(Math.ceil(Date.now() / 1000) + 900),
          },
        },
      );
    const x = createClient({
      fetch: windowed,
      rateLimit: { redis: { options: { port, host: '127.0.0.1' }, timeoutMs: 300, prefix } },
      hooks: { onEvent: (event) => events.push(event) },
    });
    await x.get('/2/users/me');
    expect(limiterEvents(events).map((e) => e.type === 'limiter' && e.action)).toEqual(['local-fallback']);
    redis = await startRedis(port);
    expect(
      await until(() => events.some((e) => e.type === 'limiter' && e.action === 'redis-recovered'), 10_000),
    ).toBe(true);
    await x.get('/2/users/me');
    const { Redis } = await import('ioredis');
    const admin = new Redis({ port, host: '127.0.0.1' });
    const keys = await admin.keys(`*${prefix}*`);
    await admin.quit();
    expect(keys.length).toBeGreaterThan(0);
    await x.close();
  }, 30_000);
});

describe('close()', () => {
  it('with Redis up, no limiter event comes after close() resolves', async () => {
    const port = await freePort();
    const server = await startRedis(port);
    const events: CalmEvent[] = [];
    const x = createClient({
      fetch: answer,
      rateLimit: { redis: { options: { port, host: '127.0.0.1' }, prefix: `close-${Date.now()}` } },
      hooks: { onEvent: (event) => events.push(event) },
    });
    await x.get('/2/users/me');
    await x.close();
    const after = events.length;
    await new Promise((resolve) => setTimeout(resolve, 300));
    await stop(server);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(events.slice(after)).toEqual([]);
    expect(limiterEvents(events)).toEqual([]);
  }, 30_000);
});
