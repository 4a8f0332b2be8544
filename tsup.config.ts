import { copyFile } from 'node:fs/promises';
import { defineConfig } from 'tsup';

export default defineConfig({
  entry: {
    index: 'src/index.ts',
    'testing/index': 'src/testing/index.ts',
    'server/index': 'src/server/index.ts',
    'react/index': 'src/react/index.ts',
  },
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'es2022',
  // Runtime deps and the optional msw and react peers stay external: integrators'
  // bundlers dedupe them (two copies of React break hooks), and the main entry
  // must never pull msw or React in.
  external: ['ky', 'zod', 'mitt', 'msw', /^msw\//, 'react', /^react\//],
  treeshake: true,
  // Shared chunks for CJS too (ESM has them by default): one OnboardingError class
  // across entries, so `instanceof` holds between onboarding-sdk and onboarding-sdk/server.
  splitting: true,
  // The non-Node target of `onboarding-sdk/server` (see its comment): copied
  // as is, since bundling it would try to resolve the import meant to fail.
  onSuccess: async () => {
    await copyFile('src/server/not-node.js', 'dist/server/not-node.js');
  },
});
