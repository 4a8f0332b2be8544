// Runs the real-browser tests — test/browser/*.browser.mjs and
// test/image/*.browser.mjs — once in each engine (Chromium, Firefox, WebKit;
// see drivers.mjs), one test at a time, each page in a fresh context.
//
//   npm run test:browser                        (builds dist/ first; all three engines)
//   BROWSERS=webkit npm run test:browser        (some engines: chromium, firefox, webkit)
//   npm run test:browser -- vanilla             (only tests whose file or name contains "vanilla")
//
// Screenshots go to .tmp/screenshots/<engine>-<name>.png. Prints one line per
// test and engine and ends with `N passed, N failed`; exits 1 on any failure
// (an engine that cannot be launched counts as a failure). Node >= 22 (npm
// scripts run on the Node 24 devDependency).

import { readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { launchBrowser, selectedEngines } from './drivers.mjs';
import { ROOT, SCREENSHOTS_DIR } from './lib.mjs';

// Ctrl-C or a CI timeout: exit through 'exit', where the drivers end the browsers they started.
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => process.exit(signal === 'SIGINT' ? 130 : 143));

const here = path.dirname(fileURLToPath(import.meta.url));
const filter = process.argv[2]?.toLowerCase();
const engines = selectedEngines();

const tests = [];
for (const dir of [here, path.join(ROOT, 'test/image')]) {
  const files = (await readdir(dir)).filter((f) => f.endsWith('.browser.mjs')).sort();
  for (const file of files) {
    const mod = await import(pathToFileURL(path.join(dir, file)).href);
    for (const test of mod.tests) {
      const label = `${file.replace('.browser.mjs', '')} › ${test.name}`;
      if (!filter || label.toLowerCase().includes(filter)) tests.push({ ...test, label });
    }
  }
}

// A full run starts from an empty screenshot folder for its engines, so no stale picture is looked at.
if (!filter) {
  const old = await readdir(SCREENSHOTS_DIR).catch(() => []);
  await Promise.all(old.filter((f) => engines.some((e) => f.startsWith(`${e}-`))).map((f) => rm(path.join(SCREENSHOTS_DIR, f))));
}

let passed = 0;
let failed = 0;
const perEngine = [];
const runStarted = Date.now();
for (const engine of engines) {
  const started = Date.now();
  let enginePassed = 0;
  let engineFailed = 0;
  let browser;
  try {
    browser = await launchBrowser(engine);
    const f = browser.features;
    console.log(
      `\n== ${browser.name} ${browser.version} · launched in ${Date.now() - started} ms · phone emulation: viewport${f.touch ? ', touch' : ''}${f.mobile ? ', mobile' : ''} · engine console: ${f.nativeConsole ? 'yes' : 'page monitor only'} · ${tests.length} test(s)`,
    );
    for (const test of tests) {
      const testStarted = Date.now();
      const notes = [];
      try {
        await test.fn({
          browser,
          engine,
          log: (line) => notes.push(line),
          screenshot: (name) => path.join(SCREENSHOTS_DIR, `${engine}-${name}.png`),
        });
        enginePassed++;
        console.log(`✓ [${engine}] ${test.label} (${Date.now() - testStarted} ms)`);
      } catch (error) {
        engineFailed++;
        console.log(`✗ [${engine}] ${test.label} (${Date.now() - testStarted} ms)`);
        console.log(`    ${String(error?.stack ?? error).split('\n').join('\n    ')}`);
      }
      for (const note of notes) console.log(`    · ${note}`);
    }
  } catch (error) {
    engineFailed++;
    console.log(`✗ [${engine}] could not run the browser tests: ${error?.stack ?? error}`);
  } finally {
    if (browser?.restarts) console.log(`  (the ${engine} driver hung starting a session and was restarted ${browser.restarts} time(s))`);
    await browser?.close().catch((error) => console.log(`  (closing ${engine} failed: ${error?.message ?? error})`));
  }
  passed += enginePassed;
  failed += engineFailed;
  perEngine.push(`${engine}: ${enginePassed} passed, ${engineFailed} failed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
if (tests.length === 0) {
  failed++;
  console.log(`✗ no browser test matched ${JSON.stringify(filter ?? '')}`);
}
console.log(`\n${perEngine.join('\n')}\ntotal ${((Date.now() - runStarted) / 1000).toFixed(1)} s; screenshots in ${path.relative(process.cwd(), SCREENSHOTS_DIR) || SCREENSHOTS_DIR}/`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
