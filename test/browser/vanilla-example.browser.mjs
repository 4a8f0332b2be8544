// examples/vanilla in each engine, exactly as `npm run example` serves it
// (Vite's dev server with the example's own config, plus the test's page
// monitor), fully offline: the example's Vite plugin serves the testing kit
// over HTTP on its own port (the API and the bank, another origin) and plays
// the backend's temp-token endpoint; the browser reaches no host but
// 127.0.0.1, and this process reads the kit through the plugin. A user clicks
// through every KYC screen, including two validation errors that must be
// caught before anything is sent — once on a phone (390×844, touch where the
// engine can emulate it, a screenshot of every screen) and once on a desktop
// window — and through the PSD2 consent journey: to the kit's bank page on the
// other origin, Approve (or Deny) there, and back.

import assert from 'node:assert/strict';
import path from 'node:path';
import { PHONE } from './drivers.mjs';
import { ROOT, assertClean, pageMonitorPlugin, pseudoRandomBytes, withConsoleTail, withTimeout } from './lib.mjs';
import { assertCameraInputs, assertFitsPhone } from './phone.mjs';

const EXAMPLE = path.join(ROOT, 'examples/vanilla');
const ID_SIZE = 2 * 1024 * 1024;
const SELFIE_SIZE = 200 * 1024;

async function startDevServer() {
  const { createServer } = await import('vite');
  const server = await createServer({
    configFile: path.join(EXAMPLE, 'vite.config.ts'),
    logLevel: 'error',
    clearScreen: false,
    server: { port: 0, strictPort: false, hmr: false },
    plugins: [pageMonitorPlugin()],
  });
  await server.listen();
  const url = server.resolvedUrls?.local[0];
  if (!url) throw new Error('the Vite dev server did not report a URL');
  // The example's fake API, running in this process (examples/shared/fake-api-plugin.ts).
  const fake = server.config.plugins.find((p) => p.name === 'onboarding-examples-fake-api')?.fake;
  if (!fake) throw new Error('the example’s fake API plugin did not start');
  assert.notEqual(new URL(fake.url).origin, new URL(url).origin, 'the fake API is on another origin than the page, like a real provider');
  return { url, kit: fake.api, close: () => server.close() };
}

/** What the kit saw, in short. */
function kitState(api) {
  return {
    requests: api.requests.map((r) => ({ endpoint: r.endpoint, step: r.step, status: r.responseStatus })),
    sessions: api.sessions.map((s) => ({ skill: s.skill, status: s.status, completedSteps: s.completedSteps, uploads: s.uploads.map((u) => [u.name, u.type, u.size]) })),
    tempTokens: api.issuedTempTokens.length,
    bank: { visits: api.bank.visits.map((v) => `${v.result}=${v.status}`), returns: api.bank.returns.map((r) => r.outcome) },
  };
}

