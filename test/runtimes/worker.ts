// The workerd smoke worker (bundled by esbuild): one client per request, as the README says to on Workers.
import { createClient } from 'calmfetch';
import { runCalls } from './calls.ts';

export default {
  async fetch(request: Request): Promise<Response> {
    const api = new URL(request.url).searchParams.get('api');
    if (!api) return new Response('ready');
    try {
      return Response.json(await runCalls(createClient, api));
    } catch (error) {
      return Response.json({ error: String(error) }, { status: 500 });
    }
  },
};
