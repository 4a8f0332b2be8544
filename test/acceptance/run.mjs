// Acceptance harness for the PACKED package (issues 2, 3 and 5).
//
//   npm run test:pack                       # all groups
//   npm run test:pack -- --only issue2      # one or more groups: server,issue2,kit,issue3,issue5,extra,dom
//   npm run test:pack -- --grep upload      # only checks whose name contains the text
//   npm run test:pack -- --skip-build       # pack the existing dist/ without rebuilding
//   npm run test:pack -- --tarball x.tgz    # test a given tarball (no build, no pack)
//   npm run test:pack -- --keep --verbose   # keep the temp project; print failing checks' stderr
//
// What it does: `npm run build` and `npm pack` in the repository this file
// lives in; an empty project in os.tmpdir() with `npm install <tarball>
// msw@3.0.5`; then every check runs in its own Node process (this runner's
// binary) inside that project, importing only 'onboarding-sdk' and
// 'onboarding-sdk/testing' like an integrator, against the independent strict
// server (./strict-server.mjs) or the kit's msw handlers. Groups: `server`
// self-checks the strict server with raw fetch (needs no tarball); `issue2`,
// `kit`, `issue3`, `issue5` are the issues' acceptance points; `extra` covers CONTRACT.md
// items beyond them (onboarding-sdk/server end to end, the CJS builds); `dom`
// is issue 10's: more consumer projects, each with vitest and a test DOM
// (jsdom, happy-dom; msw 3 and msw 2), whose own vitest test uploads 5,000
// bytes to the kit (see consumer/dom.mjs). Their packages are the versions
// this repository installed (so `npm ci` has them in npm's cache) or pinned.
// Output: one `PASS|FAIL group › name` line per check, then `N passed, N failed`.

import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..', '..');
const GROUPS = ['server', 'issue2', 'kit', 'issue3', 'issue5', 'extra', 'dom'];
// issue5 type-checks consumer code against the tarball's .d.ts with this repository's TypeScript.
process.env.ACCEPTANCE_TSC = path.join(root, 'node_modules', 'typescript', 'lib', 'tsc.js');
const CHECK_TIMEOUT_MS = 90_000;
const MSW_VERSION = '3.0.5';

// --- arguments --------------------------------------------------------------------
const args = process.argv.slice(2);
const opts = { only: null, grep: null, skipBuild: false, tarball: null, keep: false, verbose: false };
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  const value = () => {
    const [, inline] = a.split(/=(.*)/s);
    return inline !== undefined ? inline : args[++i];
  };
  if (a === '--only' || a.startsWith('--only=')) opts.only = value().split(',').map((s) => s.trim()).filter(Boolean);
  else if (a === '--grep' || a.startsWith('--grep=')) opts.grep = value();
  else if (a === '--tarball' || a.startsWith('--tarball=')) opts.tarball = path.resolve(value());
  else if (a === '--skip-build') opts.skipBuild = true;
  else if (a === '--keep') opts.keep = true;
  else if (a === '--verbose' || a === '-v') opts.verbose = true;
  else if (GROUPS.includes(a)) (opts.only ??= []).push(a);
  else {
    console.error(`unknown argument ${a}\nusage: run.mjs [--only ${GROUPS.join(',')}] [--grep text] [--skip-build] [--tarball file.tgz] [--keep] [--verbose]`);
    process.exit(2);
  }
}
const selected = opts.only ?? GROUPS;
const unknown = selected.filter((g) => !GROUPS.includes(g));
if (unknown.length) {
  console.error(`unknown group(s): ${unknown.join(', ')}; groups: ${GROUPS.join(', ')}`);
  process.exit(2);
}

const major = Number(process.versions.node.split('.')[0]);
if (major < 22) {
  console.error(`acceptance harness: needs Node >= 22 (msw 3), runs on ${process.version}. Run it through npm (npm run test:pack) so node_modules/.bin/node is used.`);
  process.exit(2);
}