async function clickThrough({ browser, log, screenshot }, { phone }) {
  const dev = await startDevServer();
  const page = await browser.newPage(phone ? { viewport: PHONE, phone: true } : { viewport: { width: 1024, height: 800 } });
  const size = phone ? 'phone' : 'desktop';
  const screen = async (name, shot) => {
    await page.waitForSelector(`html[data-screen="${name}"]`, { timeout: 20_000 });
    if (phone) await assertFitsPhone(page, `the ${name} screen`);
    if (shot && phone) await page.screenshot(screenshot(`vanilla-phone-${shot}-${name}`), { fullPage: true });
  };
  const apiState = async () => kitState(dev.kit);
  try {
    await page.goto(dev.url);
    await screen('start', 0);
    await page.click('#choose-kyc');
    await screen('product', 1);
    if (phone) {
      const device = await page.evaluate(() => ({ viewport: `${innerWidth}×${innerHeight}`, touchEvents: 'ontouchstart' in window, maxTouchPoints: navigator.maxTouchPoints, coarsePointer: matchMedia('(pointer: coarse)').matches }));
      log(`phone as the page sees it: ${JSON.stringify(device)}`);
      assert.equal(device.viewport, `${PHONE.width}×${PHONE.height}`, 'the page has the phone’s viewport');
    }

    // 1. Product form, first with an amount the skill's schema refuses: nothing is sent for it.
    await page.fill('#value', '12abc');
    await page.selectOption('#currency', 'EUR');
    await page.selectOption('#period', '24');
    await page.click('#product-form button[type=submit]');
    await page.waitForSelector('[data-error-for="value"]:not(:empty)');
    assert.deepEqual((await apiState()).requests.filter((r) => r.endpoint === 'steps'), [], 'an invalid step is not sent');
    await page.fill('#value', '25000');
    await page.click('#product-form button[type=submit]');

    // 2. Personal data.
    await screen('personal', 2);
    await page.fill('#first_name', 'Ana');
    await page.fill('#last_name', 'Pop');
    await page.fill('#birth_date', '1990-04-01');
    await page.click('#personal-form button[type=submit]');

    // 3. Documents, each with its own progress bar; on a phone the inputs offer the camera.
    await screen('documents');
    await assertCameraInputs(page, { idCamera: '#id-camera', idFile: '#id-file', selfie: '#selfie-file' });
    await page.setInputFiles('#id-file', { name: 'passport.jpg', mimeType: 'image/jpeg', buffer: pseudoRandomBytes(ID_SIZE, 7) });
    await page.setInputFiles('#selfie-file', { name: 'selfie.png', mimeType: 'image/png', buffer: pseudoRandomBytes(SELFIE_SIZE, 8) });
    // The page shows what was chosen (engines fire `change` at different times after the driver sets the file).
    await page.waitForFunction(() => /passport\.jpg/.test(document.querySelector('#id-status').textContent) && /selfie\.png/.test(document.querySelector('#selfie-status').textContent));
    await screen('documents', 3);
    await page.click('#documents-form button[type=submit]');

    // 4. Confirm: the box must be ticked (the schema says `accept: true`), again caught before sending.
    await screen('confirm', 4);
    const bars = (await page.problems()).monitor.progressWrites;
    log(`${size}: progress bar writes: ${JSON.stringify(bars.map(([id, v]) => `${id}=${Math.round(v * 100)}%`))}`);
    for (const id of ['id-progress', 'selfie-progress']) {
      const values = bars.filter(([bar]) => bar === id).map(([, v]) => v);
      // Over loopback the body may go in one piece, so the bar can jump to full;
      // real step-by-step progress is the CSP test's job (rate-limited uploads).
      assert.ok(values.length >= 2, `${id} was updated by onProgress`);
      assert.equal(values.at(-1), 1, `${id} ends full`);
    }
    const summary = await page.text('.summary');
    for (const text of ['25,000 EUR', '24 months', 'Ana Pop', '1990-04-01', 'passport.jpg', 'selfie.png']) assert.ok(summary.includes(text), `the summary shows ${text}`);
    await page.click('#confirm-form button[type=submit]');
    await page.waitForSelector('[data-error-for="accept"]:not(:empty)');
    const before = (await apiState()).requests.filter((r) => r.step === 'confirm');
    assert.deepEqual(before, [], 'confirm without the box ticked is not sent');
    await page.check('#accept');
    await page.click('#confirm-form button[type=submit]');

    // 5. Handing off, then done.
    await screen('handoff');
    assert.match(await page.text('#handoff h1'), /Handing off/);
    await screen('done', 5);
    const reference = (await page.text('#credentials-id'))?.trim();
    assert.match(reference ?? '', /^[0-9a-f-]{36}$/, 'the done screen shows the backend’s credentials reference');
    if (!phone) await page.screenshot(screenshot('vanilla-desktop-done'), { fullPage: true });

    const api = await apiState();
    log(`${size}: requests: ${api.requests.map((r) => `${r.endpoint}${r.step ? `:${r.step}` : ''}=${r.status}`).join(' ')}`);
    assert.equal(api.sessions.length, 1, 'one session');
    assert.deepEqual(api.sessions[0].completedSteps, ['product_form', 'personal_data', 'kyc_documents', 'confirm']);
    assert.equal(api.sessions[0].status, 'SESSION_COMPLETED');
    assert.deepEqual(api.sessions[0].uploads, [
      ['passport.jpg', 'image/jpeg', ID_SIZE],
      ['selfie.png', 'image/png', SELFIE_SIZE],
    ]);
    assert.equal(api.tempTokens, 1);
    assert.deepEqual(api.requests.filter((r) => r.endpoint === 'tokens').map((r) => r.status), [200], 'the (fake) backend exchanged the temp token once');
    assert.ok(api.requests.every((r) => r.status === 200), 'every API call succeeded');
    await assertClean(page);
  } catch (error) {
    await page.screenshot(screenshot(`vanilla-${size}-failure`), { fullPage: true }).catch(() => {});
    throw await withConsoleTail(page, error);
  } finally {
    await page.close();
    await dev.close();
  }
}

