import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const src = (path: string) => fileURLToPath(new URL(`../../src/${path}`, import.meta.url));

// `npm run example:react` serves this directory. JSX is compiled by Vite's
// built-in Oxc transform (no plugin). The SDK comes from the repository's
// sources; in your app `onboarding-sdk` comes from node_modules.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  // The two examples share the skill, the offline fake API, the styles and msw's worker.
  publicDir: fileURLToPath(new URL('../shared/public', import.meta.url)),
  oxc: { jsx: { runtime: 'automatic', importSource: 'react' } },
  resolve: {
    alias: [
      { find: /^onboarding-sdk$/, replacement: src('index.ts') },
      { find: /^onboarding-sdk\/testing$/, replacement: src('testing/index.ts') },
      { find: /^onboarding-sdk\/react$/, replacement: src('react/index.ts') },
    ],
  },
  optimizeDeps: { include: ['react', 'react-dom/client', 'react/jsx-runtime', 'react/jsx-dev-runtime', 'msw', 'msw/browser', 'ky', 'mitt', 'zod/mini'] },
  server: { host: '127.0.0.1', port: 5174 },
  preview: { host: '127.0.0.1', port: 4174 },
  build: { target: 'es2022' },
});
