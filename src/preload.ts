import { supervisor } from './stream/stream.ts';

/**
 * Loads now every chunk calmfetch otherwise loads on first use: the stream supervisor (at a stream's first
 * iteration). Calls never need it; tests that fake time and read a stream do: a real `import()` is I/O, which fake
 * time does not advance, so a test that starts reading a stream and then advances the clock would race the load.
 * `beforeAll(() => preload())`.
 */
export async function preload(): Promise<void> {
  await supervisor.load();
}
