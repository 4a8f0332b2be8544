// `npm run size` (scripts/size.mjs). Sizes are min+gzip, as a browser downloads them.
import { withSizeReport } from './scripts/size-plugin.mjs';

export default [
  {
    // The budget (issue 4): the dependency floor (ky 2 + zod/mini + mitt) is ~13 KiB.
    name: "main entry: import { OnboardingClient } from 'onboarding-sdk' (with ky, zod/mini, mitt)",
    path: 'dist/index.js',
    import: '{ OnboardingClient }',
    gzip: true,
    limit: '14.5 KiB',
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
