// What the real-process cluster tests share: a redis-server, the fake X API on loopback, and forked replicas
// (test/cluster/worker.ts) that report over IPC. Time here is real: every wait has a deadline, and a replica that
// outlives its test is SIGKILLed.
import { type ChildProcess, fork } from 'node:child_process';
import { join } from 'node:path';
import { createMockXApi, type MockServer, type MockXApi, startMockServer } from '../../mocks/node.ts';
import { until } from './redis.ts';

export { freePort, startRedis, stop, stopAllRedis, until } from './redis.ts';

export interface Message {
  readonly type: string;
  readonly [key: string]: unknown;
}

export interface Done extends Message {
  readonly settled: number;
  readonly settledBeforeClose: number;
  readonly outcomes: Record<string, number>;
  readonly queuedAtClose: number;
  readonly callsMs: number;
  readonly closeMs: number;
  readonly settleMs: number;
  readonly limiterEvents: readonly { at: number; action: string }[];
  readonly afterClose: readonly unknown[];
}

export interface Replica {
  readonly child: ChildProcess;
  readonly messages: Message[];
  /** Calls settled so far, from the replica's `progress` messages. */
  settled: number;
  /** Calls that succeeded so far, from the same messages. */
  ok: number;
  output: string;
  exitCode: number | null | undefined;
  exitedAt: number | undefined;
  last(type: string): Message | undefined;
  send(type: string, fields?: object): void;
}

const live = new Set<Replica>();

/** Forks `n` replicas with `env` and waits until each has loaded and said `ready`. */
export async function startReplicas(n: number, env: Record<string, string>): Promise<Replica[]> {
  const replicas = Array.from({ length: n }, () => {
    const child = fork(join(import.meta.dirname, 'worker.ts'), [], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    const replica: Replica = {
      child,
      messages: [],
      settled: 0,
      ok: 0,
      output: '',
      exitCode: undefined,
      exitedAt: undefined,
      last: (type) => replica.messages.findLast((m) => m.type === type),
      send: (type, fields = {}) => {
        if (child.connected) child.send({ ...fields, type });
      },
    };
    const keep = (chunk: Buffer) => {
      replica.output = (replica.output + chunk.toString()).slice(-4000);
    };
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    child.on('message', (message: Message) => {
      replica.messages.push(message);
      if (message.type === 'progress') {
        replica.settled = message.settled as number;
        replica.ok = message.ok as number;
      }
    });
    child.on('exit', (code, signal) => {
      replica.exitCode = code ?? (signal ? -1 : null);
      replica.exitedAt = Date.now();
      live.delete(replica);
    });
    live.add(replica);
    return replica;
  });
  const ready = await until(() => replicas.every((r) => r.last('ready') || r.exitCode !== undefined), 30_000);
  if (!ready || replicas.some((r) => r.exitCode !== undefined)) {
    throw new Error(`a replica did not start: ${replicas.map((r) => r.output).join('\n')}`);
  }
  return replicas;
}

/** SIGKILLs every replica still running (a failed test must not leave a spinning process behind). */
export async function killReplicas(): Promise<void> {
  const running = [...live];
  await Promise.all(
    running.map(
      (r) =>
        new Promise<void>((resolve) => {
          if (r.exitCode !== undefined) return resolve();
          r.child.once('exit', () => resolve());
          r.child.kill('SIGKILL');
        }),
    ),
  );
}

/** Whether the replica exits on its own within `ms` of now. */
export const exitsWithin = (replica: Replica, ms: number) => until(() => replica.exitCode !== undefined, ms);

/** The fake X API on loopback with aligned windows of `limit` calls per `windowMs` on GET /2/tweets/:id. */
export async function startApi(
  limit: number,
  windowMs: number,
): Promise<{ api: MockXApi; server: MockServer }> {
  const api = createMockXApi({
    alignWindows: true,
    endpoints: [{ method: 'GET', path: '/2/tweets/:id', limit, windowMs }],
    posts: { '20': 'just setting up my twttr' },
  });
  return { api, server: await startMockServer(api.handlers) };
}

/** The 429s the fake has answered so far. */
export const tooMany = (api: MockXApi) => api.stats.byStatus[429] ?? 0;

/** A one-line account of replicas for an assertion message. */
export const describeReplicas = (replicas: readonly Replica[]) =>
  replicas
    .map(
      (r, i) =>
        `#${i}: settled ${r.settled}, exit ${r.exitCode}, last ${JSON.stringify(r.messages.at(-1))?.slice(0, 300)}`,
    )
    .join('\n');
