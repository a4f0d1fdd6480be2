// Loads every chunk calmfetch imports lazily (issue 18) before a test file runs, as the README tells users who fake
// time to: a real `import()` is I/O, which fake time does not advance, so a test that starts a call and then advances
// the clock would otherwise race the load. The lazy paths themselves are tested on fresh modules in test/lazy/.
import { preload } from '../src/index.ts';

await preload();
