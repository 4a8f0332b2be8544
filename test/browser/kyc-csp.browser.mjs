// Real Chromium, the BUILT package, a cross-origin fake API, a strict CSP.
//
// The page (test/browser/kyc-page) is bundled by Vite with `onboarding-sdk`
// aliased to dist/index.js, served from one origin with the CSP below as a
// response header, and runs a KYC flow against the testing kit served by a
// node:http server on another origin (CORS preflights answered by the kit).
// Chromium's network emulation caps the upload rate, so the 8 MiB ID upload
// reports progress in steps as it would over a real network.

import assert from 'node:assert/strict';
import { mkdir, readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { DIST, ROOT, RESULTS_DIR, assertClean, pseudoRandomBytes, sha256, startKitServer, startStaticServer, watchPage, withTimeout } from './lib.mjs';

const PAGE_DIR = path.join(ROOT, 'test/browser/kyc-page');
const OUT_DIR = path.join(ROOT, '.tmp/browser/kyc-page');
const SKILL = 'xyz_kyc_sbx_#3.0';
const STEPS = ['product_form', 'personal_data', 'kyc_documents', 'confirm'];
const ID_SIZE = 8 * 1024 * 1024;
const SELFIE_SIZE = 300 * 1024;
const UPLOAD_BYTES_PER_SECOND = 4 * 1024 * 1024;

export const csp = (apiOrigin) =>
  [`default-src 'none'`, `script-src 'self'`, `connect-src ${apiOrigin}`, `img-src 'self' data:`, `style-src 'self'`].join('; ');

let built;
/** Bundles the page once per run, with `onboarding-sdk` resolved to the built package. */
async function buildPage() {
  built ??= (async () => {
    const dist = path.join(DIST, 'index.js');
    await readFile(dist).catch(() => {
      throw new Error(`${dist} is missing: run \`npm run build\` first (npm run test:browser does).`);
    });
    const { build } = await import('vite');
    const output = await build({
      configFile: false,
      root: PAGE_DIR,
      base: './',
      logLevel: 'warn',
      resolve: { alias: [{ find: /^onboarding-sdk$/, replacement: dist }] },
      build: { outDir: OUT_DIR, emptyOutDir: true, sourcemap: false, target: 'es2022', reportCompressedSize: false },
    });
    const chunks = (Array.isArray(output) ? output : [output]).flatMap((o) => o.output).filter((o) => o.type === 'chunk');
    const moduleIds = chunks.flatMap((c) => c.moduleIds);
    assert.ok(moduleIds.some((id) => id === dist), 'the page bundle must contain the built dist/index.js');
    assert.ok(!moduleIds.some((id) => id.startsWith(path.join(ROOT, 'src') + path.sep)), 'the page bundle must not use src/');
    assert.ok(!moduleIds.some((id) => /[\\/]msw[\\/]|[\\/]testing[\\/]|[\\/]server[\\/]/.test(id)), 'msw, the testing kit and the server helper must stay out of the page bundle');
    const files = await readdir(path.join(OUT_DIR, 'assets'));
    const js = (await Promise.all(files.filter((f) => f.endsWith('.js')).map((f) => readFile(path.join(OUT_DIR, 'assets', f), 'utf8')))).join('\n');
    const html = await readFile(path.join(OUT_DIR, 'index.html'), 'utf8');
    assert.doesNotMatch(html, /<script(?![^>]*\bsrc=)[^>]*>/, 'the built HTML must have no inline script');
    assert.doesNotMatch(html, /\sstyle=|<style/, 'the built HTML must have no inline style');
    return { js, moduleIds };
  })();
  return built;
}

function credentials() {
  const suffix = Math.random().toString(36).slice(2, 10);
  return { clientId: 'browser-client', clientAppKey: `appkey_${suffix}_public`, clientSecret: `secret_${suffix}_backend` };
}

async function openPage(browser, kit, variant) {
  const site = await startStaticServer(OUT_DIR, { headers: { 'content-security-policy': csp(kit.origin) } });
  const context = await browser.newContext({ viewport: { width: 820, height: 900 }, deviceScaleFactor: 1 });
  const page = await context.newPage();
  const problems = await watchPage(context, page);
  const query = new URLSearchParams({ api: kit.baseUrl, backend: kit.backendUrl, clientId: kit.creds.clientId, appKey: kit.creds.clientAppKey, variant });
  const response = await page.goto(`${site.origin}/?${query}`);
  assert.equal(response.status(), 200);
  assert.equal(response.headers()['content-security-policy'], csp(kit.origin), 'the page is served with the strict CSP header');
  await page.waitForSelector('html[data-ready="true"]', { timeout: 15_000 });
  return {
    site,
    context,
    page,
    problems,
    async close() {
      await context.close();
      await site.close();
    },
  };
}

async function runFlow(browser, { variant, screenshot, log }) {
  await buildPage();
  const creds = credentials();
  const kit = await startKitServer({ skills: { [SKILL]: { steps: STEPS, uploads: ['kyc_documents'] } }, ...creds });
  kit.creds = creds;
  const idBytes = pseudoRandomBytes(ID_SIZE, 0xc0ffee);
  const selfieBytes = pseudoRandomBytes(SELFIE_SIZE, 0x5e1f1e);
  const ui = await openPage(browser, kit, variant);
  const { page, problems } = ui;
  try {
    await page.setInputFiles('#id-file', { name: 'id-card.jpg', mimeType: 'image/jpeg', buffer: idBytes });
    await page.setInputFiles('#selfie-file', { name: 'selfie.png', mimeType: 'image/png', buffer: selfieBytes });
    // Loopback would take the 8 MiB in one gulp: Chromium's own network
    // emulation sends it at 4 MiB/s (~32 Mbit/s), so XHR reports progress as
    // it would on a real uplink (every ~100 ms).
    const cdp = await ui.context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: UPLOAD_BYTES_PER_SECOND });
    const started = Date.now();
    await page.click('#start');
    await page.waitForFunction(() => ['done', 'error', 'incomplete'].includes(window.__kyc.phase), null, { timeout: 60_000 });
    const state = await page.evaluate(() => window.__kyc);
    const storageNow = await page.evaluate(() => Object.fromEntries(Object.keys(sessionStorage).map((k) => [k, sessionStorage.getItem(k)])));
    const pageText = await page.evaluate(() => document.body.innerText);
    if (screenshot) {
      await mkdir(RESULTS_DIR, { recursive: true });
      await page.screenshot({ path: path.join(RESULTS_DIR, screenshot), fullPage: true });
    }
    log(`flow took ${Date.now() - started} ms; ${state.progress.id.length} ID + ${state.progress.selfie.length} selfie progress reports`);

    // The flow completed and was handed off.
    assert.equal(state.phase, 'done', `the flow did not finish: ${JSON.stringify(state.error)}`);
    assert.equal(state.handedOff, true);
    await assertClean(problems);

    // The fake API saw one session go through every step, cross-origin with preflights.
    assert.deepEqual(kit.unexpected, [], 'every request to the API origin was one the kit knows');
    const api = kit.api;
    assert.equal(api.sessions.length, 1, 'exactly one session');
    const [session] = api.sessions;
    assert.equal(session.id, state.sessionId);
    assert.equal(session.status, 'SESSION_COMPLETED');
    assert.deepEqual(session.completedSteps, STEPS);
    assert.ok(kit.log.some((line) => line.startsWith('OPTIONS /v1/')), 'the browser sent CORS preflights and the kit answered them');
    assert.ok(api.requests.every((r) => r.responseStatus === 200), `every API call succeeded: ${api.requests.map((r) => `${r.endpoint}=${r.responseStatus}`)}`);

    // The upload bytes arrived intact.
    assert.equal(session.uploads.length, 2);
    const [id, selfie] = session.uploads;
    assert.deepEqual([id.name, id.type, id.size], ['id-card.jpg', 'image/jpeg', ID_SIZE]);
    assert.equal(sha256(Buffer.from(await id.blob.arrayBuffer())), sha256(idBytes), 'the ID document arrived byte for byte');
    assert.deepEqual([selfie.name, selfie.type, selfie.size], ['selfie.png', 'image/png', SELFIE_SIZE]);
    assert.equal(sha256(Buffer.from(await selfie.blob.arrayBuffer())), sha256(selfieBytes));

    // The temp token reached the backend once, and it was a good one.
    assert.equal(api.issuedTempTokens.length, 1);
    const [tempToken] = api.issuedTempTokens;
    assert.equal(kit.handoffs.length, 1, 'onTempToken posted to the backend exactly once');
    assert.equal(kit.handoffs[0].tempToken, tempToken);
    assert.equal(kit.handoffs[0].sessionId, session.id);
    assert.equal(kit.handoffs[0].exchangeStatus, 200, 'the backend exchanged the token at /tokens');

    // No secret anywhere the page keeps or shows.
    const nonces = new Set();
    for (const r of api.requests) {
      if (r.nonce) nonces.add(r.nonce);
      const answered = r.responseBody?.nonce;
      if (typeof answered === 'string') nonces.add(answered);
    }
    assert.ok(nonces.size >= 5, 'nonces were collected for the leak check');
    const never = [creds.clientAppKey, creds.clientSecret, tempToken];
    const where = {
      'sessionStorage (end)': JSON.stringify(storageNow),
      'sessionStorage (during the flow)': JSON.stringify(state.storageSnapshots),
      'event payloads': JSON.stringify(state.events),
      'console output': problems.consoleLines.join('\n'),
      'page text': pageText,
    };
    for (const [place, text] of Object.entries(where)) {
      for (const secret of never) assert.ok(!text.includes(secret), `a secret leaked into ${place}`);
    }
    // The opt-in storage may hold the current nonce mid-flow (resume needs it); once done, nothing.
    assert.deepEqual(storageNow, {}, 'sessionStorage is empty once the flow is done');
    for (const nonce of nonces) {
      for (const place of ['sessionStorage (end)', 'event payloads', 'console output', 'page text']) {
        assert.ok(!where[place].includes(nonce), `a nonce leaked into ${place}`);
      }
    }
    assert.ok(state.storageSnapshots.some((s) => Object.keys(s.items).length > 0), 'the session was resumable from sessionStorage mid-flow');
    assert.ok(state.events.some((e) => e.type === 'upload:progress'), 'upload:progress events were emitted');
    assert.ok(state.events.some((e) => e.type === 'session:completed'));

    // Upload progress moved: several reports before the end, on one scale, never backwards, ending at 100 %.
    const reports = state.progress.id;
    log(`ID progress reports [loaded, total, ms]: ${JSON.stringify(reports.map(({ loaded, total, at }) => [loaded, total, Math.round(at - reports[0].at)]))}`);
    const partial = reports.filter((r) => r.loaded < r.total);
    assert.ok(partial.length >= 2, `at least 2 progress reports before the end, got ${JSON.stringify(reports.map((r) => r.loaded))}`);
    assert.ok(new Set(partial.map((r) => r.loaded)).size >= 2, 'progress moved between reports');
    // Checked last, so a scale problem does not hide the checks above.
    assert.equal(new Set(reports.map((r) => r.total)).size, 1, `\`total\` must not change during one upload (a progress bar would jump): ${JSON.stringify(reports.map((r) => r.total))}`);
    for (let i = 1; i < reports.length; i++) {
      assert.ok(reports[i].loaded >= reports[i - 1].loaded, `progress went back: ${reports[i - 1].loaded} -> ${reports[i].loaded}`);
    }
    const lastReport = reports.at(-1);
    assert.equal(lastReport.loaded, lastReport.total, 'the last report is 100 %');
  } catch (error) {
    const tail = problems.consoleLines.slice(-20).join('\n    ');
    if (tail) error.message += `\n  last console lines:\n    ${tail}`;
    throw error;
  } finally {
    await ui.close();
    await kit.close();
  }
}

