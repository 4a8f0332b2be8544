import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    testTimeout: 20_000,
    // Fast-check and fault tests are bounded; anything slower than this is a hang.
    hookTimeout: 20_000,
  },
});
