// Overhead in process: CPU per call with a fetch that answers at once, so that only the clients' own work is
// measured (steady on a loaded machine, where the loopback run's rounds spread from 0.5 to 2 × ky). Every contender
// is interleaved round by round; ratios are taken within a round, then the median. `node bench/overhead-cpu.ts`
// (ROUNDS, N, FORMS, CONCURRENCY, ONLY and OLD_SRC in the environment; --expose-gc collects between batches).
import ky from 'ky';
import { createClient } from '../src/index.ts';
import { median } from './lib.ts';

const TOKEN = 'bench-token-0123456789abcdef';
const BASE = 'http://127.0.0.1:9';
const BODY = JSON.stringify({ data: { id: '20', text: 'just setting up my twttr' } });
const RESET = String(Math.ceil(Date.now() / 1000) + 900);
const QUERY = { ids: '20,21', 'tweet.fields': 'created_at,author_id' };
const ROUNDS = Number(process.env.ROUNDS ?? 15);
const N = Number(process.env.N ?? 1000);
const FORMS = (process.env.FORMS ?? 'plain,query').split(',');
const CONCURRENCY = (process.env.CONCURRENCY ?? '1,64').split(',').map(Number);

/** What undici's fetch does first with its arguments (a Request, following the signal), then an answer at once. */
const fetchAtOnce = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
  void new Request(input, init);
  return new Response(BODY, {
    headers: {
      'content-type': 'application/json',
      'x-rate-limit-limit': '10000000',
      'x-rate-limit-remaining': '9999999',
      'x-rate-limit-reset': RESET,
    },
  });
};

type Get = (path: string, query?: Record<string, string>) => Promise<unknown>;
const headers = { authorization: `Bearer ${TOKEN}` };
const bare = ky.create({ prefix: BASE, headers, fetch: fetchAtOnce });
const lean = ky.create({ prefix: BASE, headers, fetch: fetchAtOnce, retry: 0, timeout: false });
const calm = createClient({ baseUrl: BASE, auth: { bearer: TOKEN }, fetch: fetchAtOnce });
const unlimited = createClient({
  baseUrl: BASE,
  auth: { bearer: TOKEN },
  fetch: fetchAtOnce,
  rateLimit: false,
});
// OLD_SRC=/path/to/src: the same client from another tree (an A/B of a change, interleaved in the same process).
const old = process.env.OLD_SRC
  ? ((await import(`${process.env.OLD_SRC}/index.ts`)) as { createClient: typeof createClient }).createClient(
      {
        baseUrl: BASE,
        auth: { bearer: TOKEN },
        fetch: fetchAtOnce,
      },
    )
  : undefined;
const ONLY = process.env.ONLY?.split(',');
const all: Record<string, Get> = {
  'ky (default retry)': (path, q) => bare.get(path.slice(1), q ? { searchParams: q } : {}).json(),
  'ky (retry 0, timeout off)': (path, q) => lean.get(path.slice(1), q ? { searchParams: q } : {}).json(),
  'calmfetch (defaults)': (path, q) => calm.get(path, q ? { searchParams: q } : undefined),
  'calmfetch (rateLimit: false)': (path, q) => unlimited.get(path, q ? { searchParams: q } : undefined),
  ...(old && {
    'calmfetch OLD_SRC (defaults)': (path, q) => old.get(path, q ? { searchParams: q } : undefined),
  }),
};
// ONLY=ky,OLD: the contenders whose names contain one of these (bare ky always first: it is the unit).
const contenders = Object.fromEntries(
  Object.entries(all).filter(
    ([name], i) => i === 0 || ONLY === undefined || ONLY.some((part) => name.includes(part)),
  ),
);

async function cpuPerCall(get: Get, total: number, concurrency: number, form: string): Promise<number> {
  let next = 0;
  const lane = async () => {
    while (next < total) {
      next++;
      await (form === 'plain' ? get('/2/tweets/20') : get('/2/tweets', QUERY));
    }
  };
  (globalThis as { gc?: () => void }).gc?.();
  const before = process.cpuUsage();
  await Promise.all(Array.from({ length: concurrency }, lane));
  const used = process.cpuUsage(before);
  return (used.user + used.system) / total;
}

const names = Object.keys(contenders);
console.log('| form | concurrency | contender | µs CPU per call | ÷ bare ky (cost) |\n|---|---|---|---|---|');
for (const form of FORMS) {
  for (const concurrency of CONCURRENCY) {
    for (const name of names) await cpuPerCall(contenders[name]!, 1000, concurrency, form); // warm-up
    const costs: Record<string, number[]> = {};
    for (let round = 0; round < ROUNDS; round++) {
      for (let i = 0; i < names.length; i++) {
        const name = names[(i + round) % names.length]!;
        const list = costs[name] ?? [];
        costs[name] = list;
        list.push(await cpuPerCall(contenders[name]!, N, concurrency, form));
      }
    }
    const ky0 = costs[names[0]!]!;
    for (const name of names) {
      const mine = costs[name]!;
      const ratio = median(mine.map((c, i) => c / ky0[i]!));
      console.log(
        `| ${form} | ${concurrency} | ${name} | ${median(mine).toFixed(1)} | ${ratio.toFixed(3)} |`,
      );
    }
  }
}
