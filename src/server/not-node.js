// What `onboarding-sdk/server` resolves to outside Node (see package.json
// "exports"). That entry exists to hold your client secret, so it belongs on
// your backend only.
//
// `"browser": null` already blocks it in bundlers that follow Node's rules
// (esbuild, webpack, Node itself). Some resolvers (Vite 8 / rolldown) skip a
// null target and fall through to the next condition, landing here: the
// import below names a subpath that does not exist, so the build fails with
// its name in the message instead of shipping the secret-handling code.
import 'onboarding-sdk/server-is-node-only-import-it-from-your-backend';

throw new Error(
  'onboarding-sdk/server is Node-only: exchange the temp token on your backend, never in browser code. ' +
    'For a server build, enable the "node" export condition.',
);
