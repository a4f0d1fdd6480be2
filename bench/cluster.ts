// `npm run bench:cluster`: the clustered limiter measured with real processes and a real redis-server (issue 19).
//  1. N = 2, 4, 8 processes share one window (40 per 4 s, aligned), with Redis and with local limiting only.
//  2. The outage run: N = 4, 200 calls, redis-server SIGKILLed halfway and restarted 5 s later.
//  3. Cost: one process at concurrency 64 against a window of 10,000,000: calls/s and latency with the limiter off,
//     local or in Redis (interleaved rounds, medians), and Redis commands per call (INFO commandstats deltas).
//  4. Idle load: 2,000 buckets (one token each) then 10 s of nothing: Redis commands per second, and the keys left
//     after close(), past every window.
// Prints Markdown; `--write` puts it in bench/RESULTS.md between the cluster markers. `--only=share,outage,cost,idle`
// runs a part. Nothing here is asserted: test/cluster/*.test.ts holds the bounds.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, startRedis, stop } from '../test/cluster/redis.ts';
import {
  type CostRow,
  cost,
  type IdleResult,
  idle,
  LIMIT,
  type OutageResult,
  outage,
  type ShareRow,
  sharing,
  WINDOW_MS,
} from './cluster-runs.ts';
import { mark, table } from './lib.ts';

const pct = (x: number) => (Number.isNaN(x) ? '—' : `${Math.round(x * 100)} %`);
const fixed = (x: number | undefined, digits = 1) => (x === undefined ? '—' : x.toFixed(digits));

export function shareTable(rows: readonly ShareRow[]): string {
  return table(
    ['processes', 'limiter', 'calls ok', '429s', 'elapsed ÷ ideal', 'window used (min / median)'],
    rows.map((r) => [
      String(r.processes),
      r.mode === 'redis' ? 'Redis' : 'local only',
      `${r.ok} / ${r.calls}`,
      String(r.tooMany),
      r.ratio.toFixed(2),
      `${pct(r.minShare)} / ${pct(r.medianShare)}`,
    ]),
  );
}

export function outageTable(r: OutageResult): string {
  return table(
    ['measure', 'figure', 'target'],
    [
      ['calls settled', `${r.settled} / ${r.calls}`, `all ${mark(r.settled === r.calls)}`],
      ['calls ok', `${r.ok} / ${r.calls}`, `all ${mark(r.ok === r.calls)}`],
      ['429s before the kill', String(r.tooManyBefore), `0 ${mark(r.tooManyBefore === 0)}`],
      [
        '429s from the kill on (5 s outage / after the restart)',
        `**${r.tooManyDuring + r.tooManyAfter}** (${r.tooManyDuring} / ${r.tooManyAfter})`,
        `≤ 10 ${mark(r.tooManyDuring + r.tooManyAfter <= 10)}`,
      ],
      [
        'processes that closed and exited (within 5 s of close())',
        `${r.exited} / ${r.processes}`,
        `all ${mark(r.exited === r.processes)}`,
      ],
      ['elapsed (until every replica closed, or 60 s)', `${r.elapsedS.toFixed(1)} s`, ''],
    ],
  );
}

export function costTable(rows: readonly CostRow[]): string {
  const local = rows.find((r) => r.mode === 'local')!;
  const name = { off: '`rateLimit: false`', local: 'local (default)', redis: 'Redis' } as const;
  return table(
    [
      'limiter',
      'calls/s (c = 64)',
      '× local',
      'p50 / p99 ms',
      'EVALSHA per call',
      'Redis commands per call',
      'target',
    ],
    rows.map((r) => [
      name[r.mode],
      String(Math.round(r.throughput)),
      (r.throughput / local.throughput).toFixed(2),
      `${r.p50.toFixed(1)} / ${r.p99.toFixed(1)}`,
      fixed(r.scriptsPerCall, 2),
      fixed(r.commandsPerCall, 1),
      r.mode === 'redis' ? `≥ 0.5 × local ${mark(r.throughput >= 0.5 * local.throughput)}` : '',
    ]),
  );
}

