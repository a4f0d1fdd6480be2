// Outage amplification: open-loop load (a new call every 10 ms, whatever the answers) against a server that
// answers 503 + code 130 for OUTAGE_MS, then 200. Each contender is warmed on a healthy server first, then meets
// the outage on its own; requests the server saw during the outage ÷ calls started during it.
import { type ContenderName, contenders } from './contenders.ts';
import { mark, sleep, startServer, table } from './lib.ts';

const OUTAGE_MS = Number(process.env.OUTAGE_MS ?? 3000);
const INTERVAL_MS = 10;
const AFTER_MS = 2000;
const SETTLE_MS = 20_000;

export interface OutageRow {
  readonly name: string;
  readonly calls: number;
  readonly requestsDuring: number;
  readonly perCall: number;
  readonly firstOkAfterMs: number;
  readonly failed: number;
  readonly unsettled: number;
}

const ORDER: ContenderName[] = ['calmfetch', 'ky', 'got', 'axios-retry', 'p-retry', 'raw fetch'];

export async function outage(only: ContenderName[] = ORDER): Promise<OutageRow[]> {
  const server = await startServer();
  const rows: OutageRow[] = [];
  try {
    for (const name of only) {
      const client = contenders[name](server.url);
      await server.control('/__reset');
      for (let i = 0; i < 20; i++) await client.get('/2/tweets/20'); // warm: sockets, and a full retry budget
      await server.control(`/__outage?ms=${OUTAGE_MS}`);
      const start = Date.now();
      let calls = 0;
      let failed = 0;
      let settled = 0;
      const pending: Promise<void>[] = [];
      while (Date.now() - start < OUTAGE_MS + AFTER_MS) {
        if (Date.now() - start < OUTAGE_MS) calls++;
        pending.push(
          client.get('/2/tweets/20').then(
            () => {
              settled++;
            },
            () => {
              settled++;
              failed++;
            },
          ),
        );
        await sleep(INTERVAL_MS);
      }
      await Promise.race([Promise.all(pending), sleep(SETTLE_MS)]);
      const stats = await server.stats();
      rows.push({
        name: client.name,
        calls,
        requestsDuring: stats.outage.during,
        perCall: stats.outage.during / calls,
        firstOkAfterMs: stats.outage.firstOkAfter,
        failed,
        unsettled: pending.length - settled,
      });
      await client.close?.();
      await sleep(200);
    }
  } finally {
    await server.stop();
  }
  return rows;
}

export function outageTable(rows: readonly OutageRow[]): string {
  const calm = rows.find((r) => r.name.startsWith('calmfetch'));
  return [
    `A new call every ${INTERVAL_MS} ms; the server answers 503 + code 130 for ${OUTAGE_MS / 1000} s, then 200 (another ${AFTER_MS / 1000} s of load). Each client warmed with 20 successes first. Targets: ≤ 1.2 server requests per call during the outage; the first success within 1 s of recovery.`,
    '',
    table(
      [
        'client',
        'calls in outage',
        'requests in outage',
        'requests ÷ call',
        'first 200 after recovery',
        'calls failed',
        'unsettled',
      ],
      rows.map((r) => [
        r.name,
        String(r.calls),
        String(r.requestsDuring),
        `**${r.perCall.toFixed(2)}**`,
        r.firstOkAfterMs < 0 ? 'never' : `${r.firstOkAfterMs} ms`,
        String(r.failed),
        String(r.unsettled),
      ]),
    ),
    '',
    calm
      ? `- calmfetch: **${calm.perCall.toFixed(2)} requests per call** (target ≤ 1.2) ${mark(calm.perCall <= 1.2)}; first success ${calm.firstOkAfterMs} ms after recovery (target ≤ 1,000) ${mark(calm.firstOkAfterMs >= 0 && calm.firstOkAfterMs <= 1000)}.`
      : '',
  ].join('\n');
}

if (import.meta.main) {
  const only = process.argv.slice(2) as ContenderName[];
  console.log(outageTable(await outage(only.length > 0 ? only : undefined)));
}
