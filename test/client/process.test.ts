import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

it('a pending rate-limit wait never keeps the process alive', async () => {
  const script = join(import.meta.dirname, '../fixtures/scripts/unref-wait.ts');
  // If the 600 s wait held the process, execFile's timeout would kill it and the call would reject.
  const { stdout } = await promisify(execFile)(process.execPath, [script], { timeout: 20_000 });
  expect(stdout.trim()).toMatch(/^waiting 60\d s$/);
}, 30_000);
