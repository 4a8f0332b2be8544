// Several tabs on one session, and bank returns, in each real engine (see
// drivers.mjs; tabs of one test share one browser context: page.openTab()).
//
// The page (test/browser/tabs-page) bundles the BUILT package with Vite, is
// served with a strict CSP, and talks to the testing kit over node:http on
// another origin (lib.mjs). In tests 1–3 the "bank" is a static page on a third
// origin that does nothing: the test itself loads the return address in a new
// tab, as a bank app on a phone would open it. Test 4 uses the kit's bank page.
//
//   1. duplicated tab: sessionStorage copied into tab B; A and B alternate steps
//      (and its negative control: the same with `crossTab: false` must fail)
//   2. bank return in a new tab (localStorage); a third tab that resumed the
//      session before A left follows to `completed` without onTempToken
//   3. tampered, missing and replayed `state`: redirect_state_mismatch, nothing sent
//   4. the kit's own bank (`bank: { step }`, its page on the API's origin): a real
//      same-tab round trip, Approve and Deny clicked on the bank page

import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { DIST, ROOT, assertClean, pageMonitorPlugin, problemLines, startKitServer, startStaticServer, withConsoleTail, withTimeout } from './lib.mjs';

const PAGE_DIR = path.join(ROOT, 'test/browser/tabs-page');
const BANK_DIR = path.join(ROOT, 'test/browser/tabs-bank');
const OUT_DIR = path.join(ROOT, '.tmp/browser/tabs-page');
const SKILL = 'xyz_psd2_sbx_#1.0';
const STEPS = ['product_form', 'personal_data', 'bank_redirect', 'confirm'];
const VIEWPORT = { width: 760, height: 820 };

const csp = (apiOrigin) => [`default-src 'none'`, `script-src 'self'`, `connect-src ${apiOrigin}`, `img-src 'self' data:`, `style-src 'self'`].join('; ');

