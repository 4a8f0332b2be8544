import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const src = (path: string) => fileURLToPath(new URL(`../../src/${path}`, import.meta.url));

// `npm run example` serves this directory. The SDK is imported from the
// repository's sources (no build needed); in your app `onboarding-sdk` comes
// from node_modules and none of these aliases exist.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  // The two examples share the skill, the offline fake API, the styles and msw's worker.
  publicDir: fileURLToPath(new URL('../shared/public', import.meta.url)),
  resolve: {
    alias: [
      { find: /^onboarding-sdk$/, replacement: src('index.ts') },
      { find: /^onboarding-sdk\/testing$/, replacement: src('testing/index.ts') },
    ],
  },
  // Pre-bundled at start-up, so the first page load never triggers a re-optimisation reload.
  optimizeDeps: { include: ['msw', 'msw/browser', 'ky', 'mitt', 'zod/mini'] },
  server: { host: '127.0.0.1', port: 5173 },
  preview: { host: '127.0.0.1', port: 4173 },
  build: { target: 'es2022' },
});
