import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    // Unit tests fake time; nothing here should ever take long in real time.
    testTimeout: 10_000,
    restoreMocks: true,
  },
});
