// The Chromium smoke page's script (bundled by esbuild for the browser): the runner calls `runSmoke(api)`.
import { createClient } from 'calmfetch';
import { runCalls } from './calls.ts';

(globalThis as { runSmoke?: (api: string) => ReturnType<typeof runCalls> }).runSmoke = (api) =>
  runCalls(createClient, api);
