// examples/react in each engine as `npm run example:react` serves it: Vite's
// dev server (JSX by Vite's built-in Oxc transform, React's development build,
// so StrictMode double-invokes effects for real, plus the test's page monitor),
// offline: the example's Vite plugin serves the testing kit over HTTP on its
// own port (the API and the bank, another origin) and plays the backend's
// temp-token endpoint; this process reads the kit through the plugin. One
// session, one handoff, no console error — on a phone (390×844, a screenshot of
// every screen) and on a desktop window, where a refused selfie is chosen again
// alone and the accepted passport is sent once. And the PSD2 consent on
// `useOnboarding(client, { skill: consent, resume: true })`: to the kit's bank
// page, Approve (or Deny), back, `redirectParams`, confirm, one handoff.

import assert from 'node:assert/strict';
import path from 'node:path';
import { PHONE } from './drivers.mjs';
import { ROOT, assertClean, pageMonitorPlugin, pseudoRandomBytes, withConsoleTail, withTimeout } from './lib.mjs';
import { assertCameraInputs, assertFitsPhone } from './phone.mjs';

const EXAMPLE = path.join(ROOT, 'examples/react');

async function startDevServer() {
  const { createServer } = await import('vite');
  const dev = await createServer({ configFile: path.join(EXAMPLE, 'vite.config.ts'), logLevel: 'error', clearScreen: false, server: { port: 0, hmr: false }, plugins: [pageMonitorPlugin()] });
  await dev.listen();
  // The example's fake API, running in this process (examples/shared/fake-api-plugin.ts).
  const fake = dev.config.plugins.find((p) => p.name === 'onboarding-examples-fake-api')?.fake;
  if (!fake) throw new Error('the example’s fake API plugin did not start');
  assert.notEqual(new URL(fake.url).origin, new URL(dev.resolvedUrls.local[0]).origin, 'the fake API is on another origin than the page');
  return { url: dev.resolvedUrls.local[0], kit: fake.api, close: () => dev.close() };
}

const requestsOf = (kit) => kit.requests.map((r) => `${r.endpoint}${r.step ? `:${r.step}` : ''}=${r.responseStatus}`);

