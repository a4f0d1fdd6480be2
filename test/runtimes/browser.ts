// The Chromium smoke page's script (bundled by esbuild for the browser): the runner calls `runSmoke(api)`, then
// `runMocks()`, which answers calls from calmfetch/mocks' msw handlers inside the page (the browser entry: no
// node:http in it).
import { createClient } from 'calmfetch';
import { overCapacity } from 'calmfetch/mocks';
import { getResponse, HttpResponse, http } from 'msw';
import { runCalls } from './calls.ts';

async function runMocks(): Promise<{ status: number; attempts: number }> {
  const handlers = [
    overCapacity('get', 'https://api.x.com/2/users/me', { once: true }),
    http.get('https://api.x.com/2/users/me', () => HttpResponse.json({ data: { id: '1' } })),
  ];
  const x = createClient({
    rateLimit: false,
    retry: { baseDelayMs: 10, maxDelayMs: 20 },
    fetch: async (input, init) => (await getResponse(handlers, new Request(input, init))) ?? Response.error(),
  });
  try {
    const response = await x.get('/2/users/me');
    return { status: response.status, attempts: response.attempts };
  } finally {
    await x.close();
  }
}

Object.assign(globalThis, { runSmoke: (api: string) => runCalls(createClient, api), runMocks });
