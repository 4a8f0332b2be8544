// examples/react in each engine as `npm run example:react` serves it: Vite's
// dev server (JSX by Vite's built-in Oxc transform, React's development build,
// so StrictMode double-invokes effects for real, plus the test's page monitor),
// offline through msw's service worker. One session, one handoff, no console
// error — on a phone (390×844, a screenshot of every screen) and on a desktop window,
// where a refused selfie is chosen again alone and the accepted passport is sent once.

import assert from 'node:assert/strict';
import path from 'node:path';
import { PHONE } from './drivers.mjs';
import { ROOT, assertClean, pageMonitorPlugin, pseudoRandomBytes, withConsoleTail, withTimeout } from './lib.mjs';
import { assertCameraInputs, assertFitsPhone } from './phone.mjs';

const EXAMPLE = path.join(ROOT, 'examples/react');

async function clickThrough({ browser, log, screenshot }, { phone }) {
  const { createServer } = await import('vite');
  const dev = await createServer({ configFile: path.join(EXAMPLE, 'vite.config.ts'), logLevel: 'error', clearScreen: false, server: { port: 0, hmr: false }, plugins: [pageMonitorPlugin()] });
  await dev.listen();
  const page = await browser.newPage(phone ? { viewport: PHONE, phone: true } : { viewport: { width: 1024, height: 800 } });
  const size = phone ? 'phone' : 'desktop';
  const shoot = async (name) => {
    if (!phone) return;
    await assertFitsPhone(page, `the ${name} screen`);
    await page.screenshot(screenshot(`react-phone-${name}`), { fullPage: true });
  };
  const status = (s) => page.waitForSelector(`#app[data-status="${s}"]`, { timeout: 20_000 });
  const form = (id) => page.waitForSelector(`#${id}`, { timeout: 20_000 });
  try {
    await page.goto(dev.resolvedUrls.local[0]);
    await form('product-form');
    await shoot('1-product');
    await page.click('#product-form button[type=submit]');
    await form('personal-form');
    await shoot('2-personal');
    await page.fill('input[name=first_name]', 'Ana');
    await page.fill('input[name=last_name]', 'Pop');
    await page.fill('input[name=birth_date]', '1990-04-01');
    await page.click('#personal-form button[type=submit]');
    await form('documents-form');
    await assertCameraInputs(page, { idCamera: '#id-camera', idFile: '#id-file', selfie: '#selfie-file' });
    await page.setInputFiles('#id-file', { name: 'passport.jpg', mimeType: 'image/jpeg', buffer: pseudoRandomBytes(1024 * 1024, 3) });
    if (!phone) {
      // A selfie the skill refuses (GIF): the passport is accepted and kept, only the selfie input asks again.
      await page.setInputFiles('#selfie-file', { name: 'selfie.gif', mimeType: 'image/gif', buffer: pseudoRandomBytes(10 * 1024, 5) });
      await page.click('#documents-form button[type=submit]');
      await page.waitForFunction(() => document.querySelector('[data-error-for="selfie"]').textContent !== '' && /passport\.jpg · uploaded/.test(document.querySelector('#id-status').textContent), undefined, { timeout: 20_000 });
      assert.equal(await page.text('[data-error-for="id"]'), '');
    }
    await page.setInputFiles('#selfie-file', { name: 'selfie.png', mimeType: 'image/png', buffer: pseudoRandomBytes(100 * 1024, 4) });
    // The page shows what was chosen (engines fire `change` at different times after the driver sets the file).
    await page.waitForFunction(() => /passport\.jpg/.test(document.querySelector('#id-status').textContent) && /selfie\.png/.test(document.querySelector('#selfie-status').textContent));
    await shoot('3-documents');
    await page.click('#documents-form button[type=submit]');
    await form('confirm-form');
    await page.click('#confirm-form button[type=submit]'); // unticked: refused before sending
    await page.waitForSelector('.alert');
    await shoot('4-confirm');
    await page.check('input[name=accept]');
    await page.click('#confirm-form button[type=submit]');
    await status('handing-off').catch(() => {}); // may be over before a poll sees it
    await status('done');
    await shoot('5-done');
    if (!phone) await page.screenshot(screenshot('react-desktop-done'), { fullPage: true });

    const api = await page.evaluate(() => {
      const kit = window.__mockOnboardingApi;
      return { requests: kit.requests.map((r) => `${r.endpoint}${r.step ? `:${r.step}` : ''}=${r.responseStatus}`), sessions: kit.sessions.length, tokens: kit.issuedTempTokens.length, uploads: kit.sessions[0]?.uploads.map((u) => [u.name, u.type, u.size]) };
    });
    log(`${size}: requests: ${api.requests.join(' ')}`);
    assert.equal(api.sessions, 1, 'StrictMode did not create a second session');
    assert.equal(api.requests.filter((r) => r.startsWith('sessions=')).length, 1);
    assert.equal(api.requests.filter((r) => r.startsWith('tokens=')).length, 1, 'handed off (and exchanged) once');
    assert.equal(api.requests.filter((r) => r.startsWith('steps:confirm')).length, 1);
    assert.ok(api.requests.every((r) => r.endsWith('=200')), 'every call succeeded');
    // Each document once: the refused GIF never left the browser, the passport was not sent again.
    assert.deepEqual(api.uploads, [
      ['passport.jpg', 'image/jpeg', 1024 * 1024],
      ['selfie.png', 'image/png', 100 * 1024],
    ]);
    await assertClean(page);
  } catch (error) {
    await page.screenshot(screenshot(`react-${size}-failure`), { fullPage: true }).catch(() => {});
    throw await withConsoleTail(page, error);
  } finally {
    await page.close();
    await dev.close();
  }
}

export const tests = [
  {
    name: '`npm run example:react` (Vite dev server, StrictMode) on a phone (390×844): the whole flow offline, one session, one handoff',
    fn: (ctx) => withTimeout(clickThrough(ctx, { phone: true }), 90_000, 'the click-through'),
  },
  {
    name: '`npm run example:react` on a desktop window: the same flow',
    fn: (ctx) => withTimeout(clickThrough(ctx, { phone: false }), 90_000, 'the click-through'),
  },
];
