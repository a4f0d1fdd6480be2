import { performance } from 'node:perf_hooks';
import ky from 'ky';
import { createClient } from '../src/index.ts';
import { startServer } from './lib.ts';
const TOKEN = 'bench-token-0123456789abcdef';
const headers = { authorization: `Bearer ${TOKEN}` };
const server = await startServer();
const url = server.url;
const which = process.argv[2] ?? 'all';
const C = Number(process.env.C ?? 1);
const N = Number(process.env.N ?? 3000);
const variants: Record<string, () => Promise<unknown>> = {};
const fetchOnly = async () => (await fetch(url + '/2/tweets/20', { headers })).json();
variants.fetch = fetchOnly;
const k = ky.create({ prefix: url, headers });
variants.ky = () => k.get('2/tweets/20').json();
const k0 = ky.create({ prefix: url, headers, retry: 0, timeout: false });
variants.ky0 = () => k0.get('2/tweets/20').json();
const c = createClient({ baseUrl: url, auth: { bearer: TOKEN } });
variants.calm = () => c.get('/2/tweets/20');
const cn = createClient({ baseUrl: url, auth: { bearer: TOKEN }, rateLimit: false });
variants.calmNoLimit = () => cn.get('/2/tweets/20');
async function run(f: () => Promise<unknown>, n: number) {
  let next = 0;
  const t = performance.now();
  await Promise.all(Array.from({ length: C }, async () => { while (next++ < n) await f(); }));
  return (performance.now() - t) / n;
}
const names = which === 'all' ? Object.keys(variants) : which.split(',');
for (const n of names) await run(variants[n]!, 500);
const res: Record<string, number[]> = {};
for (let r = 0; r < 5; r++) for (const n of names) (res[n] ??= []).push(await run(variants[n]!, N));
for (const n of names) { const s = res[n]!.sort((a,b)=>a-b); console.log(n.padEnd(12), (s[2]!*1000).toFixed(1), 'µs/call'); }
await c.close(); await cn.close(); await server.stop();