export const tests = [
  {
    name: 'KYC flow in Chromium: built package, cross-origin fake API, strict CSP, 8 MiB ID upload with progress (typed skill, zod/mini)',
    fn: ({ browser, log }) => withTimeout(runFlow(browser, { variant: 'typed', screenshot: 'browser-kyc.png', log }), 90_000, 'the flow'),
  },
  {
    name: 'the same flow with a plain skill name (no app-side schema): the SDK alone trips no CSP rule',
    fn: ({ browser, log }) => withTimeout(runFlow(browser, { variant: 'plain', log }), 90_000, 'the flow'),
  },
  {
    name: "the same flow with classic zod schemas and zod's JIT off (the documented CSP recipe)",
    fn: ({ browser, log }) => withTimeout(runFlow(browser, { variant: 'classic', log }), 90_000, 'the flow'),
  },
  {
    name: "negative control: the CSP watcher catches classic zod's eval probe when an app leaves zod's JIT on",
    fn: async ({ browser, log }) => {
      await buildPage();
      const creds = credentials();
      const kit = await startKitServer({ skills: { [SKILL]: { steps: STEPS, uploads: ['kyc_documents'] } }, ...creds });
      kit.creds = creds;
      const ui = await openPage(browser, kit, 'zod-jit');
      try {
        await ui.page.waitForTimeout(200); // violation events are dispatched as tasks
        const violations = await ui.problems.violations();
        log(`violations seen: ${JSON.stringify(violations)}`);
        assert.ok(
          violations.some((v) => v.effective === 'script-src' && v.blockedURI === 'eval'),
          `expected an eval violation, got ${JSON.stringify(violations)}`,
        );
        await assert.rejects(assertClean(ui.problems), /CSP violation/, 'assertClean must fail on it');
      } finally {
        await ui.close();
        await kit.close();
      }
    },
  },
];
