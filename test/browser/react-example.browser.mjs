// examples/react in Chromium as `npm run example:react` serves it: Vite's dev
// server (JSX by Vite's built-in Oxc transform, React's development build, so
// StrictMode double-invokes effects for real), offline through msw's service
// worker. One session, one handoff, no console error.

import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { ROOT, RESULTS_DIR, assertClean, pseudoRandomBytes, watchPage, withTimeout } from './lib.mjs';

const EXAMPLE = path.join(ROOT, 'examples/react');

async function clickThrough({ log }, browser) {
  const { createServer } = await import('vite');
  const dev = await createServer({ configFile: path.join(EXAMPLE, 'vite.config.ts'), logLevel: 'error', clearScreen: false, server: { port: 0, hmr: false } });
  await dev.listen();
  const context = await browser.newContext({ viewport: { width: 640, height: 860 } });
  const page = await context.newPage();
  const problems = await watchPage(context, page);
  const status = (s) => page.waitForSelector(`#app[data-status="${s}"]`, { timeout: 20_000 });
  const form = (id) => page.waitForSelector(`#${id}`, { timeout: 20_000 });
  try {
    await page.goto(dev.resolvedUrls.local[0]);
    await form('product-form');
    await page.click('#product-form button[type=submit]');
    await form('personal-form');
    await page.fill('input[name=first_name]', 'Ana');
    await page.fill('input[name=last_name]', 'Pop');
    await page.fill('input[name=birth_date]', '1990-04-01');
    await page.click('#personal-form button[type=submit]');
    await form('documents-form');
    await page.setInputFiles('input[name=id]', { name: 'passport.jpg', mimeType: 'image/jpeg', buffer: pseudoRandomBytes(1024 * 1024, 3) });
    await page.setInputFiles('input[name=selfie]', { name: 'selfie.png', mimeType: 'image/png', buffer: pseudoRandomBytes(100 * 1024, 4) });
    await page.click('#documents-form button[type=submit]');
    await form('confirm-form');
    await page.click('#confirm-form button[type=submit]'); // unticked: refused before sending
    await page.waitForSelector('.alert');
    await page.check('input[name=accept]');
    await page.click('#confirm-form button[type=submit]');
    await status('handing-off');
    await status('done');
    await mkdir(RESULTS_DIR, { recursive: true });
    await page.screenshot({ path: path.join(RESULTS_DIR, 'react-example.png'), fullPage: true });

    const api = await page.evaluate(() => {
      const kit = window.__mockOnboardingApi;
      return { requests: kit.requests.map((r) => `${r.endpoint}${r.step ? `:${r.step}` : ''}=${r.responseStatus}`), sessions: kit.sessions.length, tokens: kit.issuedTempTokens.length };
    });
    log(`requests: ${api.requests.join(' ')}`);
    assert.equal(api.sessions, 1, 'StrictMode did not create a second session');
    assert.equal(api.requests.filter((r) => r.startsWith('sessions=')).length, 1);
    assert.equal(api.requests.filter((r) => r.startsWith('tokens=')).length, 1, 'handed off (and exchanged) once');
    assert.equal(api.requests.filter((r) => r.startsWith('steps:confirm')).length, 1);
    assert.ok(api.requests.every((r) => r.endsWith('=200')), 'every call succeeded');
    await assertClean(problems);
  } catch (error) {
    const tail = problems.consoleLines.slice(-20).join('\n    ');
    if (tail) error.message += `\n  last console lines:\n    ${tail}`;
    await page.screenshot({ path: path.join(RESULTS_DIR, 'react-example-failure.png'), fullPage: true }).catch(() => {});
    throw error;
  } finally {
    await context.close();
    await dev.close();
  }
}

export const tests = [
  {
    name: '`npm run example:react` (Vite dev server, StrictMode): the whole flow offline, one session, one handoff',
    fn: (ctx) => withTimeout(clickThrough(ctx, ctx.browser), 90_000, 'the click-through'),
  },
];
