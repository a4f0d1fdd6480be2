import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    // Loads calmfetch's lazy chunks up front: fake time does not advance a real import() (test/setup.ts).
    setupFiles: ['test/setup.ts'],
    // Unit tests fake time; nothing here should ever take long in real time.
    testTimeout: 10_000,
    restoreMocks: true,
  },
});
