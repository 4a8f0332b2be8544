import { defineConfig } from 'tsup';

export default defineConfig({
  entry: {
    index: 'src/index.ts',
    'testing/index': 'src/testing/index.ts',
  },
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'es2022',
  // Runtime deps and the optional msw peer stay external: integrators' bundlers
  // dedupe them, and the main entry must never pull msw in.
  external: ['ky', 'zod', 'mitt', 'msw', /^msw\//],
  treeshake: true,
});
