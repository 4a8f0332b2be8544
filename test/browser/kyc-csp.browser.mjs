// A real engine (each of Chromium, Firefox, WebKit: see drivers.mjs), the BUILT
// package, a cross-origin fake API, a strict CSP.
//
// The page (test/browser/kyc-page) is bundled by Vite with `onboarding-sdk`
// aliased to dist/index.js, served from one origin with the CSP below as a
// response header, and runs a KYC flow against the testing kit served by a
// node:http server on another origin (CORS preflights answered by the kit).
// The kit reads upload bodies at 2 MiB/s, so the 8 MiB ID upload reports
// progress in steps as it would over a real network in every engine. On raw
// loopback Chromium and Firefox may report once: their first ~4 MB vanish at
// once into the OS's socket buffers and the rest moves in ~1.5 MB steps (2–4
// reports before 100 %, whatever the kit's rate). So Chromium also throttles
// its own sending (network emulation, via page.limitUpload) and Firefox gets a
// 128 KiB socket send buffer (drivers.mjs): ~20 and ~40 reports. WebKit
// fires an event every 8 KiB (~1,000 for 8 MiB); the SDK passes on at most one
// per UPLOAD_PROGRESS_INTERVAL_MS (~80 over the ~4 s upload), checked below.

import assert from 'node:assert/strict';
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { DIST, ROOT, assertClean, pageMonitorPlugin, problemLines, pseudoRandomBytes, sha256, startKitServer, startStaticServer, withConsoleTail, withTimeout } from './lib.mjs';

const PAGE_DIR = path.join(ROOT, 'test/browser/kyc-page');
const OUT_DIR = path.join(ROOT, '.tmp/browser/kyc-page');
const SKILL = 'xyz_kyc_sbx_#3.0';
const STEPS = ['product_form', 'personal_data', 'kyc_documents', 'confirm'];
const ID_SIZE = 8 * 1024 * 1024;
const SELFIE_SIZE = 300 * 1024;
/** Not ASCII, with a space: each engine writes the multipart `filename` itself. */
const SELFIE_NAME = 'selfie ăîșț.png';
const UPLOAD_BYTES_PER_SECOND = 2 * 1024 * 1024;
/** 8 MiB at 2 MiB/s is ~4 s: ~80 reports at one per 50 ms; 200 leaves room for a slow run, and is far below WebKit's ~1,000 events. */
const MAX_ID_REPORTS = 200;

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
      plugins: [pageMonitorPlugin()],
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
    assert.match(html, /<head>\s*<script src="\.\/__page-monitor\.js"><\/script>/, 'the page monitor is the first script of the page');
    return { js, moduleIds };
  })().catch((error) => {
    built = undefined; // the next test (or engine) tries again instead of inheriting one failure
    throw error;
  });
  return built;
}

function credentials() {
  const suffix = Math.random().toString(36).slice(2, 10);
  return { clientId: 'browser-client', clientAppKey: `appkey_${suffix}_public`, clientSecret: `secret_${suffix}_backend` };
}

async function openPage(browser, kit, variant) {
  const site = await startStaticServer(OUT_DIR, { headers: { 'content-security-policy': csp(kit.origin) } });
  const query = new URLSearchParams({ api: kit.baseUrl, backend: kit.backendUrl, clientId: kit.creds.clientId, appKey: kit.creds.clientAppKey, variant });
  const url = `${site.origin}/?${query}`;
  // What the server sends, seen from Node (WebDriver classic does not expose response headers).
  const head = await fetch(url);
  assert.equal(head.status, 200);
  assert.equal(head.headers.get('content-security-policy'), csp(kit.origin), 'the page is served with the strict CSP header');
  const page = await browser.newPage({ viewport: { width: 820, height: 900 } });
  try {
    const response = await page.goto(url);
    if (response) assert.equal(response.status, 200);
    await page.waitForSelector('html[data-ready="true"]', { timeout: 15_000 });
  } catch (error) {
    await page.close().catch(() => {});
    await site.close();
    throw error;
  }
  return {
    site,
    page,
    async close() {
      await page.close();
      await site.close();
    },
  };
}

