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
      { find: /^onboarding-sdk\/react$/, replacement: src('react/index.ts') },
    ],
  },
  // React tests and the React example are .tsx: the automatic runtime, as the example's Vite config has it.
  oxc: { jsx: { runtime: 'automatic', importSource: 'react' } },
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    // Type tests run in the same `npm test`: tsc checks each *.test-d.ts, and an
    // expectTypeOf that does not hold, or an @ts-expect-error line that compiles, fails.
    typecheck: {
      enabled: true,
      include: ['test/**/*.test-d.ts'],
      tsconfig: 'tsconfig.test-d.json',
    },
    environment: 'node',
    testTimeout: 20_000,
    // Fast-check and fault tests are bounded; anything slower than this is a hang.
    hookTimeout: 20_000,
  },
});
