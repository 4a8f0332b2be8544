// Run by check-package.mjs in a fresh Node process, from a directory where the
// packed tarball is installed as node_modules/onboarding-sdk. It loads one
// entry the way server-side rendering would and reports, as one JSON line,
// what the load did to the process:
//   - reads of browser globals (window, document, …: getters that record and throw),
//   - new globals, changed built-in prototypes, new process listeners,
//   - timers started, handles left open,
//   - zod's global config changed.
// The SDK's own dependencies (ky, zod/mini, mitt) are loaded first and their
// effects reported separately: only what the SDK itself adds must be zero,
// but a browser global read is a failure wherever it happens.
//
//   node ssr-probe.mjs <import|require> <specifier> [construct]

import { createRequire } from 'node:module';

const [mode = 'import', specifier = 'onboarding-sdk', construct] = process.argv.slice(2);
const require = createRequire(import.meta.url);
const load = (id) => (mode === 'require' ? require(id) : import(id));

// --- traps -----------------------------------------------------------------
const touched = [];
let phase = 'dependencies';
const THROWING = [
  'window', 'document', 'self', 'location', 'history', 'localStorage', 'sessionStorage',
  'XMLHttpRequest', 'HTMLElement', 'customElements', 'matchMedia', 'requestAnimationFrame',
];
for (const name of THROWING) {
  if (Object.prototype.hasOwnProperty.call(globalThis, name)) continue; // a Node global of that name: recorded below instead
  Object.defineProperty(globalThis, name, {
    configurable: true,
    get() {
      touched.push(`${phase}: ${name}`);
      throw new ReferenceError(`${name} is not defined (SSR probe: a browser global was read during import)`);
    },
  });
}
// Node 21+ has its own `navigator`: reading it is legal but still worth knowing.
for (const name of ['navigator', 'localStorage', 'sessionStorage']) {
  const own = Object.getOwnPropertyDescriptor(globalThis, name);
  if (!own) continue;
  Object.defineProperty(globalThis, name, {
    configurable: true,
    get() {
      touched.push(`${phase}: ${name}`);
      return own.get ? own.get.call(globalThis) : own.value;
    },
  });
}

const timers = [];
for (const name of ['setTimeout', 'setInterval', 'setImmediate']) {
  const original = globalThis[name];
  globalThis[name] = function (...args) {
    timers.push(`${phase}: ${name}`);
    return original.apply(this, args);
  };
}

// --- snapshots ---------------------------------------------------------------
const PROTOTYPES = { Object, Array, Function, String, Promise, Error, Response, Request, Headers, AbortSignal };
function snapshot() {
  return {
    globals: new Set(Reflect.ownKeys(globalThis).map(String)),
    prototypes: Object.fromEntries(
      Object.entries(PROTOTYPES).map(([name, ctor]) => [name, Reflect.ownKeys(ctor.prototype).map(String).sort().join(',')]),
    ),
    listeners: Object.fromEntries(process.eventNames().map((e) => [String(e), process.listenerCount(e)])),
    resources: process.getActiveResourcesInfo().sort().join(','),
    zod: JSON.stringify(globalThis.__zod_globalConfig ?? null),
    fetch: globalThis.fetch,
  };
}

function diff(before, after) {
  const out = {};
  const added = [...after.globals].filter((g) => !before.globals.has(g));
  if (added.length) out.newGlobals = added;
  const protos = Object.keys(before.prototypes).filter((k) => before.prototypes[k] !== after.prototypes[k]);
  if (protos.length) out.changedPrototypes = protos;
  const listeners = Object.keys(after.listeners).filter((e) => after.listeners[e] !== (before.listeners[e] ?? 0));
  if (listeners.length) out.newProcessListeners = listeners;
  if (before.resources !== after.resources) out.openHandles = { before: before.resources, after: after.resources };
  if (before.zod !== after.zod) out.zodConfig = { before: before.zod, after: after.zod };
  if (before.fetch !== after.fetch) out.fetchReplaced = true;
  return out;
}

const tick = () => new Promise((resolve) => queueMicrotask(resolve));

// --- run ------------------------------------------------------------------------
const report = { mode, specifier };
try {
  const start = snapshot();
  for (const dep of ['ky', 'zod/mini', 'mitt']) await load(dep);
  await tick();
  const afterDeps = snapshot();
  report.dependencies = diff(start, afterDeps);
  if (timers.length) report.dependencies.timers = [...timers];

  phase = 'sdk import';
  const timersBefore = timers.length;
  const mod = await load(specifier);
  await tick();
  const afterSdk = snapshot();
  report.sdk = diff(afterDeps, afterSdk);
  if (timers.length > timersBefore) report.sdk.timers = timers.slice(timersBefore);
  report.exports = Object.keys(mod).sort();

  if (construct === 'construct') {
    // SSR code often builds the client while rendering; that must not reach for the page either.
    phase = 'client construction';
    const client = new mod.OnboardingClient({
      baseUrl: 'https://api.example.com/v1',
      clientId: 'ssr-client',
      clientAppKey: 'ssr-app-key',
      onTempToken: () => {},
    });
    client.on('*', () => {});
    await tick();
    report.construct = diff(afterSdk, snapshot());
  }
} catch (error) {
  report.error = `${error?.name}: ${error?.message}`;
}
report.touched = touched;
process.stdout.write(`@@PROBE ${JSON.stringify(report)}\n`);
