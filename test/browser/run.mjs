// Runs the real-browser tests (test/browser/*.browser.mjs) in one headless
// Chromium, one at a time, each in a fresh browser context.
//
//   npm run test:browser              (builds dist/ first)
//   npm run test:browser -- vanilla   (only tests whose file or name contains "vanilla")
//
// Prints one line per test and ends with `N passed, N failed`; exits 1 on any
// failure. Node >= 22 (npm scripts run on the Node 24 devDependency).

import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { launchChromium } from './lib.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const filter = process.argv[2]?.toLowerCase();

const files = (await readdir(here)).filter((f) => f.endsWith('.browser.mjs')).sort();
const tests = [];
for (const file of files) {
  const mod = await import(pathToFileURL(path.join(here, file)).href);
  for (const test of mod.tests) {
    const label = `${file.replace('.browser.mjs', '')} › ${test.name}`;
    if (!filter || label.toLowerCase().includes(filter)) tests.push({ ...test, label });
  }
}

let passed = 0;
let failed = 0;
let browser;
try {
  browser = await launchChromium();
  console.log(`Chromium ${browser.version()} (headless), ${tests.length} test(s)`);
  for (const test of tests) {
    const started = Date.now();
    const notes = [];
    try {
      await test.fn({ browser, log: (line) => notes.push(line) });
      passed++;
      console.log(`✓ ${test.label} (${Date.now() - started} ms)`);
    } catch (error) {
      failed++;
      console.log(`✗ ${test.label} (${Date.now() - started} ms)`);
      console.log(`    ${String(error?.stack ?? error).split('\n').join('\n    ')}`);
    }
    for (const note of notes) console.log(`    · ${note}`);
  }
} catch (error) {
  failed++;
  console.log(`✗ could not run the browser tests: ${error?.stack ?? error}`);
} finally {
  await browser?.close();
}
if (tests.length === 0 && !failed) {
  failed++;
  console.log(`✗ no browser test matched ${JSON.stringify(filter ?? '')}`);
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