let passed = 0;
let failed = 0;
const report = (ok, label, detail) => {
  if (ok) passed++;
  else failed++;
  console.log(`${ok ? 'PASS' : 'FAIL'} ${label}${detail ? ` — ${detail}` : ''}`);
};
const oneLine = (s, max = 600) => {
  const t = String(s ?? '').replace(/\s+/g, ' ').trim();
  return t.length > max ? t.slice(0, max) + '…' : t;
};
const tail = (s, lines = 25) => String(s ?? '').trim().split('\n').slice(-lines).join('\n');

function finish() {
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed > 0 ? 1 : 0);
}

// npm's lifecycle variables of *this* package must not leak into npm calls made in other directories.
function cleanEnv() {
  const env = { ...process.env };
  for (const k of Object.keys(env)) {
    if (/^npm_(package|lifecycle)_/i.test(k) || /^npm_config_local_prefix$/i.test(k)) delete env[k];
  }
  return env;
}

function run(cmd, cmdArgs, cwd, label) {
  const t0 = Date.now();
  const r = spawnSync(cmd, cmdArgs, { cwd, env: cleanEnv(), encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const ms = Date.now() - t0;
  if (r.status !== 0) {
    report(false, `setup › ${label}`, `exit ${r.status ?? r.signal}${r.error ? ` (${r.error.message})` : ''}: ${oneLine(tail(r.stderr || r.stdout, 15))}`);
    console.error(tail(`${r.stdout}\n${r.stderr}`, 60).replace(/^/gm, '    '));
    finish();
  }
  console.log(`# ${label} (${(ms / 1000).toFixed(1)} s)`);
  return r;
}

// --- prepare the consumer project ---------------------------------------------------
const needsPackage = selected.some((g) => g !== 'server');
let workDir;
let projectDir;
if (needsPackage) {
  workDir = mkdtempSync(path.join(os.tmpdir(), 'onboarding-sdk-acceptance-'));
  process.on('exit', () => {
    if (opts.keep) console.error(`# kept ${workDir}`);
    else rmSync(workDir, { recursive: true, force: true });
  });
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => process.exit(130));

  let tarball = opts.tarball;
  if (!tarball) {
    if (!opts.skipBuild) run('npm', ['run', 'build'], root, 'npm run build');
    const packDir = path.join(workDir, 'pack');
    mkdirSync(packDir);
    run('npm', ['pack', '--pack-destination', packDir, '--loglevel=error'], root, 'npm pack');
    const tgz = readdirSync(packDir).filter((f) => f.endsWith('.tgz'));
    if (tgz.length !== 1) {
      report(false, 'setup › npm pack', `expected one tarball in ${packDir}, found ${tgz.length}`);
      finish();
    }
    tarball = path.join(packDir, tgz[0]);
  }
  console.log(`# tarball ${path.basename(tarball)}`);

  projectDir = path.join(workDir, 'consumer-app');
  mkdirSync(projectDir);
  writeFileSync(
    path.join(projectDir, 'package.json'),
    JSON.stringify({ name: 'onboarding-sdk-acceptance-consumer', version: '1.0.0', private: true, type: 'module' }, null, 2) + '\n',
  );
  run('npm', ['install', tarball, `msw@${MSW_VERSION}`, '--no-audit', '--no-fund', '--loglevel=error'], projectDir, `npm install <tarball> msw@${MSW_VERSION}`);
  // The harness files only; the SDK comes from node_modules/onboarding-sdk.
  const dest = path.join(projectDir, 'acceptance');
  mkdirSync(path.join(dest, 'consumer'), { recursive: true });
  cpSync(path.join(here, 'strict-server.mjs'), path.join(dest, 'strict-server.mjs'));
  for (const f of readdirSync(path.join(here, 'consumer'))) {
    if (f.endsWith('.mjs')) cpSync(path.join(here, 'consumer', f), path.join(dest, 'consumer', f));
  }

  // Issue 10: one project per test DOM, with vitest, the DOM and msw from npm
  // (the versions this repository installed, so they come from npm's cache).
  if (selected.includes('dom')) {
    const { DOM_CONSUMERS } = await import('./consumer/dom.mjs');
    const installed = (name) => JSON.parse(readFileSync(path.join(root, 'node_modules', name, 'package.json'), 'utf8')).version;
    const versions = { vitest: installed('vitest'), jsdom: installed('jsdom'), 'happy-dom': installed('happy-dom'), msw: MSW_VERSION };
    for (const name of ['react', 'react-dom', '@testing-library/react', '@testing-library/dom']) versions[name] = installed(name);
    const projects = {};
    for (const consumer of DOM_CONSUMERS) {
      const dir = path.join(workDir, `consumer-${consumer.name}`);
      mkdirSync(dir);
      writeFileSync(
        path.join(dir, 'package.json'),
        JSON.stringify({ name: `onboarding-sdk-acceptance-${consumer.name}`, version: '1.0.0', private: true, type: 'module' }, null, 2) + '\n',
      );
      writeFileSync(
        path.join(dir, 'vitest.config.mjs'),
        `export default { test: { environment: ${JSON.stringify(consumer.environment)}, include: ['*.test.mjs'] } };\n`,
      );
      cpSync(path.join(here, 'dom', 'upload.test.mjs'), path.join(dir, 'upload.test.mjs'));
      if (consumer.react) cpSync(path.join(here, 'dom', 'react-flow.test.mjs'), path.join(dir, 'react-flow.test.mjs'));
      const packages = consumer.packages(versions);
      run(
        'npm',
        ['install', tarball, ...packages, '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'],
        dir,
        `${consumer.name}: npm install <tarball> ${packages.join(' ')}`,
      );
      projects[consumer.name] = dir;
    }
    // Inherited by every check process (runChild passes the environment on).
    process.env.ACCEPTANCE_DOM_PROJECTS = JSON.stringify(projects);
  }
}

// --- run the checks -------------------------------------------------------------------
function runChild(scriptArgs, cwd, timeoutMs) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, scriptArgs, { cwd, env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const line = stdout.split('\n').reverse().find((l) => l.startsWith('@@RESULT '));
      let result;
      try {
        result = line ? JSON.parse(line.slice('@@RESULT '.length)) : undefined;
      } catch {}
      resolve({ result, stdout, stderr, code, signal, timedOut });
    });
  });
}

