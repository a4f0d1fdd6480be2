import { loadLight } from './scheduler/bottleneck.ts';
import { supervisor } from './stream/stream.ts';

/**
 * Loads now every chunk calmfetch otherwise loads on first use: Bottleneck's light build (at the first rate-limited
 * call) and the stream supervisor (at a stream's first iteration). Calls never need it; tests that fake time do: a
 * real `import()` is I/O, which fake time does not advance, so a test that starts its first call and then advances
 * the clock would race the load. `beforeAll(() => preload())`.
 */
export async function preload(): Promise<void> {
  await Promise.all([loadLight(), supervisor.load()]);
}