export function idleTable(r: IdleResult): string {
  return table(
    ['measure', 'figure', 'target'],
    [
      [
        `Redis commands/s, ${r.buckets.toLocaleString('en')} idle buckets over ${r.idleSeconds} s (EVALSHA/s)`,
        `**${r.commandsPerSecond.toFixed(1)}** (${r.scriptsPerSecond.toFixed(1)})`,
        `0 ${mark(r.commandsPerSecond === 0)}`,
      ],
      [
        'keys left after close(), past every window (per bucket)',
        `${r.keys.toLocaleString('en')} (${(r.keys / r.buckets).toFixed(1)})`,
        '',
      ],
      ['of which without a TTL', String(r.keysWithoutTtl), `0 ${mark(r.keysWithoutTtl === 0)}`],
      [
        'longest TTL left',
        r.longestTtlS >= 3600 ? `${(r.longestTtlS / 3600).toFixed(1)} h` : `${r.longestTtlS.toFixed(0)} s`,
        'short-lived',
      ],
    ],
  );
}

const START = '<!-- cluster:start -->';
const END = '<!-- cluster:end -->';

/** Replaces the text between the cluster markers in bench/RESULTS.md (or appends a section with them). */
function writeResults(text: string) {
  const file = join(import.meta.dirname, 'RESULTS.md');
  const current = readFileSync(file, 'utf8');
  const block = `${START}\n${text}\n${END}`;
  const next = current.includes(START)
    ? current.replace(new RegExp(`${START}[\\s\\S]*?${END}`), () => block)
    : `${current.trimEnd()}\n\n## Clustering (Redis)\n\n${block}\n`;
  writeFileSync(file, next);
}

if (import.meta.main) {
  const only = process.argv
    .find((a) => a.startsWith('--only='))
    ?.slice(7)
    .split(',');
  const wants = (part: string) => !only || only.includes(part);
  const step = async <T>(name: string, run: () => Promise<T>): Promise<T> => {
    console.error(`bench:cluster: ${name}…`);
    const started = Date.now();
    const result = await run();
    console.error(`bench:cluster: ${name} done in ${((Date.now() - started) / 1000).toFixed(0)} s`);
    return result;
  };
  const port = await freePort();
  let redis = await startRedis(port);
  const parts: string[] = [];
  try {
    if (wants('share')) {
      const rows = await step('sharing', () => sharing(port));
      parts.push(
        `**N processes, one window** (${LIMIT} per ${WINDOW_MS / 1000} s, aligned; 160 calls in all, 4 at a time per process, started together; "window used": the share of each full window served):`,
        '',
        shareTable(rows),
        '',
      );
    }
    if (wants('cost')) {
      const rows = await step('cost', () => cost(port));
      parts.push(
        '**Cost** (one process, 4,000 calls at concurrency 64, a window of 10,000,000; three interleaved rounds, medians; commands per call from `INFO commandstats`, commands inside scripts included):',
        '',
        costTable(rows),
        '',
      );
    }
    if (wants('idle')) {
      const result = await step('idle', () => idle(port));
      parts.push(
        '**Idle load** (one process, 2,000 buckets — one bearer token each, one call each, windows of 4 s — then 10 s with no call):',
        '',
        idleTable(result),
        '',
      );
    }
    if (wants('outage')) {
      const run = await step('outage', () => outage(port, redis));
      redis = run.redis;
      parts.push(
        `**Outage** (4 processes, 200 calls, ${LIMIT} per ${WINDOW_MS / 1000} s; redis-server SIGKILLed once 100 calls settled, restarted empty 5 s later):`,
        '',
        outageTable(run.result),
        '',
      );
    }
  } finally {
    await stop(redis);
  }
  const text = parts.join('\n').trimEnd();
  console.log(text);
  if (process.argv.includes('--write')) writeResults(text);
}