for (const group of selected) {
  const cwd = group === 'server' ? path.join(here, 'consumer') : path.join(projectDir, 'acceptance', 'consumer');
  const runner = path.join(cwd, 'run-check.mjs');
  const listed = await runChild([runner, '--list', group], cwd, 60_000);
  if (!listed.result?.names) {
    report(false, `${group} › load the checks`, oneLine(tail(listed.stderr || listed.stdout, 12)));
    if (opts.verbose) console.error(tail(listed.stderr, 60).replace(/^/gm, '    '));
    continue;
  }
  const names = listed.result.names;
  for (let i = 0; i < names.length; i++) {
    const label = `${group} › ${names[i]}`;
    if (opts.grep && !label.toLowerCase().includes(opts.grep.toLowerCase())) continue;
    const r = await runChild([runner, group, String(i)], cwd, CHECK_TIMEOUT_MS);
    if (r.timedOut) {
      report(false, label, `did not finish within ${CHECK_TIMEOUT_MS / 1000} s (hang); stderr: ${oneLine(tail(r.stderr, 5), 300)}`);
    } else if (!r.result) {
      report(false, label, `the check process exited ${r.code ?? r.signal} without a result: ${oneLine(tail(r.stderr, 8), 400)}`);
    } else if (r.result.ok) {
      report(true, `${label} (${r.result.ms} ms)`);
    } else {
      report(false, label, oneLine(r.result.error));
    }
    if (opts.verbose && !(r.result?.ok)) console.error(tail(r.stderr, 40).replace(/^/gm, '    '));
  }
}

finish();
