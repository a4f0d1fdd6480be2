// The runtime smoke suite (`npm run test:runtimes`, part of `npm test`): the built package makes four real calls
// against a loopback node:http server from Node, Deno, Bun, workerd and headless Chromium. Each runtime gets a
// fresh server; the runner checks what the runtime reports and what the server counted.
// Usage: node scripts/runtimes.ts [runtime …]  (default: all).
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { build } from 'esbuild';
import type { SmokeReport } from '../test/runtimes/calls.ts';
import { startSmokeServer, startStaticServer } from '../test/runtimes/server.ts';

const root = join(import.meta.dirname, '..');
const bin = (name: string) => join(root, 'node_modules/.bin', name);
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const RUNTIME_TIMEOUT_MS = 60_000;

/** What every runtime's server must have seen: one lookup, 503 then 200, 429 then 200, and the POST once. */
const EXPECTED_COUNTS = {
  'GET /2/tweets': 1,
  'GET /2/users/me': 2,
  'GET /2/tweets/search/recent': 2,
  'POST /2/tweets': 1,
};

type Runner = (api: string, work: string) => Promise<unknown>;

/** Ends a child started with `detached: true` and whatever it started, by its process group id. */
function killGroup(child: ChildProcess) {
  if (child.pid === undefined || child.exitCode !== null) return;
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

/** Runs a command to its end; its stdout's last line is the report. Killed (by its own pid) on timeout. */
function runProcess(command: string, args: string[]): Promise<unknown> {
  return new Promise((resolve, reject) => {
    // Its own process group: npm's `deno` and `bun` bins may be Node wrappers around the real binary, and a
    // timeout must end both.
    const child = spawn(command, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
    });
    child.stderr.on('data', (chunk) => {
      err += chunk;
    });
    const timer = setTimeout(() => killGroup(child), RUNTIME_TIMEOUT_MS);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const last = out.trim().split('\n').at(-1) ?? '';
      if (code === 0 && last.startsWith('{')) resolve(JSON.parse(last));
      else reject(new Error(`exit ${code ?? signal}: ${(err || out).trim().slice(-800)}`));
    });
  });
}

/**
 * Bundles one entry from test/runtimes with the built package (dist/), not the source. With `splitting`, into the
 * directory `out` as a user's bundler would for a page: calmfetch's lazy chunk (the stream supervisor)
 * become files of their own that the page fetches when a call needs them.
 */
