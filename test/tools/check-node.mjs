// The toolchain (vitest 5, msw 3, tsup 9) needs Node >= 22. `npm run`
// puts node_modules/.bin first on PATH, where the `node` devDependency installs
// Node 24; if that install was skipped (e.g. `npm ci --ignore-scripts`) scripts
// would silently run on the machine's Node 20 and fail obscurely. Fail clearly.
const [major] = process.versions.node.split('.').map(Number);
if (major < 22) {
  console.error(
    `onboarding-sdk: this script needs Node >= 22 but runs on ${process.version}.\n` +
      'Run it through npm (npm test, npm start) after a plain `npm ci`, which installs Node 24 as a devDependency.',
  );
  process.exit(1);
}
