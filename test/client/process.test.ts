import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

const script = join(import.meta.dirname, '../fixtures/scripts/unref-wait.ts');
const run = (env: Record<string, string> = {}) =>
  promisify(execFile)(process.execPath, [script], { timeout: 20_000, env: { ...process.env, ...env } });

it('a pending wait keeps the process alive until the call settles, then the process exits on its own', async () => {
  const { stdout } = await run();
  expect(stdout.trim().split('\n')).toEqual(['waiting 0.2 s', 'done after 2 attempts']);
}, 30_000);

it('close() during a 600 s wait fails the call at once with the closed error and lets the process exit', async () => {
  // If the wait held on, execFile's timeout would kill the process and this would reject.
  const { stdout } = await run({ CLOSE: '1' });
  const [waiting, rejected] = stdout.trim().split('\n');
  expect(waiting).toMatch(/^waiting 60\d(\.\d)? s$/);
  // One typed error wherever a call waits: permanent (a closed client will not recover), the 429 as its cause.
  expect(rejected).toBe('rejected: PermanentError; giveUp: the client was closed; cause: RateLimitError');
}, 30_000);
