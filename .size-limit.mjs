// `npm run size` (test/tools/size.mjs). Sizes are min+gzip, as a browser downloads them.
import { withSizeReport } from './test/tools/size-plugin.mjs';

export default [
  {
    // Guard at today's size (18.66 KiB by esbuild + gzip -9, see size.mjs). Issue 9's
    // budget is 18.0 KiB and is NOT met yet: the review fixes and the jsdom upload
    // fallback (issue 10) added ~1 KiB after ky 1 brought it to 17.6. It must also hold
    // issue 11's cross-tab safety and
    // redirect handling. ky 1 (≈4.6 kB here) rather than ky 2 (≈8.3 kB): the
    // SDK uses ky only to send (no retry, timeout or HTTPError of ky's), which
    // ky 1 does the same; CONTRIBUTING.md § Size has the measurements.
    name: "main entry: import { OnboardingClient } from 'onboarding-sdk' (with ky, zod core, mitt)",
    path: 'dist/index.js',
    import: '{ OnboardingClient }',
    gzip: true,
    limit: '18.3 KiB',
    modifyRolldownConfig: withSizeReport('main'),
  },
  {
    // The SDK's own code in that bundle, dependencies left out: what src/ changes move.
    name: 'main entry, own code only (ky, zod, mitt external)',
    path: 'dist/index.js',
    import: '{ OnboardingClient }',
    ignore: ['ky', 'zod', 'mitt'],
    gzip: true,
  },
  {
    name: "main entry: import * from 'onboarding-sdk' (with dependencies)",
    path: 'dist/index.js',
    import: '*',
    gzip: true,
    modifyRolldownConfig: withSizeReport('main-all'),
  },
];
