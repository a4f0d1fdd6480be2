// The package a user installs, checked as they get it: a fresh build packed with `npm pack` into a temp folder,
// then (1) the tarball's file list (LICENSE, no source maps, only dist), (2) only public names in its declarations,
// (3) `publint --strict` and (4) `attw --profile esm-only` on the tarball, and (5) a consumer project that installs
// the tarball and compiles a file under `strict` with `nodenext` and with `bundler` resolution, then imports both
// entry points at run time. Run it with `npm run check:package` (npm puts this repo's tools first on PATH).
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const repo = resolve(import.meta.dirname, '..');
const keep = process.argv.includes('--keep');

function run(command: string, args: readonly string[], cwd = repo, quiet = false): string {
  console.log(`$ ${command} ${args.join(' ')}`);
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (!quiet && result.stdout) process.stdout.write(result.stdout);
  if (result.status !== 0) fail(`${command} ${args.join(' ')} exited with ${result.status ?? result.signal}`);
  return result.stdout;
}

function fail(message: string): never {
  console.error(`check:package: ${message}`);
  process.exit(1);
}

/** What a user writes from the README alone: a client, typed options and results, the error guards. */
const SERVICE_SOURCE = `import {
  type BucketRequest,
  type CalmEvent,
  type CalmResponse,
  createClient,
  isCalmError,
  isRateLimitError,
  type LimiterEvent,
  type RateLimitOptions,
  type RequestOptions,
} from 'calmfetch';

const rateLimit: RateLimitOptions = { maxConcurrent: 8, bucket: (request: BucketRequest) => request.endpoint };
const events: CalmEvent[] = [];
export const x = createClient({ auth: { bearer: 'token' }, rateLimit, hooks: { onEvent: (e) => events.push(e) } });

interface Tweet {
  readonly id: string;
  readonly text: string;
}

export async function tweets(ids: readonly string[]): Promise<readonly Tweet[]> {
  const options: RequestOptions = { searchParams: { ids: [...ids] }, priority: 1 };
  try {
    const response: CalmResponse<Tweet[]> = await x.get<Tweet[]>('/2/tweets', options);
    return response.data ?? [];
  } catch (error) {
    if (isRateLimitError(error)) return [];
    if (isCalmError(error)) throw new Error(error.reason, { cause: error });
    throw error;
  }
}

export const limiterEvents = (): LimiterEvent[] =>
  events.filter((e): e is LimiterEvent => e.type === 'limiter');
`;

/** The service's tests, as the README's FAQ writes them: msw handlers from the kit, a reset per test. */
const TESTING_SOURCE = `import { createMockXApi, overCapacity, rateLimited, startMockServer } from 'calmfetch/mocks';
import { x } from './service.js';

export const handlers = [
  rateLimited('get', 'https://api.x.com/2/tweets', { resetInSeconds: 30, once: true }),
  overCapacity('get', 'https://api.x.com/2/tweets'),
  ...createMockXApi({ endpoints: [{ method: 'GET', path: '/2/tweets', limit: 3, windowMs: 60_000 }] }).handlers,
];
export const beforeEach = (): Promise<void> => x.resetRateLimits();
export const serve = async (): Promise<string> => (await startMockServer(handlers)).url;
`;

const temp = mkdtempSync(join(tmpdir(), 'calmfetch-package-'));
try {
  // A clean build: files left in dist by an older build would be packed too.
  rmSync(join(repo, 'dist'), { recursive: true, force: true });
  run('npm', ['run', 'build']);
  const [packed] = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', temp], repo, true)) as {
    filename: string;
    files: { path: string }[];
  }[];
  if (!packed) fail('npm pack gave no tarball');
  const tarball = join(temp, packed.filename);
  const files = packed.files.map((f) => f.path);

  // (1) What is shipped.
  for (const required of [
    'LICENSE',
    'README.md',
    'package.json',
    'dist/src/index.js',
    'dist/mocks/index.d.ts',
  ]) {
    if (!files.includes(required)) fail(`the tarball has no ${required}`);
  }
  const stray = files.filter(
    (f) => f.endsWith('.map') || !/^(dist\/|LICENSE$|README\.md$|CHANGELOG\.md$|package\.json$)/.test(f),
  );
  if (stray.length > 0) fail(`the tarball ships files it should not: ${stray.join(', ')}`);
  console.log(`tarball: ${files.length} files, no source maps`);

  // (2) Declarations: only the public surface.
  run('tar', ['-xzf', tarball, '-C', temp]);
  run('node', ['scripts/check-declarations.ts', join(temp, 'package', 'dist')]);

  // (3), (4) The linters of the published shape.
  run('publint', ['run', tarball, '--strict']);
  run('attw', [tarball, '--profile', 'esm-only']);

  // (5) A consumer project built from the tarball alone.
  consumer(temp, tarball);
  console.log('check:package: ok');
} finally {
  if (keep) console.log(`kept ${temp}`);
  else rmSync(temp, { recursive: true, force: true });
}

function consumer(temp: string, tarball: string): void {
  const dir = join(temp, 'consumer');
  mkdirSync(join(dir, 'src'), { recursive: true });
  const version = (name: string) =>
    JSON.parse(run('npm', ['pkg', 'get', `devDependencies.${name}`], repo, true));
  const dependencies = {
    calmfetch: `file:${tarball}`,
    msw: version('msw'),
    '@types/node': version('@types/node'),
  };
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({ name: 'consumer', private: true, type: 'module', dependencies }),
  );
  // From npm's cache: the repo's own install has fetched every package this needs.
  run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], dir);
  writeFileSync(join(dir, 'src', 'service.ts'), SERVICE_SOURCE);
  writeFileSync(join(dir, 'src', 'testing.ts'), TESTING_SOURCE);
  const base = { strict: true, noEmit: true, target: 'es2023', lib: ['es2023', 'dom'], skipLibCheck: false };
  const configs = {
    // A Node service and its tests: the client and the kit (whose loopback server is typed with node:http).
    'tsconfig.nodenext.json': {
      compilerOptions: { ...base, module: 'nodenext', moduleResolution: 'nodenext', types: ['node'] },
      include: ['src'],
    },
    // A bundled app: the client alone, with no Node types at all.
    'tsconfig.bundler.json': {
      compilerOptions: { ...base, module: 'preserve', moduleResolution: 'bundler', types: [] },
      files: ['src/service.ts'],
    },
  };
  for (const [name, config] of Object.entries(configs)) {
    writeFileSync(join(dir, name), JSON.stringify(config));
    run('tsc', ['-p', name], dir);
  }
  const smoke = [
    "import { createClient, isCalmError } from 'calmfetch';",
    "import { rateLimited } from 'calmfetch/mocks';",
    "if (typeof createClient !== 'function' || typeof isCalmError !== 'function' || typeof rateLimited !== 'function') process.exit(1);",
  ].join('\n');
  run('node', ['--input-type=module', '-e', smoke], dir);
}
