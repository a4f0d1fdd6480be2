// `npm run demo`: a service's workload through createClient(), told as a live timeline, with a summary table.
// With no credentials it runs against calmfetch/mocks' fake X API on a loopback socket; with X_BEARER_TOKEN
// (and optionally X_API_URL) against the real API, read-only.
import { createMockXApi, type MockServer, startMockServer } from '../mocks/node.ts';
import { oauthDemoApi } from './oauth.ts';
import { demoApi, type PhaseResult, runScenario } from './scenario.ts';

const DEMO_TOKEN = 'demo-bearer-token';
const tty = process.stdout.isTTY === true;
const style = (code: string) => (text: string) => (tty ? `\x1b[${code}m${text}\x1b[0m` : text);
const dim = style('2');
const bold = style('1');

async function main(): Promise<number> {
  const realToken = process.env.X_BEARER_TOKEN;
  let server: MockServer | undefined;
  let oauthServer: MockServer | undefined;
  let baseUrl: string;
  if (realToken) {
    baseUrl = process.env.X_API_URL ?? 'https://api.x.com';
    console.log(bold(`calmfetch demo against ${baseUrl} (read-only; no forced faults)`));
  } else {
    const api = createMockXApi(demoApi(DEMO_TOKEN));
    server = await startMockServer(api.handlers);
    oauthServer = await startMockServer(createMockXApi(oauthDemoApi()).handlers);
    baseUrl = server.url;
    console.log(bold(`calmfetch demo against a fake X API on ${baseUrl} (no network, no credentials)`));
    console.log(dim('Set X_BEARER_TOKEN (and optionally X_API_URL) to run it against the real API.'));
  }

  const countdown = createCountdown();
  let results: PhaseResult[];
  try {
    results = await runScenario({
      baseUrl,
      token: realToken ?? DEMO_TOKEN,
      mode: realToken ? 'live' : 'mock',
      print: (line) => countdown.print(line),
      onWait: (until, label) => countdown.set(until, label),
      ...(oauthServer && { oauthBaseUrl: oauthServer.url }),
    });
  } finally {
    countdown.stop();
    await server?.close();
    await oauthServer?.close();
  }

  console.log('');
  console.log(bold('Summary'));
  printTable(
    ['phase', 'calls', 'requests', '429s', 'waited', 'took', 'result'],
    results.map((r) => [
      r.phase,
      String(r.calls),
      String(r.requests),
      String(r.rateLimited),
      `${(r.waitedMs / 1000).toFixed(1)} s`,
      `${(r.ms / 1000).toFixed(1)} s`,
      r.asExpected ? '✔ as designed' : '✘ unexpected',
    ]),
  );
  const all = results.every((r) => r.asExpected);
  console.log('');
  console.log(
    all ? 'Every phase behaved as designed.' : 'Some phases did not behave as designed (see above).',
  );
  return realToken || all ? 0 : 1;
}

/** One status line under the timeline that counts a wait down, on a terminal; nothing otherwise. */
function createCountdown() {
  let until: Date | undefined;
  let label = '';
  let shown = false;
  const clear = () => {
    if (shown) process.stdout.write('\r\x1b[2K');
    shown = false;
  };
  const timer = setInterval(() => {
    if (!tty || !until) return;
    const left = until.getTime() - Date.now();
    if (left <= 0) {
      clear();
      until = undefined;
      return;
    }
    process.stdout.write(`\r\x1b[2K${dim(`    ⏳ ${(left / 1000).toFixed(1)} s left — ${label}`)}`);
    shown = true;
  }, 100);
  timer.unref();
  return {
    print(line: string) {
      clear();
      console.log(line);
    },
    set(next: Date | undefined, text: string) {
      if (next && until && next < until) return;
      until = next;
      label = text;
      if (!next) clear();
    },
    stop() {
      clearInterval(timer);
      clear();
    },
  };
}

function printTable(head: string[], rows: string[][]) {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ');
  console.log(bold(line(head)));
  console.log(widths.map((w) => '─'.repeat(w)).join('  '));
  for (const row of rows) console.log(line(row));
}

process.exitCode = await main();
