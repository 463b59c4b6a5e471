import { defineConfig } from 'vitest/config';

/** Unit tests sit beside the code (`x.test.ts`); e2e and benchmarks live elsewhere. */
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'lab/**/*.test.ts', 'scripts/**/*.test.ts'],
    environment: 'node',
    testTimeout: 20_000,
    hookTimeout: 90_000,
    // Lab and relay tests start real servers: one file at a time keeps 2 cores honest.
    fileParallelism: false,
  },
});