let built;
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
    const moduleIds = (Array.isArray(output) ? output : [output]).flatMap((o) => o.output).filter((o) => o.type === 'chunk').flatMap((c) => c.moduleIds);
    assert.ok(moduleIds.includes(dist), 'the page bundle must contain the built dist/index.js');
    assert.ok(!moduleIds.some((id) => id.startsWith(path.join(ROOT, 'src') + path.sep)), 'the page bundle must not use src/');
  })().catch((error) => {
    built = undefined;
    throw error;
  });
  return built;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * A kit, the app's origin (strict CSP) and the bank's origin; `tab(name, storage, extra)` opens app tabs in ONE browser context.
 * `skill`, `steps` and `skillConfig` (the kit's per-skill options) default to the static-bank skill of tests 1–3.
 */
async function setup(browser, { skill = SKILL, steps = STEPS, skillConfig } = {}) {
  await buildPage();
  const suffix = Math.random().toString(36).slice(2, 10);
  const creds = { clientId: 'browser-client', clientAppKey: `appkey_${suffix}_public`, clientSecret: `secret_${suffix}_backend` };
  const bank = await startStaticServer(BANK_DIR);
  const config = skillConfig ?? { responses: { bank_redirect: { redirect_url: `${bank.origin}/?sca=1` } } };
  const kit = await startKitServer({ skills: { [skill]: { steps, ...config } }, ...creds });
  const site = await startStaticServer(OUT_DIR, { headers: { 'content-security-policy': csp(kit.origin) } });
  const tabs = [];
  const hash = (name, storage, extra = {}) =>
    new URLSearchParams({ api: kit.baseUrl, backend: kit.backendUrl, clientId: creds.clientId, appKey: creds.clientAppKey, skill, steps: steps.join(','), storage, tab: name, ...extra }).toString();
  /** Opens a tab (the first one makes the context) at `url` or the app's start page. */
  async function tab(name, storage, { url, extra } = {}) {
    const page = tabs.length ? await tabs[0].openTab() : await browser.newPage({ viewport: VIEWPORT });
    page.label = name;
    tabs.push(page);
    await page.goto(url ?? `${site.origin}/#${hash(name, storage, extra)}`);
    await page.waitForSelector('html[data-ready="true"]', { timeout: 15_000 });
    return page;
  }
  async function close() {
    // Closing the first tab closes the context with every tab (on WebKit: the WebDriver session).
    await tabs[0]?.close().catch(() => {});
    await Promise.all([site.close(), bank.close(), kit.close()]);
  }
  return { kit, site, bank, creds, tab, hash, close, tabs };
}

/** Runs the driver's `t.<method>(...args)` in `page`. */
async function call(page, method, ...args) {
  try {
    // As a JSON string: WebKitWebDriver fails a script whose result object has an `error` key.
    const json = await page.evaluate(async ({ method, args }) => JSON.stringify((await window.t[method](...args)) ?? null), { method, args });
    return JSON.parse(json);
  } catch (error) {
    if (error instanceof Error) error.message = `tab ${page.label}: t.${method}() threw: ${error.message}`;
    throw error;
  }
}

async function expectOk(page, method, ...args) {
  const result = await call(page, method, ...args);
  assert.ok(result?.ok, `tab ${page.label}: t.${method}(${args.map((a) => JSON.stringify(a)).join(', ')}) failed: ${JSON.stringify(result?.error ?? result)}`);
  return result;
}

/** The kit saw every nonce once, every call succeeded, one session went through every step, one hand-off. */
function assertServerSide(kit, log) {
  assert.deepEqual(kit.unexpected, [], 'every request to the API origin was one the kit knows');
  const { requests, sessions } = kit.api;
  const sent = requests.map((r) => r.nonce).filter(Boolean);
  const twice = sent.filter((n, i) => sent.indexOf(n) !== i);
  assert.deepEqual(twice, [], `the fake API saw a nonce twice (${sent.length} nonces sent)`);
  assert.ok(
    requests.every((r) => r.responseStatus === 200),
    `every API call succeeded: ${requests.map((r) => `${r.endpoint}=${r.responseStatus}`)}`,
  );
  assert.equal(sessions.length, 1, 'exactly one session');
  assert.equal(sessions[0].status, 'SESSION_COMPLETED');
  assert.deepEqual(sessions[0].completedSteps, STEPS);
  assert.equal(kit.api.issuedTempTokens.length, 1);
  assert.equal(kit.handoffs.length, 1, 'the backend got the temp token exactly once');
  assert.equal(kit.handoffs[0].exchangeStatus, 200);
  log(`${requests.length} API calls, ${sent.length} distinct nonces sent, 1 hand-off (from tab ${kit.handoffs[0].tab})`);
  return sessions[0];
}

async function waitCompleted(page) {
  await page.waitForFunction(() => window.t.snapshot()?.status === 'completed', null, { timeout: 10_000, interval: 100 });
  return call(page, 'info');
}

// ---------------------------------------------------------------------------- 1

async function duplicatedTab({ browser, log, screenshot }) {
  const env = await setup(browser);
  let current;
  try {
    const A = (current = await env.tab('A', 'session'));
    const started = await expectOk(A, 'start');
    await expectOk(A, 'step', 'product_form');
    // "Duplicate tab": B gets a copy of A's sessionStorage before its client exists.
    const copied = await call(A, 'sessionEntries');
    assert.ok(Object.keys(copied).length > 0, 'A keeps the session in sessionStorage');
    const B = (current = await env.tab('B', 'session', { extra: { seed: JSON.stringify(copied) } }));
    const resumed = await expectOk(B, 'resume');
    assert.equal(resumed.snapshot.id, started.snapshot.id, 'B resumed the same session');
    assert.deepEqual(resumed.snapshot.completedSteps, ['product_form']);

    // Alternately, each from its own (stale) copy: the cross-tab record gives each the newest nonce.
    const order = [
      [B, 'personal_data'],
      [A, 'bank_redirect'],
      [B, 'confirm'],
    ];
    let last;
    for (const [page, step] of order) {
      current = page;
      last = await expectOk(page, 'step', step);
    }
    assert.equal(last.completed, true, 'the last step completed the session');
    assert.equal(last.handedOff, true, 'onTempToken settled in the completing tab');

    const infoA = await waitCompleted(A);
    const infoB = await call(B, 'info');
    assert.equal(infoB.tokenCalls, 1, 'onTempToken ran once in B, the tab that completed');
    assert.equal(infoA.tokenCalls, 0, 'onTempToken never ran in A');
    assert.ok(infoA.events.includes('session:synced'), `A was told of B's steps (session:synced): ${infoA.events}`);
    assert.ok(infoA.events.includes('session:completed'), `A emitted session:completed: ${infoA.events}`);
    const session = assertServerSide(env.kit, log);
    assert.equal(session.id, started.snapshot.id);
    assert.equal(env.kit.handoffs[0].tab, 'B');
    log(`A: ${infoA.notified} snapshot updates, events ${infoA.events.join(' ')}`);
    for (const page of [A, B]) await assertClean(page);
    await B.screenshot(screenshot('tabs-duplicated-B'));
    await A.screenshot(screenshot('tabs-duplicated-A'));
  } catch (error) {
    throw current ? await withConsoleTail(current, error) : error;
  } finally {
    await env.close();
  }
}

/**
 * The negative control of duplicatedTab: the same tabs with `crossTab: false` in
 * both clients. Each tab then submits with the nonce of its own copy, so the
 * stale tab reuses the nonce its duplicate already spent — proof that the test
 * above can fail, and that it is the coordination that makes it pass.
 */
async function duplicatedTabWithoutCrossTab({ browser, log, screenshot }) {
  const env = await setup(browser);
  let current;
  try {
    const off = { crossTab: 'off' };
    const A = (current = await env.tab('A', 'session', { extra: off }));
    const started = await expectOk(A, 'start');
    await expectOk(A, 'step', 'product_form');
    const copied = await call(A, 'sessionEntries');
    const B = (current = await env.tab('B', 'session', { extra: { ...off, seed: JSON.stringify(copied) } }));
    const resumed = await expectOk(B, 'resume');
    assert.equal(resumed.snapshot.id, started.snapshot.id, 'B resumed the same session');
    for (const page of [A, B]) assert.equal((await call(page, 'info')).crossTab, false, `tab ${page.label} runs with crossTab: false`);

    current = B;
    await expectOk(B, 'step', 'personal_data');
    const spent = env.kit.api.requests.at(-1).nonce;
    assert.ok(spent, 'B sent a nonce');

    current = A;
    const stale = await call(A, 'step', 'bank_redirect');
    assert.equal(stale.ok, false, `without crossTab, the stale tab's step must fail: ${JSON.stringify(stale)}`);
    assert.equal(stale.error.code, 'session_failed', JSON.stringify(stale.error));
    assert.equal(stale.error.apiCode, 'invalid_nonce', JSON.stringify(stale.error));

    const { requests, sessions } = env.kit.api;
    const sent = requests.map((r) => r.nonce).filter(Boolean);
    const twice = sent.filter((n, i) => sent.indexOf(n) !== i);
    assert.deepEqual(twice, [spent], 'the fake API received the nonce B spent a second time, from A');
    const last = requests.at(-1);
    assert.equal(last.step, 'bank_redirect');
    assert.equal(last.responseStatus, 401);
    assert.deepEqual(sessions[0].completedSteps, ['product_form', 'personal_data'], 'the refused step was not recorded');
    assert.equal(env.kit.handoffs.length, 0);
    log(`A's bank_redirect: ${stale.error.code} (${stale.error.apiCode}, HTTP ${last.responseStatus}); nonce ${spent.slice(0, 8)}… sent twice`);

    await assertClean(B);
    // A's only problem may be the refused request itself (engines report a 401 on the console).
    const lines = await problemLines(A);
    const problems = lines.filter((line) => !/\b401\b/.test(line));
    assert.deepEqual(problems, [], `tab A had other problems than the expected 401`);
    log(`A reported ${lines.length} line(s) about the expected 401; B clean`);
    await A.screenshot(screenshot('tabs-duplicated-no-crosstab-A'));
  } catch (error) {
    throw current ? await withConsoleTail(current, error) : error;
  } finally {
    await env.close();
  }
}

// ------------------------------------------------------------------ 2 and 3

/** Tab A (localStorage) runs to the bank step with a return address, follows the redirect to the bank; returns what it needs. */
async function leaveForBank(env, A, { before } = {}) {
  await expectOk(A, 'start');
  await expectOk(A, 'step', 'product_form');
  await expectOk(A, 'step', 'personal_data');
  const other = before ? await before() : undefined;
  const returnBase = `${env.site.origin}/#${env.hash('B', 'local')}`;
  const bankStep = await expectOk(A, 'step', 'bank_redirect', returnBase);
  const returnUrl = bankStep.sent.return_url;
  assert.ok(new URL(returnUrl).searchParams.get('state'), 'the return address carries a state');
  assert.equal(bankStep.data.redirect_url, `${env.bank.origin}/?sca=1`);
  await expectOk(A, 'follow', bankStep.data.redirect_url);
  await A.waitForFunction((origin) => location.origin === origin && document.getElementById('bank') !== null, env.bank.origin, { timeout: 10_000 });
  return { returnUrl, other };
}

/** The address the bank sends the user back to: the return URL plus the bank's own parameter, opened on the app page. */
function backFromBank(env, returnUrl, { state, tab = 'B' } = {}) {
  const url = new URL(returnUrl);
  url.pathname = '/';
  url.searchParams.set('code', 'bank-ok');
  if (state === null) url.searchParams.delete('state');
  else if (state !== undefined) url.searchParams.set('state', state);
  url.hash = env.hash(tab, 'local');
  return url.href;
}

async function bankReturnInNewTab({ browser, log, screenshot }) {
  const env = await setup(browser);
  let current;
  try {
    const A = (current = await env.tab('A', 'local'));
    let C;
    const { returnUrl } = await leaveForBank(env, A, {
      // The tab that stays open: it resumed the session before A left for the bank.
      before: async () => {
        C = current = await env.tab('C', 'local');
        const resumed = await expectOk(C, 'resume');
        assert.deepEqual(resumed.snapshot.completedSteps, ['product_form', 'personal_data']);
      },
    });
    const sentBefore = env.kit.api.requests.length;
    const B = (current = await env.tab('B', 'local', { url: backFromBank(env, returnUrl) }));
    const back = await expectOk(B, 'handleReturn');
    assert.deepEqual(back.params, { code: 'bank-ok' }, 'the bank parameters come back, state removed');
    assert.ok(!new URL(back.href).searchParams.has('state'), `the state left the address bar: ${back.href}`);
    assert.deepEqual(back.snapshot.completedSteps, ['product_form', 'personal_data', 'bank_redirect']);
    assert.equal(env.kit.api.requests.length, sentBefore, 'handleRedirect itself sent nothing');
    const last = await expectOk(B, 'step', 'confirm');
    assert.equal(last.completed, true);
    assert.equal(last.handedOff, true);

    const infoC = await waitCompleted(C);
    const infoB = await call(B, 'info');
    assert.equal(infoB.tokenCalls, 1, 'onTempToken ran once, in B');
    assert.equal(infoC.tokenCalls, 0, 'onTempToken never ran in C');
    assert.ok(infoC.events.includes('session:synced'), `C was told (session:synced): ${infoC.events}`);
    assertServerSide(env.kit, log);
    assert.equal(env.kit.handoffs[0].tab, 'B');
    log(`C: ${infoC.notified} snapshot updates, events ${infoC.events.join(' ')}`);
    for (const page of [B, C]) await assertClean(page);
    await B.screenshot(screenshot('tabs-bank-return-B'));
    await C.screenshot(screenshot('tabs-bank-return-C'));
  } catch (error) {
    throw current ? await withConsoleTail(current, error) : error;
  } finally {
    await env.close();
  }
}

async function badReturns({ browser, log, screenshot }) {
  const env = await setup(browser);
  let current;
  try {
    const A = (current = await env.tab('A', 'local'));
    const { returnUrl } = await leaveForBank(env, A);
    const state = new URL(returnUrl).searchParams.get('state');
    const flipped = state.slice(0, -1) + (state.at(-1) === '0' ? '1' : '0');

    /** Loads `url` in tab T, calls handleRedirect; it must reject with redirect_state_mismatch and nothing may reach the API. */
    const refused = async (T, url, what) => {
      const before = env.kit.log.length;
      await T.goto(url);
      await T.waitForSelector('html[data-ready="true"]');
      const result = await call(T, 'handleReturn');
      assert.equal(result.ok, false, `${what}: handleRedirect resolved`);
      assert.equal(result.error.code, 'redirect_state_mismatch', `${what}: ${JSON.stringify(result.error)}`);
      await sleep(400);
      assert.deepEqual(env.kit.log.slice(before), [], `${what}: the fake API received a request`);
      log(`${what}: redirect_state_mismatch, no request`);
    };
    const T = (current = await env.tab('T', 'local'));
    await refused(T, backFromBank(env, returnUrl, { state: flipped, tab: 'T' }), 'tampered state');
    await refused(T, backFromBank(env, returnUrl, { state: null, tab: 'T' }), 'missing state');

    // The refusals consumed nothing: the genuine return still works.
    const B = (current = await env.tab('B', 'local', { url: backFromBank(env, returnUrl) }));
    await expectOk(B, 'handleReturn');
    const last = await expectOk(B, 'step', 'confirm');
    assert.equal(last.completed, true);
    assertServerSide(env.kit, log);

    current = T;
    await refused(T, backFromBank(env, returnUrl, { tab: 'T' }), 'replayed return (after a successful one)');
    await assertClean(T);
    await assertClean(B);
    await T.screenshot(screenshot('tabs-bad-return'));
  } catch (error) {
    throw current ? await withConsoleTail(current, error) : error;
  } finally {
    await env.close();
  }
}

// ---------------------------------------------------------------------------- 4

const KIT_SKILL = 'xyz_aisp_sbx_#1.0';
const KIT_STEPS = ['consent_form', 'bank_redirect', 'confirm'];

/**
 * The same-tab round trip through the KIT's bank (`bank: { step }`): its page
 * lives on the fake API's origin, a real top-level navigation away from the app;
 * the test clicks Approve (or Deny) there, the kit answers 302 to the return
 * address, and the app page loads again in the same tab (its sessionStorage,
 * which holds the pending redirect, is the proof: another tab would not have it).
 */
async function kitBankRoundTrip({ browser, log, screenshot }, { deny = false } = {}) {
  const env = await setup(browser, { skill: KIT_SKILL, steps: KIT_STEPS, skillConfig: { bank: { step: 'bank_redirect' } } });
  const shot = deny ? 'tabs-kit-bank-deny' : 'tabs-kit-bank';
  let current;
  try {
    // Nothing in the app's CSP restricts a top-level navigation (connect-src does not; navigate-to / form-action are not set).
    assert.doesNotMatch(csp(env.kit.origin), /navigate-to|form-action/);
    const A = (current = await env.tab('A', 'session'));
    const started = await expectOk(A, 'start');
    await expectOk(A, 'step', 'consent_form');
    const bankStep = await expectOk(A, 'step', 'bank_redirect', `${env.site.origin}/#${env.hash('A', 'session')}`);
    const state = new URL(bankStep.sent.return_url).searchParams.get('state');
    assert.ok(state, 'the return address carries a state');
    const redirect = new URL(bankStep.data.redirect_url);
    assert.equal(redirect.origin, env.kit.origin, "the kit's bank page is on the fake API's origin");
    assert.notEqual(redirect.origin, env.site.origin, "the bank page is not on the app's origin");
    assert.equal(redirect.pathname, '/v1/bank/authorize');

    const sentBefore = env.kit.api.requests.length;
    await expectOk(A, 'follow', bankStep.data.redirect_url);
    const onBank = await A.waitForFunction(() => document.getElementById('bank-approve') !== null && location.href, null, { timeout: 10_000 });
    assert.equal(new URL(onBank).origin, env.kit.origin, `the tab is on the kit's bank page (${onBank})`);
    assert.equal(await A.text('#bank-outcome'), 'approve');
    await A.screenshot(screenshot(`${shot}-page`));

    await A.click(deny ? '#bank-deny' : '#bank-approve');
    await A.waitForFunction((origin) => location.origin === origin && document.documentElement.dataset.ready === 'true', env.site.origin, { timeout: 15_000 });
    const landed = new URL(await A.evaluate(() => location.href));
    assert.equal(landed.searchParams.get('state'), state, 'the bank sent the state back');
    assert.equal(env.tabs.length, 1, 'one tab all along');

    const back = await expectOk(A, 'handleReturn');
    assert.deepEqual(back.params, deny ? { error: 'access_denied' } : { code: 'ok' }, 'the bank parameters, state removed');
    assert.ok(!new URL(back.href).searchParams.has('state'), `the state left the address bar: ${back.href}`);
    assert.equal(back.snapshot.id, started.snapshot.id, 'the same session, resumed from sessionStorage in the same tab');
    assert.deepEqual(back.snapshot.completedSteps, ['consent_form', 'bank_redirect']);
    assert.equal(env.kit.api.requests.length, sentBefore, 'the bank visit and handleRedirect sent no API call');

    const { bank } = env.kit.api;
    // The kit's bank page names an empty icon, so no engine asks the API origin for /favicon.ico
    // (Firefox did, and the page's own CSP reported it): every problem line counts.
    const appProblems = async () => ({ lines: await problemLines(A), noise: 0 });
    assert.deepEqual(
      bank.visits.map((v) => `${v.result} ${v.status}`),
      ['page 200', 'return 302'],
      `the bank page was shown once, then returned once: ${JSON.stringify(bank.visits)}`,
    );
    assert.equal(bank.returns.length, 1, 'one return from the bank');
    assert.equal(bank.returns[0].outcome, deny ? 'deny' : 'approve');
    assert.equal(bank.returns[0].sessionId, started.snapshot.id);
    assert.equal(new URL(bank.returns[0].url).href, landed.href, 'the tab landed where the bank sent it');
    assert.deepEqual(env.kit.unexpected, [], 'every request to the API origin was one the kit knows');

    if (!deny) {
      const last = await expectOk(A, 'step', 'confirm');
      assert.equal(last.completed, true, 'confirm completed the session');
      assert.equal(last.handedOff, true, 'onTempToken settled');
      const info = await waitCompleted(A);
      assert.equal(info.tokenCalls, 1, 'onTempToken ran exactly once');
      const { requests, sessions } = env.kit.api; // read after the flow: the kit gives fresh copies
      const sent = requests.map((r) => r.nonce).filter(Boolean);
      assert.deepEqual(
        sent.filter((n, i) => sent.indexOf(n) !== i),
        [],
        'the fake API saw no nonce twice',
      );
      assert.ok(
        requests.every((r) => r.responseStatus === 200),
        `every API call succeeded: ${requests.map((r) => `${r.endpoint}=${r.responseStatus}`)}`,
      );
      assert.equal(sessions.length, 1);
      assert.equal(sessions[0].status, 'SESSION_COMPLETED');
      assert.deepEqual(sessions[0].completedSteps, KIT_STEPS);
      assert.equal(env.kit.handoffs.length, 1, 'the backend got the temp token exactly once');
      assert.equal(env.kit.handoffs[0].exchangeStatus, 200);
      const { lines, noise } = await appProblems();
      assert.deepEqual(lines, [], `the page was not clean in ${A.engine}`);
      log(
        `approve: ${onBank.split('?')[0]} → ${landed.origin}, ${requests.length} API calls, ${sent.length} distinct nonces, 1 hand-off; bank visits ${bank.visits.map((v) => v.status)}` +
          (noise ? `; ${noise} favicon CSP report(s) from the bank page ignored` : ''),
      );
      await A.screenshot(screenshot(`${shot}-done`));
    } else {
      const refused = await call(A, 'step', 'confirm');
      assert.equal(refused.ok, false, `after Deny, confirm must be refused: ${JSON.stringify(refused)}`);
      assert.equal(refused.error.apiCode, 'sca_not_completed', JSON.stringify(refused.error));
      assert.equal(refused.error.status, 400, JSON.stringify(refused.error));
      const { requests, sessions } = env.kit.api;
      const last = requests.at(-1);
      assert.equal(last.step, 'confirm');
      assert.equal(last.responseStatus, 400);
      assert.deepEqual(sessions[0].completedSteps, ['consent_form', 'bank_redirect'], 'the refused step was not recorded');
      assert.equal(env.kit.handoffs.length, 0, 'nothing handed off');
      assert.equal((await call(A, 'info')).tokenCalls, 0, 'onTempToken never ran');
      // The only problem may be the refused request itself (engines report a 400 on the console).
      const { lines, noise } = await appProblems();
      assert.deepEqual(
        lines.filter((line) => !/\b400\b/.test(line)),
        [],
        'the page had other problems than the expected 400',
      );
      log(
        `deny: params ${JSON.stringify(back.params)}; confirm → ${refused.error.code} (${refused.error.apiCode}, HTTP 400); ${lines.length} console line(s) about the 400` +
          (noise ? `; ${noise} favicon CSP report(s) from the bank page ignored` : ''),
      );
      await A.screenshot(screenshot(`${shot}-done`));
    }
  } catch (error) {
    throw current ? await withConsoleTail(current, error) : error;
  } finally {
    await env.close();
  }
}

export const tests = [
  {
    name: 'duplicated tab (sessionStorage copied): two tabs alternate steps, no nonce twice, onTempToken once in the completing tab, the other follows to completed',
    fn: (ctx) => withTimeout(duplicatedTab(ctx), 90_000, 'the duplicated-tab flow'),
  },
  {
    name: 'negative control: the same duplicated tab with crossTab: false: the stale tab reuses a spent nonce and gets session_failed (invalid_nonce)',
    fn: (ctx) => withTimeout(duplicatedTabWithoutCrossTab(ctx), 90_000, 'the duplicated-tab negative control'),
  },
  {
    name: 'bank return in a new tab (localStorage): handleRedirect resumes and completes; a tab left open follows to completed without onTempToken',
    fn: (ctx) => withTimeout(bankReturnInNewTab(ctx), 90_000, 'the bank-return flow'),
  },
  {
    name: 'tampered, missing and replayed state: redirect_state_mismatch and nothing sent',
    fn: (ctx) => withTimeout(badReturns(ctx), 90_000, 'the bad-return checks'),
  },
  {
    name: "the kit's bank on the API origin, same tab (sessionStorage): Approve → handleRedirect gives code=ok, state gone; confirm completes, onTempToken once, no nonce twice",
    fn: (ctx) => withTimeout(kitBankRoundTrip(ctx), 90_000, "the kit's bank round trip"),
  },
  {
    name: "the kit's bank, Deny: handleRedirect gives error=access_denied; confirm is refused with sca_not_completed, nothing handed off",
    fn: (ctx) => withTimeout(kitBankRoundTrip(ctx, { deny: true }), 90_000, "the kit's bank deny round trip"),
  },
];
