// Issue 14, item 9: with `rateLimit.redis` and no ioredis installed, createClient says which option needs it and
// what to install. ioredis is made unresolvable for this file's process: Bottleneck requires it by name.
import Module, { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '../../src/index.ts';

type Resolve = (request: string, ...rest: unknown[]) => string;
const internals = Module as unknown as { _resolveFilename: Resolve };
const original = internals._resolveFilename;

beforeAll(() => {
  internals._resolveFilename = function (this: unknown, request, ...rest) {
    if (request === 'ioredis') {
      throw Object.assign(new Error("Cannot find module 'ioredis'"), { code: 'MODULE_NOT_FOUND' });
    }
    return original.call(this, request, ...rest);
  };
});
afterAll(() => {
  internals._resolveFilename = original;
});

describe('rateLimit.redis without ioredis installed', () => {
  it('the module is unresolvable here (the premise of this file)', () => {
    expect(() => createRequire(import.meta.url)('ioredis')).toThrow(/Cannot find module 'ioredis'/);
  });

  it('createClient throws an error naming the option and the package to install', () => {
    let thrown: unknown;
    try {
      createClient({ rateLimit: { redis: { options: { port: 1, lazyConnect: true } } } });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(Error);
    expect((thrown as Error).message).toMatch(/^`rateLimit\.redis` needs the ioredis package/);
    expect((thrown as Error).message).toContain('npm i ioredis');
    expect(((thrown as Error).cause as Error).message).toBe("Cannot find module 'ioredis'");
  });
});