async function bundle(entry: string, out: string, conditions: string[], splitting = false) {
  await build({
    entryPoints: [join(root, 'test/runtimes', entry)],
    ...(splitting ? { outdir: out, splitting: true, entryNames: '[name]' } : { outfile: out }),
    bundle: true,
    format: 'esm',
    platform: 'browser',
    conditions,
    // The repository's tsconfig maps `calmfetch` to src/ for type-checking; the bundle must take the package's
    // own `exports` (dist/), as a user's bundler would.
    tsconfigRaw: {},
    logLevel: 'error',
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function waitForHttp(url: string, child: ChildProcess, deadline: number): Promise<void> {
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`workerd exited with ${child.exitCode}`);
    try {
      await fetch(url);
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  throw new Error(`workerd did not listen on ${url}`);
}

/**
 * workerd with no compatibility flags. From the 2026-08-04 compatibility date on, Workers give `node:crypto` (through
 * `process.getBuiltinModule`) by default; before it, Web Crypto only: one run of each.
 */
function workerd(compatibilityDate: string): Runner {
  return async (api, work) => {
    await bundle('worker.ts', join(work, 'worker.js'), ['workerd', 'worker']);
    const port = await freePort();
    // The network service allows loopback, which workerd's default `internet` service refuses.
    writeFileSync(
      join(work, 'config.capnp'),
      `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [
    (name = "main", worker = .smokeWorker),
    (name = "loopback", network = (allow = ["public", "private", "local"])),
  ],
  sockets = [ (name = "http", address = "127.0.0.1:${port}", http = (), service = "main") ],
);
const smokeWorker :Workerd.Worker = (
  modules = [ (name = "worker.js", esModule = embed "worker.js") ],
  compatibilityDate = "${compatibilityDate}",
  globalOutbound = "loopback",
);
`,
    );
    // The binary itself (the `workerd` package's main export is its path): node_modules/.bin/workerd is a Node
    // wrapper on a fresh install, and killing the wrapper would leave workerd running.
    const workerdBinary = createRequire(import.meta.url)('workerd').default as string;
    const child = spawn(workerdBinary, ['serve', join(work, 'config.capnp')], {
      stdio: 'ignore',
      detached: true,
    });
    try {
      const origin = `http://127.0.0.1:${port}`;
      await waitForHttp(origin, child, Date.now() + 20_000);
      const response = await fetch(`${origin}/?api=${encodeURIComponent(api)}`, {
        signal: AbortSignal.timeout(RUNTIME_TIMEOUT_MS),
      });
      return await response.json();
    } finally {
      killGroup(child);
    }
  };
}

const runners: Record<string, Runner> = {
  node: (api) => runProcess(process.execPath, ['test/runtimes/entry.ts', api]),
  deno: (api) =>
    runProcess(bin('deno'), [
      'run',
      '--no-lock',
      '--no-prompt',
      '--allow-net=127.0.0.1',
      '--allow-read',
      'test/runtimes/entry.ts',
      api,
    ]),
  bun: (api) => runProcess(bin('bun'), ['test/runtimes/entry.ts', api]),

  workerd: workerd('2026-11-01'),
  'workerd-2026-07': workerd('2026-07-01'),

  async chromium(api, work) {
    if (!existsSync(CHROMIUM))
      throw new Error(`no browser at ${CHROMIUM}: apt-get install chromium (.ci/run does)`);
    const out = join(work, 'page');
    await bundle('browser.ts', out, [], true);
    const scripts = Object.fromEntries(
      readdirSync(out)
        .filter((file) => file.endsWith('.js'))
        .map((file) => [
          `/${file}`,
          { type: 'text/javascript', body: readFileSync(join(out, file), 'utf8') },
        ]),
    );
    const page = await startStaticServer({
      '/': { type: 'text/html', body: '<!doctype html><script type="module" src="/browser.js"></script>' },
      ...scripts,
    });
    const isStream = (path: string) => /^\/supervisor-[\w-]+\.js$/.test(path);
    if (!Object.keys(scripts).some(isStream))
      throw new Error(`no stream supervisor chunk among ${Object.keys(scripts).join(', ')}`);
    const { chromium } = await import('playwright-core');
    const context = await chromium.launchPersistentContext(join(work, 'profile'), {
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    try {
      const tab = await context.newPage();
      const errors: string[] = [];
      tab.on('pageerror', (error) => errors.push(String(error)));
      // The page's origin is another port than the API's: every call is cross-origin, through CORS.
      await tab.goto(page.url);
      await tab.waitForFunction(() => 'runSmoke' in globalThis, undefined, { timeout: 10_000 });
      if (errors.length > 0) throw new Error(errors.join('; '));
      const report = await tab.evaluate(
        (url) => (globalThis as unknown as { runSmoke(api: string): Promise<unknown> }).runSmoke(url),
        api,
      );
      // calmfetch/mocks in the page: 503 + 130 from its msw handler, then 200, with no network.
      const mocks = await tab.evaluate(() =>
        (globalThis as unknown as { runMocks(): Promise<unknown> }).runMocks(),
      );
      if (!isDeepStrictEqual(mocks, { status: 200, attempts: 2 })) {
        throw new Error(`calmfetch/mocks in the page: ${JSON.stringify(mocks)}`);
      }
      // Issue 18: the stream supervisor is a chunk of its own that calls without a stream never fetch.
      if (page.served.some(isStream))
        throw new Error(`the page fetched the stream supervisor without a stream: ${page.served.join(', ')}`);
      return report;
    } finally {
      await context.close();
      await page.close();
    }
  },
};

/** What is wrong with one runtime's run, or an empty list. */
function problems(name: string, report: unknown, counts: Record<string, number>): string[] {
  const found: string[] = [];
  const r = report as SmokeReport & { error?: string };
  if (r.error) return [`the runtime threw: ${r.error}`];
  const expectedRuntime = name === 'chromium' ? 'browser' : name.replace(/-.*/, '');
  if (r.runtime !== expectedRuntime) found.push(`ran in ${r.runtime}, not ${expectedRuntime}`);
  // Browsers and older Workers have no process.getBuiltinModule: their hash is Web Crypto's.
  const expectedHash = name === 'chromium' || name === 'workerd-2026-07' ? 'web-crypto' : 'node:crypto';
  if (r.hash !== expectedHash) found.push(`hashed credentials with ${r.hash}, not ${expectedHash}`);
  if (!isDeepStrictEqual(r.lookup, { status: 200, ids: ['20'], errors: ['404'] })) {
    found.push(`lookup with partial errors: ${JSON.stringify(r.lookup)}`);
  }
  if (!isDeepStrictEqual(r.overCapacity, { status: 200, attempts: 2 })) {
    found.push(`503 + code 130 not retried once: ${JSON.stringify(r.overCapacity)}`);
  }
  const limited = r.rateLimited;
  // Sent again only after X's reset (whole seconds), not before it, and not long after it.
  if (limited?.status !== 200 || limited.attempts !== 2 || !(limited.waitedMs >= limited.resetInMs)) {
    found.push(`429 not waited for until the reset: ${JSON.stringify(limited)}`);
  } else if (limited.waitedMs > limited.resetInMs + 2000) {
    found.push(`429 waited ${limited.waitedMs - limited.resetInMs} ms past the reset`);
  }
  const post = r.postOnce;
  if (
    !isDeepStrictEqual(post, { name: 'RetryableError', category: 'retryable', attempts: 1, codes: [131] })
  ) {
    found.push(`POST meeting 500 + code 131: ${JSON.stringify(post)}`);
  }
  if (!isDeepStrictEqual(counts, EXPECTED_COUNTS)) found.push(`the server counted ${JSON.stringify(counts)}`);
  return found;
}

async function main() {
  const wanted = process.argv.slice(2);
  const names = wanted.length > 0 ? wanted : Object.keys(runners);
  if (!existsSync(join(root, 'dist/src/index.js')))
    throw new Error('dist/ is missing: run `npm run build` first');
  let passed = 0;
  let failed = 0;
  for (const name of names) {
    const runner = runners[name];
    if (!runner) throw new Error(`unknown runtime ${name}; known: ${Object.keys(runners).join(', ')}`);
    const work = mkdtempSync(join(tmpdir(), `calmfetch-${name}-`));
    const server = await startSmokeServer();
    const started = Date.now();
    let found: string[];
    let hash = '';
    try {
      const report = await runner(server.url, work);
      hash = `, hash by ${(report as SmokeReport).hash}`;
      found = problems(name, report, server.counts);
    } catch (error) {
      found = [error instanceof Error ? error.message : String(error)];
    } finally {
      await server.close();
      rmSync(work, { recursive: true, force: true });
    }
    const took = `${((Date.now() - started) / 1000).toFixed(1)} s`;
    if (found.length === 0) {
      passed++;
      console.log(
        `✓ ${name}: lookup with partial errors, 503 + 130 retried, 429 waited for, POST sent once (${took}${hash})`,
      );
    } else {
      failed++;
      console.log(`✗ ${name} (${took})\n  ${found.join('\n  ')}`);
    }
  }
  console.log(`runtimes: ${passed} passed, ${failed} failed`);
  if (failed > 0) process.exitCode = 1;
}

await main();
