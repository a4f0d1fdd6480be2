// A real redis-server for the cluster tests and bench/cluster.ts: on a free loopback port, no persistence (a
// restart comes back empty, as after a crash), ready when it says so, stopped by its own pid.
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';

export const freePort = () =>
  new Promise<number>((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

const started = new Set<ChildProcess>();

/** Starts redis-server on `port` and resolves once it accepts connections (at most 10 s). */
export function startRedis(port: number): Promise<ChildProcess> {
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: ['ignore', 'pipe', 'ignore'] },
  );
  started.add(child);
  child.once('exit', () => started.delete(child));
  return new Promise((resolve, reject) => {
    let log = '';
    const timer = setTimeout(() => fail(new Error(`redis-server did not start on ${port}: ${log}`)), 10_000);
    const fail = (error: Error) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(error);
    };
    child.once('error', (error) =>
      fail(
        new Error(
          `redis-server could not start (${(error as NodeJS.ErrnoException).code}): install it (Debian: apt-get install redis-server); .ci/run does`,
        ),
      ),
    );
    child.stdout!.on('data', (chunk: Buffer) => {
      log = (log + chunk.toString()).slice(-2000);
      if (/Ready to accept connections/.test(log)) {
        clearTimeout(timer);
        child.stdout!.removeAllListeners('data');
        child.stdout!.resume();
        resolve(child);
      }
    });
  });
}

/** SIGKILLs redis-server (a crash: nothing saved) and resolves once it is gone. */
export const stop = (child: ChildProcess) =>
  new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });

/** Stops every redis-server this process started and is still running (a failed test must not leak one). */
export const stopAllRedis = () => Promise.all([...started].map(stop));

/** Polls `condition` every 20 ms until it holds or `ms` pass; resolves whether it holds. */
export const until = async (condition: () => boolean, ms = 10_000) => {
  const end = Date.now() + ms;
  while (!condition() && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
  return condition();
};
