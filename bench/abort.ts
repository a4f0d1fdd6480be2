// Abort: 1,000 calls waiting on a spent window are aborted one by one; abort-to-rejection latency, what is left
// behind, and whether the process then exits by itself (each run in its own process).
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { type ContenderName, contenders } from './contenders.ts';
import { mark, percentile, startServer, table } from './lib.ts';

export interface AbortRow {
  readonly name: string;
  readonly rejected: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
  readonly wrongReason: number;
  readonly sentWhileWaiting: number;
  readonly resources: string[];
  readonly exitMs: number | undefined;
}

export async function abort(only: ContenderName[] = ['calmfetch', 'ky']): Promise<AbortRow[]> {
  const server = await startServer();
  const rows: AbortRow[] = [];
  try {
    for (const name of only) {
      await server.control('/__reset');
      const child = fork(join(import.meta.dirname, 'abort-worker.ts'), [server.url, name], {
        stdio: 'inherit',
      });
      const [report] = (await once(child, 'message')) as [
        { latencies: number[]; wrongReason: number; sent: number; resources: string[] },
      ];
      const reported = Date.now();
      const exited = await Promise.race([
        once(child, 'exit').then(() => Date.now() - reported),
        new Promise<undefined>((resolve) => void setTimeout(resolve, 10_000)),
      ]);
      if (exited === undefined) child.kill('SIGKILL');
      rows.push({
        name: contenders[name](server.url).name,
        rejected: report.latencies.length,
        p50: percentile(report.latencies, 50),
        p99: percentile(report.latencies, 99),
        max: Math.max(...report.latencies),
        wrongReason: report.wrongReason,
        sentWhileWaiting: report.sent,
        resources: report.resources,
        exitMs: exited,
      });
    }
  } finally {
    await server.stop();
  }
  return rows;
}

export function abortTable(rows: readonly AbortRow[]): string {
  const calm = rows.find((r) => r.name.startsWith('calmfetch'));
  const count = (resources: string[]) => {
    const counts = new Map<string, number>();
    for (const r of resources) counts.set(r, (counts.get(r) ?? 0) + 1);
    return [...counts].map(([r, n]) => `${r} × ${n}`).join(', ') || 'none';
  };
  return [
    '1,000 calls wait on a window that resets in 60 s (calmfetch: in its limiter; ky: in its retry delay after a 429), each with its own AbortController; each is aborted in turn and its rejection awaited. Targets: p99 abort-to-rejection < 5 ms; afterwards nothing left and the process exits by itself.',
    '',
    table(
      [
        'client',
        'rejected',
        'p50 ms',
        'p99 ms',
        'max ms',
        'rejected with another reason',
        'requests while waiting',
        'left behind, 100 ms later (besides the IPC channel)',
        'process exit after the last abort',
      ],
      rows.map((r) => [
        r.name,
        `${r.rejected}/1000`,
        r.p50.toFixed(3),
        `**${r.p99.toFixed(3)}**`,
        r.max.toFixed(3),
        String(r.wrongReason),
        String(r.sentWhileWaiting),
        count(r.resources),
        r.exitMs === undefined ? 'did not exit within 10 s' : `${r.exitMs} ms`,
      ]),
    ),
    '',
    calm
      ? `- calmfetch: p99 **${calm.p99.toFixed(3)} ms** (target < 5) ${mark(calm.p99 < 5)}; left behind: ${count(calm.resources)}; exit ${calm.exitMs === undefined ? 'none ❌' : `after ${calm.exitMs} ms ✅`}.`
      : '',
  ].join('\n');
}

if (import.meta.main) {
  const only = process.argv.slice(2) as ContenderName[];
  console.log(abortTable(await abort(only.length > 0 ? only : undefined)));
}