async function runFlow(browser, { variant, screenshot, log }) {
  await buildPage();
  const creds = credentials();
  const kit = await startKitServer({ skills: { [SKILL]: { steps: STEPS, uploads: ['kyc_documents'] } }, ...creds, uploadBytesPerSecond: UPLOAD_BYTES_PER_SECOND });
  kit.creds = creds;
  const idBytes = pseudoRandomBytes(ID_SIZE, 0xc0ffee);
  const selfieBytes = pseudoRandomBytes(SELFIE_SIZE, 0x5e1f1e);
  const ui = await openPage(browser, kit, variant);
  const { page } = ui;
  try {
    await page.setInputFiles('#id-file', { name: 'id-card.jpg', mimeType: 'image/jpeg', buffer: idBytes });
    await page.setInputFiles('#selfie-file', { name: SELFIE_NAME, mimeType: 'image/png', buffer: selfieBytes });
    await page.waitForFunction(() => !document.getElementById('start').disabled, null, { timeout: 5_000 });
    // Where the engine can throttle uploads itself (Chromium), it sends at twice the kit's reading
    // rate: progress then moves in ~100 ms steps from the first byte, not after the socket buffers fill.
    const engineThrottle = await page.limitUpload(2 * UPLOAD_BYTES_PER_SECOND);
    const started = Date.now();
    await page.click('#start');
    await page.waitForFunction(() => ['done', 'error', 'incomplete'].includes(window.__kyc.phase), null, { timeout: 60_000, interval: 100 });
    const state = await page.evaluate(() => window.__kyc);
    const storageNow = await page.evaluate(() => Object.fromEntries(Object.keys(sessionStorage).map((k) => [k, sessionStorage.getItem(k)])));
    const pageText = await page.evaluate(() => document.body.innerText);
    if (screenshot) await page.screenshot(screenshot(`kyc-${variant}`), { fullPage: true });
    const idReports = state.progress.id;
    const spanMs = idReports.length > 1 ? idReports.at(-1).at - idReports[0].at : 0;
    log(
      `flow took ${Date.now() - started} ms; ${idReports.length} ID + ${state.progress.selfie.length} selfie progress reports` +
        ` (ID: ${idReports.filter((r) => r.loaded < r.total).length} before 100 %, over ${Math.round(spanMs)} ms; the kit reads at ${UPLOAD_BYTES_PER_SECOND / 1048576} MiB/s${engineThrottle ? `, the engine sends at ${(2 * UPLOAD_BYTES_PER_SECOND) / 1048576} MiB/s` : ''})`,
    );

    // The flow completed and was handed off.
    assert.equal(state.phase, 'done', `the flow did not finish: ${JSON.stringify(state.error)}`);
    assert.equal(state.handedOff, true);
    // The aborted upload is the one request allowed to fail (each engine words it its own way).
    const abortedUpload = (line) => variant === 'abort' && /\/upload(: |$)/.test(line) && /abort/i.test(line);
    await assertClean(page, { allowFailedRequests: abortedUpload });

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

    // An aborted upload: rejected as `aborted`, no progress after the abort, nothing reached the kit, the retry went through.
    if (variant === 'abort') {
      const { abort } = state;
      log(`aborted attempt: ${abort.progress.length} progress report(s), aborted at ${abort.abortedAt} B; error ${JSON.stringify(abort.error)}; kit: ${JSON.stringify(kit.aborted)}`);
      assert.equal(abort.resolved, false, 'the aborted upload did not resolve');
      assert.equal(abort.error?.code, 'aborted', `the aborted upload rejects with code aborted: ${JSON.stringify(abort.error)}`);
      assert.equal(abort.error.retryable, true);
      assert.deepEqual(abort.progress.filter((r) => r.afterAbort), [], 'no progress report after the abort');
      assert.equal(kit.aborted.length, 1, `the kit saw one upload cut short: ${JSON.stringify(kit.aborted)}`);
      assert.equal(api.requests.filter((r) => r.endpoint === 'upload').length, 2, 'the aborted body never reached the kit; the retry and the selfie did');
    } else {
      assert.deepEqual(kit.aborted, [], 'no request was cut short');
    }

    // The upload bytes arrived intact, under their names and types (FormData file names differ nowhere).
    assert.equal(session.uploads.length, 2);
    const [id, selfie] = session.uploads;
    assert.deepEqual([id.name, id.type, id.size], ['id-card.jpg', 'image/jpeg', ID_SIZE]);
    assert.equal(sha256(Buffer.from(await id.blob.arrayBuffer())), sha256(idBytes), 'the ID document arrived byte for byte');
    assert.deepEqual([selfie.name, selfie.type, selfie.size], [SELFIE_NAME, 'image/png', SELFIE_SIZE], 'a non-ASCII file name arrives as chosen');
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
    const { monitor } = await page.problems();
    const never = [creds.clientAppKey, creds.clientSecret, tempToken];
    const where = {
      'sessionStorage (end)': JSON.stringify(storageNow),
      'sessionStorage (during the flow)': JSON.stringify(state.storageSnapshots),
      'event payloads': JSON.stringify(state.events),
      'console output': monitor.console.join('\n'),
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
    const shown = reports.map(({ loaded, total, at }) => [loaded, total, Math.round(at - reports[0].at)]);
    log(`ID progress reports [loaded, total, ms]: ${shown.length > 24 ? `${JSON.stringify(shown.slice(0, 8)).slice(0, -1)}, … ${shown.length - 16} more …, ${JSON.stringify(shown.slice(-8)).slice(1)}` : JSON.stringify(shown)}`);
    const partial = reports.filter((r) => r.loaded < r.total);
    assert.ok(partial.length >= 2, `at least 2 progress reports before the end, got ${JSON.stringify(reports.map((r) => r.loaded))}`);
    assert.ok(new Set(partial.map((r) => r.loaded)).size >= 2, 'progress moved between reports');
    // The SDK's throttle holds WebKit's ~1,000 events for 8 MiB to about one per 50 ms (~80 over ~4 s).
    assert.ok(reports.length <= MAX_ID_REPORTS, `at most ${MAX_ID_REPORTS} progress reports for the 8 MiB upload (the throttle), got ${reports.length}`);
    // Checked last, so a scale problem does not hide the checks above.
    assert.equal(new Set(reports.map((r) => r.total)).size, 1, `\`total\` must not change during one upload (a progress bar would jump): ${JSON.stringify(reports.map((r) => r.total))}`);
    for (let i = 1; i < reports.length; i++) {
      assert.ok(reports[i].loaded >= reports[i - 1].loaded, `progress went back: ${reports[i - 1].loaded} -> ${reports[i].loaded}`);
    }
    const lastReport = reports.at(-1);
    assert.equal(lastReport.loaded, lastReport.total, 'the last report is 100 %');
  } catch (error) {
    throw await withConsoleTail(page, error);
  } finally {
    await ui.close();
    await kit.close();
  }
}

export const tests = [
  {
    name: 'KYC flow: built package, cross-origin fake API, strict CSP, 8 MiB ID upload with progress (typed skill, zod/mini)',
    fn: ({ browser, log, screenshot }) => withTimeout(runFlow(browser, { variant: 'typed', screenshot, log }), 90_000, 'the flow'),
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
    name: 'an upload aborted mid-body by its AbortSignal: `aborted`, no progress after it, nothing reaches the API, the retry goes through',
    fn: ({ browser, log }) => withTimeout(runFlow(browser, { variant: 'abort', log }), 90_000, 'the flow'),
  },
  {
    name: "negative control: the page monitor catches classic zod's eval probe when an app leaves zod's JIT on",
    fn: async ({ browser, log }) => {
      await buildPage();
      const creds = credentials();
      const kit = await startKitServer({ skills: { [SKILL]: { steps: STEPS, uploads: ['kyc_documents'] } }, ...creds });
      kit.creds = creds;
      const ui = await openPage(browser, kit, 'zod-jit');
      try {
        // Violation events are dispatched as tasks: wait for the first.
        await ui.page.waitForFunction(() => window.__pageMonitor.violations.length > 0, null, { timeout: 5_000 }).catch(() => {});
        const { monitor, native } = await ui.page.problems();
        log(`violations seen: ${JSON.stringify(monitor.violations)}`);
        log(`the engine's own console errors: ${JSON.stringify(native.consoleErrors)}`);
        assert.ok(
          monitor.violations.some((v) => v.effective === 'script-src' && v.blockedURI === 'eval'),
          `expected an eval violation, got ${JSON.stringify(monitor.violations)}`,
        );
        const lines = await problemLines(ui.page);
        assert.ok(lines.some((l) => l.startsWith('CSP violation')), 'problemLines reports it');
        await assert.rejects(assertClean(ui.page), /CSP violation/, 'assertClean must fail on it');
      } finally {
        await ui.close();
        await kit.close();
      }
    },
  },
];
