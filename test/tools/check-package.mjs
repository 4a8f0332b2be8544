// `npm run check:package`: checks the package as npm would publish it — the
// packed tarball, not the working tree — and exits non-zero on any problem.
//
//   1. build, then `npm pack` into .tmp/package-check/
//   2. publint --strict on the tarball
//   3. attw on the tarball, profile node16 (node10 cannot resolve subpath exports)
//   4. the tarball's file list: dist only, ESM + CJS + types for every entry
//   5. the tarball installed in a scratch consumer: each entry imported (ESM)
//      and required (CJS) in a fresh Node process, exporting what it should
//   6. onboarding-sdk/server refused under the `browser` condition (Node and a
//      real Vite browser build), while a Vite browser build of the main entry
//      works and carries no msw and no server code
//   6b. React: the main entry's files (and the chunks they load) import no
//      react; onboarding-sdk/react imports it, never bundles it
//   7. SSR: importing the main entry (and constructing a client) in a fresh
//      process reads no window/document/… and has no side effects
//
// Flags: --skip-build (use the existing dist/).

import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FORBIDDEN } from './size-plugin.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const work = join(root, '.tmp', 'package-check');
// Inside the repository on purpose: the scratch consumer finds ky, zod, mitt and
// msw by walking up to the repository's node_modules, as an app would find its own.
const consumer = join(work, 'consumer');
const installed = join(consumer, 'node_modules', 'onboarding-sdk');
const args = new Set(process.argv.slice(2));
let tarball;

const ENTRIES = {
  '.': { specifier: 'onboarding-sdk', exports: ['OnboardingClient', 'OnboardingError', 'defineSkill', 'isOnboardingError'] },
  './testing': { specifier: 'onboarding-sdk/testing', exports: ['createMockOnboardingApi'] },
  './server': { specifier: 'onboarding-sdk/server', exports: ['OnboardingError', 'exchangeTempToken', 'isOnboardingError'] },
  './react': { specifier: 'onboarding-sdk/react', exports: ['useOnboarding'] },
};
const failures = [];
let current = '';

function section(title) {
  current = title;
  console.log(`\n== ${title}`);
}
function ok(message) {
  console.log(`  ok   ${message}`);
}
function fail(message) {
  failures.push(`${current}: ${message}`);
  console.log(`  FAIL ${message}`);
}
function check(condition, message, detail) {
  if (condition) ok(message);
  else fail(detail ? `${message} — ${detail}` : message);
}

/** Runs a command; npx resolves the project's own bins and runs them on the project's Node. */
function run(command, commandArgs, options = {}) {
  const result = spawnSync(command, commandArgs, {
    cwd: options.cwd ?? root,
    encoding: 'utf8',
    timeout: options.timeout ?? 300_000,
    env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1', ...options.env },
    shell: process.platform === 'win32',
  });
  return { status: result.status, stdout: result.stdout ?? '', stderr: result.stderr ?? '', error: result.error };
}

function indent(text) {
  return text
    .trimEnd()
    .split('\n')
    .map((line) => `       ${line}`)
    .join('\n');
}

// --- 0. Node ---------------------------------------------------------------------
const [major] = process.versions.node.split('.').map(Number);
if (major < 22) {
  console.error(`check-package needs Node >= 22 (runs on ${process.version}); run it with \`npm run check:package\`.`);
  process.exit(1);
}

// --- 1. build and pack ---------------------------------------------------------------
section('build and pack');
if (!args.has('--skip-build')) {
  const build = run('npm', ['run', 'build']);
  if (build.status !== 0) {
    console.log(indent(build.stdout + build.stderr));
    fail('npm run build failed');
    finish();
  }
  ok('npm run build');
}
rmSync(work, { recursive: true, force: true });
mkdirSync(work, { recursive: true });
const pack = run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', work]); // built just above
let packed;
try {
  [packed] = JSON.parse(pack.stdout);
} catch {
  console.log(indent(pack.stdout + pack.stderr));
  fail('npm pack failed');
  finish();
}
tarball = join(work, packed.filename);
ok(`npm pack -> ${relative(root, tarball)} (${packed.entryCount} files, ${(packed.size / 1024).toFixed(1)} KiB packed, ${(packed.unpackedSize / 1024).toFixed(1)} KiB unpacked)`);

// --- 2. publint ---------------------------------------------------------------------
section('publint --strict (on the tarball)');
{
  const r = run('npx', ['--no-install', 'publint', 'run', tarball, '--strict']);
  console.log(indent(r.stdout + r.stderr));
  check(r.status === 0, 'publint --strict reports nothing', `exit ${r.status}`);
}

