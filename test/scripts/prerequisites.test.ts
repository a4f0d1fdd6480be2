// Issue 14, item 10: `npm test` says at once what the machine lacks (its `pretest` runs this script).
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const script = join(import.meta.dirname, '../../scripts/prerequisites.mjs');
const nodeDir = dirname(process.execPath);
const fakeBin = mkdtempSync(join(tmpdir(), 'calmfetch-prereq-'));
afterAll(() => rmSync(fakeBin, { recursive: true, force: true }));

const check = (path: string) =>
  spawnSync(process.execPath, [script], { encoding: 'utf8', env: { PATH: path } });

describe('scripts/prerequisites.mjs', () => {
  it('without redis-server on PATH: fails at once, saying how to get it on Debian and macOS', () => {
    const result = check(nodeDir);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('redis-server is not on PATH');
    expect(result.stderr).toContain('apt-get install redis-server');
    expect(result.stderr).toContain('brew install redis');
  });

  it('with redis-server on PATH and Node >= 22: passes quietly', () => {
    writeFileSync(join(fakeBin, 'redis-server'), '#!/bin/sh\necho "Redis server v=7.0.15"\n');
    chmodSync(join(fakeBin, 'redis-server'), 0o755);
    const result = check(`${fakeBin}:${nodeDir}`);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });
});
