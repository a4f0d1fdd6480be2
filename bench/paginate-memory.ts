// Memory over a 10,000-page crawl: `client.paginate()` keeps no items and a bounded set of tokens, so the heap
// after each 1,000 pages (after gc) must stay flat. The X-like paged server runs in a child process on loopback.
//
//   npx node --expose-gc bench/paginate-memory.ts        (about 15 s on two cores)
//
// Measured here (2026-11-28, Node 24): 10,000 pages × 100 items in 11.7 s; heap after gc every 1,000 pages
// 15.8 17.3 17.4 17.4 17.4 17.4 15.7 17.4 16.6 10.7 MB: no upward trend (least-squares slope −348 KB per 1,000).
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createClient } from '../src/index.ts';

const PAGES = 10_000;
const PER_PAGE = 100;

if (process.argv[2] === 'server') {
  const server = createServer((request, response) => {
    const token = new URL(request.url ?? '/', 'http://x').searchParams.get('pagination_token');
    const page = token === null ? 0 : Number.parseInt(token.slice(1), 10);
    const first = 1_900_000_000_000_000_000n - BigInt(page * PER_PAGE);
    const data = Array.from({ length: PER_PAGE }, (_, i) => ({
      id: String(first - BigInt(i)),
      text: `post ${i}`,
    }));
    const body = JSON.stringify({
      data,
      meta: {
        result_count: PER_PAGE,
        newest_id: data[0]!.id,
        oldest_id: data.at(-1)!.id,
        ...(page + 1 < PAGES && { next_token: `p${page + 1}-${'x'.repeat(40)}`.slice(0, 40) }),
      },
    });
    response.writeHead(200, { 'content-type': 'application/json', 'x-rate-limit-limit': '10000000' });
    response.end(body);
  });
  server.listen(0, '127.0.0.1', () => process.send?.((server.address() as AddressInfo).port));
  process.on('disconnect', () => process.exit(0));
} else {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with --expose-gc');
  const child = fork(import.meta.filename, ['server'], { stdio: 'inherit' });
  const [port] = (await once(child, 'message')) as [number];
  const x = createClient({ baseUrl: `http://127.0.0.1:${port}` });
  const samples: number[] = [];
  const started = Date.now();
  let items = 0;
  const pages = x.paginate<{ id: string }>('/2/users/2244994945/tweets');
  for await (const page of pages) {
    items += page.data.length;
    if ((page.index + 1) % 1000 === 0) {
      gc();
      samples.push(process.memoryUsage().heapUsed);
    }
  }
  const seconds = (Date.now() - started) / 1000;
  child.disconnect();
  const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(2);
  // Least-squares slope of the samples: the trend per 1,000 pages, whatever the noise around it.
  const n = samples.length;
  const meanX = (n - 1) / 2;
  const meanY = samples.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  samples.forEach((y, i) => {
    num += (i - meanX) * (y - meanY);
    den += (i - meanX) ** 2;
  });
  console.log(`${pages.done?.reason}: ${n * 1000} pages, ${items} items in ${seconds.toFixed(1)} s`);
  console.log(`heap after gc every 1,000 pages (MB): ${samples.map(mb).join(' ')}`);
  console.log(`trend: ${(num / den / 1024).toFixed(1)} KB per 1,000 pages`);
}