// --- 3. attw -----------------------------------------------------------------------------
section('attw --profile node16 (on the tarball)');
{
  const r = run('npx', ['--no-install', 'attw', tarball, '--profile', 'node16', '--format', 'table-flipped', '--no-color']);
  console.log(indent(r.stdout + r.stderr));
  check(r.status === 0, 'attw finds no problem for node16 (CJS and ESM) and bundler resolution', `exit ${r.status}`);
}

// --- 4. contents ----------------------------------------------------------------------------
section('tarball contents');
const files = packed.files.map((f) => f.path);
{
  const stray = files.filter((f) => !/^(dist\/|package\.json$|README\.md$|LICENSE)/.test(f));
  check(stray.length === 0, 'only dist/, package.json, README and LICENSE are published', `unexpected: ${stray.join(', ')}`);
  check(!files.some((f) => f.endsWith('.tgz') || f.includes('.tmp/')), 'no tarballs or scratch files');
  check(files.includes('README.md'), 'README.md is published');
}
mkdirSync(join(consumer, 'node_modules'), { recursive: true });
// Its own package.json, so `onboarding-sdk` resolves to the installed tarball and not to the repository itself.
writeFileSync(join(consumer, 'package.json'), JSON.stringify({ name: 'package-check-consumer', private: true, type: 'module' }, null, 2));
{
  const r = run('tar', ['-xzf', tarball, '-C', join(consumer, 'node_modules')]);
  if (r.status !== 0) {
    console.log(indent(r.stderr));
    fail('could not extract the tarball');
    finish();
  }
  renameSync(join(consumer, 'node_modules', 'package'), installed);
}
const manifest = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8'));
check(manifest.sideEffects === false, '"sideEffects": false');
for (const [entry, { specifier }] of Object.entries(ENTRIES)) {
  // The server entry nests its real files under "node" (see package.json).
  const target = entry === './server' ? manifest.exports?.[entry]?.node : manifest.exports?.[entry];
  if (!target) {
    fail(`${entry}: no "exports" entry`);
    continue;
  }
  for (const condition of ['import', 'require']) {
    for (const kind of ['types', 'default']) {
      const file = target[condition]?.[kind];
      const expected = condition === 'import' ? (kind === 'types' ? '.d.ts' : '.js') : kind === 'types' ? '.d.cts' : '.cjs';
      const good = typeof file === 'string' && file.endsWith(expected) && files.includes(file.replace(/^\.\//, ''));
      check(good, `${specifier}: ${condition} -> ${kind} ${file ?? '(missing)'}`, `expected a published ${expected} file`);
    }
  }
}
{
  const server = manifest.exports['./server'] ?? {};
  const keys = Object.keys(server);
  check(keys[0] === 'browser' && server.browser === null, 'onboarding-sdk/server: "browser": null is its first condition', `conditions: ${keys.join(', ')}`);
  check(server['react-native'] === null, 'onboarding-sdk/server: "react-native": null');
  check(server.types === server.node?.import?.types, 'onboarding-sdk/server: top-level "types" (for TypeScript\'s bundler resolution, which sets no "node") = the ESM types');
  const stub = typeof server.default === 'string' ? server.default.replace(/^\.\//, '') : '';
  check(keys.at(-1) === 'default' && files.includes(stub), `onboarding-sdk/server: "default" (any non-Node, non-browser resolver) -> the failing stub ${stub}`);
}

// --- 5. load every entry ------------------------------------------------------------------------
section('each entry loads from the installed tarball (fresh Node process each)');
for (const [entry, { specifier, exports: names }] of Object.entries(ENTRIES)) {
  for (const mode of ['import', 'require']) {
    const code =
      mode === 'import'
        ? `const m = await import(${JSON.stringify(specifier)}); console.log(JSON.stringify(Object.keys(m)));`
        : `const m = require(${JSON.stringify(specifier)}); console.log(JSON.stringify(Object.keys(m)));`;
    const r = run(process.execPath, mode === 'import' ? ['--input-type=module', '-e', code] : ['-e', code], { cwd: consumer });
    let keys = [];
    try {
      keys = JSON.parse(r.stdout.trim().split('\n').pop());
    } catch {
      // reported below
    }
    const missing = names.filter((n) => !keys.includes(n));
    check(r.status === 0 && missing.length === 0, `${mode} ${specifier} (${entry}) exports ${names.join(', ')}`, r.stderr.trim().split('\n').slice(0, 3).join(' | ') || `missing: ${missing.join(', ')}`);
    if (r.stderr.trim()) console.log(indent(`stderr: ${r.stderr}`));
  }
}

for (const mode of ['import', 'require']) {
  const code =
    mode === 'import'
      ? `const [a, b] = await Promise.all([import('onboarding-sdk'), import('onboarding-sdk/server')]); console.log(a.OnboardingError === b.OnboardingError);`
      : `console.log(require('onboarding-sdk').OnboardingError === require('onboarding-sdk/server').OnboardingError);`;
  const r = run(process.execPath, mode === 'import' ? ['--input-type=module', '-e', code] : ['-e', code], { cwd: consumer });
  check(r.stdout.trim() === 'true', `${mode}: onboarding-sdk/server's OnboardingError is the main entry's class (instanceof holds across entries)`, r.stderr.trim() || r.stdout.trim());
}

// --- 6. browser builds -------------------------------------------------------------------------------
section('browser: onboarding-sdk/server is refused, the main entry is clean');
for (const mode of ['import', 'require']) {
  const code =
    mode === 'import' ? `await import('onboarding-sdk/server')` : `require('onboarding-sdk/server')`;
  const r = run(process.execPath, ['--conditions=browser', ...(mode === 'import' ? ['--input-type=module'] : []), '-e', code], { cwd: consumer });
  check(
    r.status !== 0 && /ERR_PACKAGE_PATH_NOT_EXPORTED/.test(r.stderr),
    `node --conditions=browser: ${mode} 'onboarding-sdk/server' fails with ERR_PACKAGE_PATH_NOT_EXPORTED`,
    `exit ${r.status}: ${r.stderr.trim().split('\n')[0] ?? ''}`,
  );
}
await viteChecks();
reactChecks();

// --- 7. SSR -------------------------------------------------------------------------------------------
section('SSR: the main entry in a fresh Node process (browser globals trapped)');
copyFileSync(join(root, 'test', 'tools', 'ssr-probe.mjs'), join(consumer, 'ssr-probe.mjs'));
for (const mode of ['import', 'require']) {
  const r = run(process.execPath, ['ssr-probe.mjs', mode, 'onboarding-sdk', 'construct'], { cwd: consumer, timeout: 20_000 });
  const line = r.stdout.split('\n').find((l) => l.startsWith('@@PROBE '));
  if (!line) {
    fail(`${mode}: the probe printed no report (exit ${r.status}${r.error ? `, ${r.error.message}` : ''}): ${r.stderr.trim()}`);
    continue;
  }
  const report = JSON.parse(line.slice('@@PROBE '.length));
  check(!report.error, `${mode} 'onboarding-sdk' and construct an OnboardingClient without throwing`, report.error);
  const browserReads = report.touched.filter((t) => !/: navigator$/.test(t));
  check(browserReads.length === 0, `${mode}: no window/document/location/storage/XMLHttpRequest… read`, browserReads.join(', '));
  const navigatorReads = report.touched.filter((t) => /: navigator$/.test(t));
  if (navigatorReads.length) console.log(`       note: navigator (a Node global) read during ${[...new Set(navigatorReads)].join(', ')}`);
  check(Object.keys(report.sdk ?? {}).length === 0, `${mode}: importing the SDK has no side effect (globals, prototypes, listeners, timers, handles, zod config, fetch)`, JSON.stringify(report.sdk));
  check(Object.keys(report.construct ?? {}).length === 0, `${mode}: constructing a client has no side effect`, JSON.stringify(report.construct));
  check(r.status === 0, `${mode}: the process exits on its own (nothing keeps it alive)`, `exit ${r.status}${r.error ? ` (${r.error.code})` : ''}`);
  if (Object.keys(report.dependencies ?? {}).length) {
    console.log(`       note: the dependencies' own import effects (baseline, not the SDK's): ${JSON.stringify(report.dependencies)}`);
  }
}

finish();

// -------------------------------------------------------------------------------------------------------
/** Builds two tiny apps with Vite (a devDependency, and what most integrators use) for the browser. */
async function viteChecks() {
  let vite;
  try {
    vite = await import('vite');
  } catch (error) {
    fail(`vite is not installed (${error.message}); cannot run the browser build checks`);
    return;
  }
  const build = async (name, source, { ssr = false } = {}) => {
    const file = join(consumer, `${name}.js`);
    writeFileSync(file, source);
    try {
      const result = await vite.build({
        root: consumer,
        configFile: false,
        logLevel: 'silent',
        build: {
          write: false,
          minify: true,
          emptyOutDir: false,
          ...(ssr ? { ssr: file } : { lib: { entry: file, formats: ['es'], fileName: name } }),
        },
      });
      const outputs = (Array.isArray(result) ? result : [result]).flatMap((r) => r.output);
      return {
        code: outputs.map((o) => o.code ?? '').join('\n'),
        modules: outputs.flatMap((o) => Object.keys(o.modules ?? {})),
        imports: outputs.flatMap((o) => o.imports ?? []),
      };
    } catch (error) {
      return { error: String(error?.message ?? error) };
    }
  };

  const server = await build('browser-server', `import { exchangeTempToken } from 'onboarding-sdk/server';\nconsole.log(exchangeTempToken);\n`);
  check(
    server.error !== undefined,
    "vite build (browser) of `import … from 'onboarding-sdk/server'` fails",
    'the build succeeded: a front-end could ship the secret-handling code',
  );
  const said = server.error?.split('\n').find((l) => /not exported|server-is-node-only|Could not resolve/.test(l));
  if (said) console.log(indent(`vite said: ${said.trim()}`));

  const ssr = await build('ssr-server', `import { exchangeTempToken } from 'onboarding-sdk/server';\nconsole.log(exchangeTempToken);\n`, { ssr: true });
  check(!ssr.error, "vite SSR build of `import … from 'onboarding-sdk/server'` works (the \"node\" condition)", ssr.error?.split('\n')[0]);

  const main = await build('browser-main', `import { OnboardingClient } from 'onboarding-sdk';\nconsole.log(OnboardingClient);\n`);
  if (main.error) {
    fail(`vite build (browser) of the main entry failed: ${main.error.split('\n')[0]}`);
    return;
  }
  ok(`vite build (browser) of \`import { OnboardingClient } from 'onboarding-sdk'\` builds (${main.modules.length} modules)`);
  // The same rules as the size budget's bundle (test/tools/size-plugin.mjs), here on a real app build.
  const found = FORBIDDEN.text.filter(([, re]) => re.test(main.code)).map(([name]) => name);
  check(found.length === 0, `its code has none of: ${FORBIDDEN.text.map(([n]) => n).join(', ')}`, `found: ${found.join(', ')}`);
  const modules = main.modules.filter((m) => FORBIDDEN.modules.some(([, re]) => re.test(m)));
  check(modules.length === 0, `its module graph has none of: ${FORBIDDEN.modules.map(([n]) => n).join(', ')}`, modules.join(', '));
  const imports = main.imports.filter((i) => FORBIDDEN.imports.some(([, re]) => re.test(i)));
  check(imports.length === 0, 'it imports no msw at run time', imports.join(', '));
}

/** Bare specifiers an entry file of the installed package loads, following its relative chunks. */
function bareImports(file) {
  const seen = new Set();
  const bare = new Set();
  const visit = (path) => {
    if (seen.has(path)) return;
    seen.add(path);
    const code = readFileSync(path, 'utf8');
    for (const [, spec] of code.matchAll(/(?:\bfrom\s*|\bimport\s*\(?\s*|\brequire\s*\(\s*)["']([^"']+)["']/g)) {
      if (spec.startsWith('.')) visit(join(dirname(path), spec));
      else bare.add(spec);
    }
  };
  visit(file);
  return [...bare];
}

/** React is an optional peer: only onboarding-sdk/react may load it, and only as an import. */
function reactChecks() {
  section('React: only onboarding-sdk/react loads it');
  const isReact = (spec) => /^react(-dom)?($|\/)/.test(spec);
  for (const file of ['dist/index.js', 'dist/index.cjs']) {
    const found = bareImports(join(installed, file)).filter(isReact);
    check(found.length === 0, `${file} (and its chunks) import no React`, `imports ${found.join(', ')}`);
  }
  for (const file of ['dist/react/index.js', 'dist/react/index.cjs']) {
    const imports = bareImports(join(installed, file));
    const code = readFileSync(join(installed, file), 'utf8');
    check(imports.includes('react') && !/__CLIENT_INTERNALS|react\.production|ReactSharedInternals/.test(code), `${file} imports react, bundles none of it`, `imports: ${imports.join(', ')}`);
  }
  const peer = manifest.peerDependencies?.react;
  check(peer !== undefined && manifest.peerDependenciesMeta?.react?.optional === true, `react is an optional peer dependency (${peer})`);
}

function finish() {
  console.log('');
  if (failures.length) {
    console.log(`check:package FAILED (${failures.length}):`);
    for (const f of failures) console.log(`  - ${f}`);
    process.exit(1);
  }
  console.log(`check:package passed (${relative(root, tarball ?? work)})`);
  process.exit(0);
}