async function clickThrough({ browser, log, screenshot }, { phone }) {
  const dev = await startDevServer();
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
    await page.goto(dev.url);
    await status('start');
    await shoot('0-start');
    await page.click('#choose-kyc');
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
    // The form can show while the documents' action is still finishing (its button disabled): a click then does nothing.
    await page.waitForSelector('#confirm-form button[type=submit]:not([disabled])', { timeout: 20_000 });
    await page.click('#confirm-form button[type=submit]'); // unticked: refused before sending
    await page.waitForSelector('.alert');
    await shoot('4-confirm');
    await page.check('input[name=accept]');
    await page.click('#confirm-form button[type=submit]');
    await status('handing-off').catch(() => {}); // may be over before a poll sees it
    await status('done');
    await shoot('5-done');
    if (!phone) await page.screenshot(screenshot('react-desktop-done'), { fullPage: true });

    const kit = dev.kit;
    const api = { requests: requestsOf(kit), sessions: kit.sessions.length, tokens: kit.issuedTempTokens.length, uploads: kit.sessions[0]?.uploads.map((u) => [u.name, u.type, u.size]) };
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

async function consentThroughBank({ browser, log, screenshot }, { phone, decision }) {
  const dev = await startDevServer();
  const page = await browser.newPage(phone ? { viewport: PHONE, phone: true } : { viewport: { width: 1024, height: 800 } });
  const label = `consent-${decision}-${phone ? 'phone' : 'desktop'}`;
  const status = async (s, shot) => {
    await page.waitForSelector(`#app[data-status="${s}"]`, { timeout: 20_000 });
    if (!phone) return;
    await assertFitsPhone(page, `the ${s} screen`);
    if (shot) await page.screenshot(screenshot(`react-phone-consent-${shot}-${s}`), { fullPage: true });
  };
  try {
    await page.goto(dev.url);
    await status('start');
    await page.click('#choose-consent');
    await status('consent', 1);
    await page.selectOption('select[name=bank]', 'contoso');
    await page.click('#consent-form button[type=submit]');
    await status('bank', 2);
    assert.equal(dev.kit.bank.visits.length, 0, 'nobody went to the bank yet');
    await page.waitForSelector('#bank-form button[type=submit]:not([disabled])', { timeout: 20_000 }); // the consent form's action may still be finishing
    await page.click('#bank-form button[type=submit]');

    // The kit's bank page, on the fake API's origin: the page left the example.
    await page.waitForSelector('#bank-approve', { timeout: 20_000 });
    const bankUrl = new URL(await page.evaluate(() => location.href));
    assert.notEqual(bankUrl.origin, new URL(dev.url).origin, 'the bank is another origin');
    assert.equal(bankUrl.pathname, '/v1/bank/authorize');
    if (phone) await page.screenshot(screenshot('react-phone-consent-3-bank'), { fullPage: true });
    await page.click(decision === 'approve' ? '#bank-approve' : '#bank-deny');

    if (decision === 'deny') {
      // redirectParams.error, in the user's words (userMessage).
      await status('refused', 4);
      assert.match(await page.text('#problem'), /did not give access at your bank/);
      log(`${label}: requests: ${requestsOf(dev.kit).join(' ')}`);
      assert.deepEqual(dev.kit.bank.returns.map((r) => r.outcome), ['deny']);
      assert.equal(requestsOf(dev.kit).filter((r) => r.startsWith('steps:confirm')).length, 0, 'nothing was confirmed');
      assert.equal(dev.kit.issuedTempTokens.length, 0);
      await assertClean(page);
      return;
    }

    await status('confirm', 4);
    const back = new URL(await page.evaluate(() => location.href));
    assert.equal(back.origin, new URL(dev.url).origin);
    assert.equal(back.searchParams.has('state'), false, 'handleRedirect removed the state from the address');
    await page.check('input[name=accept]');
    await page.click('#consent-confirm-form button[type=submit]');
    await status('done', 5);

    const kit = dev.kit;
    const requests = requestsOf(kit);
    log(`${label}: requests: ${requests.join(' ')}; bank: ${kit.bank.visits.map((v) => `${v.result}=${v.status}`).join(' ')}`);
    assert.equal(kit.sessions.length, 1, 'one session (StrictMode and the return from the bank included)');
    assert.deepEqual(kit.sessions[0].completedSteps, ['consent_form', 'bank_redirect', 'confirm']);
    assert.equal(kit.sessions[0].status, 'SESSION_COMPLETED');
    assert.deepEqual(kit.bank.visits.map((v) => v.result), ['page', 'return']);
    assert.deepEqual(kit.bank.returns.map((r) => r.outcome), ['approve']);
    assert.equal(requests.filter((r) => r.startsWith('steps:confirm')).length, 1);
    assert.deepEqual(requests.filter((r) => r.startsWith('tokens=')), ['tokens=200'], 'the (fake) backend exchanged the temp token exactly once');
    assert.equal(kit.issuedTempTokens.length, 1);
    assert.ok(requests.every((r) => r.endsWith('=200')), 'every call succeeded');
    await assertClean(page);
  } catch (error) {
    await page.screenshot(screenshot(`react-${label}-failure`), { fullPage: true }).catch(() => {});
    throw await withConsoleTail(page, error);
  } finally {
    await page.close();
    await dev.close();
  }
}

export const tests = [
  {
    name: '`npm run example:react` (Vite dev server, StrictMode) on a phone (390×844): the whole KYC flow offline, one session, one handoff',
    fn: (ctx) => withTimeout(clickThrough(ctx, { phone: true }), 90_000, 'the click-through'),
  },
  {
    name: '`npm run example:react` on a desktop window: the same flow',
    fn: (ctx) => withTimeout(clickThrough(ctx, { phone: false }), 90_000, 'the click-through'),
  },
  {
    name: '`npm run example:react` on a phone: the PSD2 consent (useOnboarding, resume) goes to the kit’s bank on another origin, is approved, comes back, completes, one handoff',
    fn: (ctx) => withTimeout(consentThroughBank(ctx, { phone: true, decision: 'approve' }), 90_000, 'the consent journey'),
  },
  {
    name: '`npm run example:react` on a desktop window: the consent refused at the bank shows redirectParams.error as a refusal, nothing confirmed',
    fn: (ctx) => withTimeout(consentThroughBank(ctx, { phone: false, decision: 'deny' }), 90_000, 'the consent journey'),
  },
];
