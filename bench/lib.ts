// What the benchmarks share: the server in its own process, statistics, and Markdown tables.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';

export interface BenchServer {
  readonly url: string;
  readonly child: ChildProcess;
  stats<T = ServerStats>(): Promise<T>;
  control(path: string): Promise<void>;
  stop(): Promise<void>;
}

export interface ServerStats {
  requests: number;
  byStatus: Record<string, number>;
  served: number;
  outage: { start: number; end: number; during: number; firstOkAfter: number };
}

/** Starts `script` (bench/http-server.ts by default) in its own Node process; it prints its URL. */
export async function startServer(
  script = 'http-server.ts',
  env: Record<string, string> = {},
): Promise<BenchServer> {
  const child = spawn(process.execPath, [join(import.meta.dirname, script)], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const [chunk] = (await once(child.stdout!, 'data')) as [Buffer];
  const url = chunk.toString().trim();
  return {
    url,
    child,
    stats: async <T>() => (await (await fetch(`${url}/__stats`)).json()) as T,
    control: async (path: string) => {
      await (await fetch(`${url}${path}`, { method: 'POST' })).arrayBuffer();
    },
    stop: async () => {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
  };
}

export const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

export const percentile = (values: readonly number[], p: number): number => {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
};

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A Markdown table. */
export function table(head: readonly string[], rows: readonly (readonly string[])[]): string {
  return [
    `| ${head.join(' | ')} |`,
    `|${head.map(() => '---').join('|')}|`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');
}

/** ✅ when `ok`, ❌ otherwise: a figure beside its target. */
export const mark = (ok: boolean) => (ok ? '✅' : '❌');