/**
 * The PSD2 consent journey: consent form → "Continue to your bank" → the kit's
 * bank page on the fake API's origin (a top-level navigation) → Approve or
 * Deny → back to the example, which verifies the return (`handleRedirect`)
 * and either confirms and hands off, or shows the bank's refusal.
 */
async function consentThroughBank({ browser, log, screenshot }, { phone, decision }) {
  const dev = await startDevServer();
  const page = await browser.newPage(phone ? { viewport: PHONE, phone: true } : { viewport: { width: 1024, height: 800 } });
  const label = `consent-${decision}-${phone ? 'phone' : 'desktop'}`;
  const screen = async (name, shot) => {
    await page.waitForSelector(`html[data-screen="${name}"]`, { timeout: 20_000 });
    if (phone) await assertFitsPhone(page, `the ${name} screen`);
    if (shot && phone) await page.screenshot(screenshot(`vanilla-phone-consent-${shot}-${name}`), { fullPage: true });
  };
  try {
    await page.goto(dev.url);
    await screen('start', 0);
    if (phone) await page.screenshot(screenshot('vanilla-phone-0-start'), { fullPage: true });
    await page.click('#choose-consent');
    await screen('consent', 1);
    await page.selectOption('#bank', 'contoso');
    await page.selectOption('#scope', 'balances_transactions');
    await page.click('#consent-form button[type=submit]');
    await screen('bank', 2);
    assert.deepEqual(kitState(dev.kit).bank.visits, [], 'nobody went to the bank yet');
    await page.click('#to-bank');

    // The kit's bank page, on the fake API's origin: the page left the example.
    await page.waitForSelector('#bank-approve', { timeout: 20_000 });
    const bankUrl = await page.evaluate(() => location.href);
    assert.notEqual(new URL(bankUrl).origin, new URL(dev.url).origin, 'the bank is another origin');
    assert.equal(new URL(bankUrl).pathname, '/v1/bank/authorize');
    if (phone) await page.screenshot(screenshot('vanilla-phone-consent-3-bank'), { fullPage: true });
    await page.click(decision === 'approve' ? '#bank-approve' : '#bank-deny');

    if (decision === 'deny') {
      await screen('refused', 4);
      assert.match(await page.text('#refusal'), /did not give access at your bank/, 'the refusal in the user’s words (userMessage)');
      const api = kitState(dev.kit);
      log(`${label}: requests: ${api.requests.map((r) => `${r.endpoint}${r.step ? `:${r.step}` : ''}=${r.status}`).join(' ')}; bank: ${JSON.stringify(api.bank)}`);
      assert.deepEqual(api.bank.returns, ['deny']);
      assert.deepEqual(api.sessions[0].completedSteps, ['consent_form', 'bank_redirect']);
      assert.equal(api.requests.filter((r) => r.step === 'confirm').length, 0, 'nothing was confirmed');
      assert.equal(api.tempTokens, 0);
      await assertClean(page);
      return;
    }

    // Back on the example: the return was verified and the address bar cleaned of its `state`.
    await screen('consent-confirm', 4);
    const back = new URL(await page.evaluate(() => location.href));
    assert.equal(back.origin, new URL(dev.url).origin);
    assert.equal(back.searchParams.has('state'), false, 'handleRedirect removed the state from the address');
    assert.equal(back.searchParams.get('code'), 'ok', 'the bank’s own parameters are left');
    await page.click('#consent-confirm-form button[type=submit]'); // unticked: refused before sending
    await page.waitForSelector('[data-error-for="accept"]:not(:empty)');
    assert.equal(kitState(dev.kit).requests.filter((r) => r.step === 'confirm').length, 0, 'confirm without the box ticked is not sent');
    await page.check('#accept');
    await page.click('#consent-confirm-form button[type=submit]');
    await screen('done', 5);
    assert.match(await page.text('#done h1'), /bank account is connected/);
    assert.match((await page.text('#credentials-id'))?.trim() ?? '', /^[0-9a-f-]{36}$/, 'the done screen shows the backend’s credentials reference');

    const api = kitState(dev.kit);
    log(`${label}: requests: ${api.requests.map((r) => `${r.endpoint}${r.step ? `:${r.step}` : ''}=${r.status}`).join(' ')}; bank: ${JSON.stringify(api.bank)}`);
    assert.equal(api.sessions.length, 1, 'one session, resumed after the bank');
    assert.equal(api.sessions[0].skill, 'xyz_aisp_sbx_#1.0');
    assert.deepEqual(api.sessions[0].completedSteps, ['consent_form', 'bank_redirect', 'confirm']);
    assert.equal(api.sessions[0].status, 'SESSION_COMPLETED');
    assert.deepEqual(api.bank.visits, ['page=200', 'return=302'], 'one visit to the bank page, one return');
    assert.deepEqual(api.bank.returns, ['approve']);
    assert.equal(api.tempTokens, 1);
    assert.deepEqual(api.requests.filter((r) => r.endpoint === 'tokens').map((r) => r.status), [200], 'the (fake) backend exchanged the temp token exactly once');
    assert.ok(api.requests.every((r) => r.status === 200), 'every API call succeeded');
    await assertClean(page);
  } catch (error) {
    await page.screenshot(screenshot(`vanilla-${label}-failure`), { fullPage: true }).catch(() => {});
    throw await withConsoleTail(page, error);
  } finally {
    await page.close();
    await dev.close();
  }
}

export const tests = [
  {
    name: '`npm run example` (Vite dev server) on a phone (390×844): a user clicks through the whole KYC flow offline, against the kit over HTTP',
    fn: (ctx) => withTimeout(clickThrough(ctx, { phone: true }), 90_000, 'the click-through'),
  },
  {
    name: '`npm run example` on a desktop window: the same click-through',
    fn: (ctx) => withTimeout(clickThrough(ctx, { phone: false }), 90_000, 'the click-through'),
  },
  {
    name: '`npm run example` on a phone: the PSD2 consent journey goes to the kit’s bank (another origin), is approved there, comes back, completes and is handed off once',
    fn: (ctx) => withTimeout(consentThroughBank(ctx, { phone: true, decision: 'approve' }), 90_000, 'the consent journey'),
  },
  {
    name: '`npm run example` on a desktop window: the consent refused at the bank (#bank-deny) ends on the refusal screen, nothing confirmed',
    fn: (ctx) => withTimeout(consentThroughBank(ctx, { phone: false, decision: 'deny' }), 90_000, 'the consent journey'),
  },
];
