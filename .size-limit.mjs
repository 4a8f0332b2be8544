// `npm run size` (test/tools/size.mjs). Sizes are min+gzip, as a browser downloads them.
import { withSizeReport } from './test/tools/size-plugin.mjs';

export default [
  {
    // Issue 4 asked for 14.5 KiB, reading the dependency floor (ky 2 + zod/mini +
    // mitt) as ~13 KiB; measured as used here the floor is ~12.8 kB and the SDK's
    // own code (nonce chain, retries, expiry, resume, XHR uploads, typed-skill
    // validation, error mapping) ~6 kB, so 14.5 KiB cannot hold with ky 2. This
    // limit guards against growth from today's 19.0 KiB; README § Size says more.
    // Issue 8's defences (no redirects, capped bodies, one deadline per call,
    // encoded-secret redaction, id checks, nonce claims, bounded handoff) added
    // 1.6 kB of own code: 20.6 KiB measured, guarded at 20.8 until issue 9 cuts it.
    name: "main entry: import { OnboardingClient } from 'onboarding-sdk' (with ky, zod/mini, mitt)",
    path: 'dist/index.js',
    import: '{ OnboardingClient }',
    gzip: true,
    limit: '20.8 KiB',
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
