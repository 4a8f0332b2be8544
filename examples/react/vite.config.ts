import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { fakeApi } from '../shared/fake-api-plugin';

const src = (path: string) => fileURLToPath(new URL(`../../src/${path}`, import.meta.url));

// `npm run example:react` serves this directory. JSX is compiled by Vite's
// built-in Oxc transform (no plugin). The SDK comes from the repository's
// sources; in your app `onboarding-sdk` comes from node_modules.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  // Offline (no VITE_ONBOARDING_API_URL): the fake API and the fake bank over HTTP on their own port, and the fake backend endpoint.
  plugins: [fakeApi()],
  oxc: { jsx: { runtime: 'automatic', importSource: 'react' } },
  resolve: {
    alias: [
      { find: /^onboarding-sdk$/, replacement: src('index.ts') },
      { find: /^onboarding-sdk\/testing$/, replacement: src('testing/index.ts') },
      { find: /^onboarding-sdk\/react$/, replacement: src('react/index.ts') },
    ],
  },
  optimizeDeps: { include: ['react', 'react-dom/client', 'react/jsx-runtime', 'react/jsx-dev-runtime', 'ky', 'mitt', 'zod/mini'] },
  server: { host: '127.0.0.1', port: 5174 },
  preview: { host: '127.0.0.1', port: 4174 },
  build: { target: 'es2022' },
});
