import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = (path: string) => fileURLToPath(new URL(`./src/${path}`, import.meta.url));

export default defineConfig({
  resolve: {
    // Examples import the package by name, as an integrator would; tests run
    // them against the sources, so `npm test` needs no build on a fresh clone.
    alias: [
      { find: /^onboarding-sdk$/, replacement: src('index.ts') },
      { find: /^onboarding-sdk\/testing$/, replacement: src('testing/index.ts') },
      { find: /^onboarding-sdk\/server$/, replacement: src('server/index.ts') },
    ],
  },
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    testTimeout: 20_000,
    // Fast-check and fault tests are bounded; anything slower than this is a hang.
    hookTimeout: 20_000,
  },
});
