// The benchmark's X API: the stateful mock on a real loopback socket, in its own process.
// Prints its URL on stdout; GET /__stats answers the counters, POST /__reset clears them.
import { HttpResponse, http } from 'msw';
import { createMockXApi, startMockServer } from '../mocks/node.ts';

const limit = Number(process.env.LIMIT ?? 30);
const windowMs = Number(process.env.WINDOW_MS ?? 10_000);
const api = createMockXApi({
  alignWindows: true,
  endpoints: [{ method: 'GET', path: '/2/tweets/:id', limit, windowMs }],
  posts: { '20': 'just setting up my twttr' },
});
const control = [
  http.get('https://api.x.com/__stats', () => HttpResponse.json(api.stats)),
  http.post('https://api.x.com/__reset', () => {
    api.reset();
    return HttpResponse.json({ ok: true });
  }),
];
const server = await startMockServer([...control, ...api.handlers]);
console.log(server.url);
process.on('SIGTERM', () => void server.close().then(() => process.exit(0)));
