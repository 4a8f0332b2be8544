import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { fakeApi } from '../shared/fake-api-plugin';

const src = (path: string) => fileURLToPath(new URL(`../../src/${path}`, import.meta.url));

// `npm run example` serves this directory. The SDK is imported from the
// repository's sources (no build needed); in your app `onboarding-sdk` comes
// from node_modules and none of these aliases exist.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  // Offline (no VITE_ONBOARDING_API_URL): the fake API and the fake bank over HTTP on their own port, and the fake backend endpoint.
  plugins: [fakeApi()],
  resolve: {
    alias: [
      { find: /^onboarding-sdk$/, replacement: src('index.ts') },
      { find: /^onboarding-sdk\/testing$/, replacement: src('testing/index.ts') },
    ],
  },
  // Pre-bundled at start-up, so the first page load never triggers a re-optimisation reload.
  optimizeDeps: { include: ['ky', 'mitt', 'zod/mini'] },
  server: { host: '127.0.0.1', port: 5173 },
  preview: { host: '127.0.0.1', port: 4173 },
  build: { target: 'es2022' },
});
