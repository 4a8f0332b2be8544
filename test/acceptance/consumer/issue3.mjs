// Issue 3 acceptance: faults, retries, timeouts, expiry, resume, handoff retry,
// configuration — the packed `onboarding-sdk` against the strict server.

import { assert, assertNonceChain, randomFileBytes, settle, sha256, sleep, waitFor, within, describeError, MiB } from './lib.mjs';
import { CONSENT_SKILL, KYC_SKILL, OnboardingClient, OnboardingError, expectError, memoryStorage, runSteps, setup } from './sdk.mjs';

const MIN = 60_000;

/** Checks that a 429/503 with Retry-After was retried once and the call then succeeded. */
async function retriedOnStep(t, { status, retryAfter, retryAfterDate, minWaitMs }) {
  const h = await setup(t);
  const { server } = h;
  const session = await h.client.startSession({ skill: KYC_SKILL });
  server.inject({ type: 'status', status, retryAfter, retryAfterDate, route: 'steps' });
  const t0 = Date.now();
  const r = await within(15_000, session.submitStep('product_form', {}), 'submitStep');
  const elapsed = Date.now() - t0;
  assert.equal(r.completed, false);
  const steps = server.requestsFor('steps', session.id);
  assert.equal(steps.length, 2, `expected the ${status} and one retry, server saw ${steps.length} step requests`);
  assert.equal(steps[0].status, status);
  assert.equal(steps[1].status, 200);
  assert.equal(steps[0].nonce, steps[1].nonce, 'the retry carries the same (unspent) nonce');
  assert.ok(elapsed >= minWaitMs, `Retry-After ${steps[0].retryAfter} not honoured: retried after ${elapsed} ms`);
  assertNonceChain(server, session.id);
  await runSteps(session, ['kyc_documents', 'review', 'confirm']);
  assert.equal(h.tokens.length, 1);
}

async function retriedOnCreate(t, { status, retryAfter, retryAfterDate, minWaitMs }) {
  const h = await setup(t);
  const { server } = h;
  server.inject({ type: 'status', status, retryAfter, retryAfterDate, route: 'sessions' });
  const t0 = Date.now();
  const session = await within(15_000, h.client.startSession({ skill: CONSENT_SKILL, tenantUserId: 'u-5' }), 'startSession');
  const elapsed = Date.now() - t0;
  const creates = server.requestsFor('sessions');
  assert.equal(creates.length, 2, `expected the ${status} and one retry, server saw ${creates.length}`);
  assert.equal(creates[1].status, 200);
  assert.equal(session.id, creates[1].response.session_id);
  assert.ok(elapsed >= minWaitMs, `Retry-After ${creates[0].retryAfter} not honoured: retried after ${elapsed} ms`);
  await runSteps(session, ['consent_form', 'bank_redirect', 'confirm']);
  assert.equal(h.tokens.length, 1);
}

function baseConfig(overrides = {}) {
  return {
    baseUrl: 'https://api.example.com/v1',
    clientId: 'c-1',
    clientAppKey: 'app-key-for-config-tests',
    onTempToken: async () => {},
    ...overrides,
  };
}

function expectConstructorError(config, what) {
  let err;
  try {
    new OnboardingClient(config);
  } catch (e) {
    err = e;
  }
  assert.ok(err, `the constructor accepted ${what}`);
  assert.ok(err instanceof OnboardingError, `${what}: expected OnboardingError, got ${describeError(err)}`);
  assert.equal(err.code, 'invalid_config', `${what}: ${describeError(err)}`);
  return err;
}

export const checks = [
  // --- transport faults ---------------------------------------------------------
  {
    name: 'dropped connection: network_error (retryable), nonce kept, calling the step again succeeds',
    async run(t) {
      const h = await setup(t);
      const { server } = h;
      const session = await h.client.startSession({ skill: KYC_SKILL });
      await session.submitStep('product_form', {});
      server.inject({ type: 'drop', route: 'steps' });
      await expectError(h, session.submitStep('kyc_documents', {}), { code: 'network_error', retryable: true });
      assert.equal(session.status, 'active');
      const again = await session.submitStep('kyc_documents', {});
      assert.equal(again.completed, false);
      const steps = server.requestsFor('steps', session.id);
      assert.equal(steps.length, 3, `the SDK must not retry a dropped POST by itself (server saw ${steps.length} step requests)`);
      assert.equal(steps[1].outcome, 'dropped');
      assert.equal(steps[2].nonce, steps[0].response.nonce, 'the retry uses the nonce issued by the previous step (the dropped request never spent it)');
      assertNonceChain(server, session.id);
      await runSteps(session, ['review', 'confirm']);
      assert.equal(h.tokens.length, 1);
    },
  },
  {
    name: '503 with Retry-After (seconds) on a step is retried and succeeds',
    run: (t) => retriedOnStep(t, { status: 503, retryAfter: 1, minWaitMs: 900 }),
  },
  {
    name: '429 with Retry-After (HTTP date) on a step is retried and succeeds',
    run: (t) => retriedOnStep(t, { status: 429, retryAfterDate: 2000, minWaitMs: 700 }),
  },
  {
    name: '503 with Retry-After (HTTP date) on session creation is retried and succeeds',
    run: (t) => retriedOnCreate(t, { status: 503, retryAfterDate: 2000, minWaitMs: 700 }),
  },
  {
    name: '429 with Retry-After (seconds) on session creation is retried and succeeds',
    run: (t) => retriedOnCreate(t, { status: 429, retryAfter: 1, minWaitMs: 900 }),
  },
  {
    name: '503 with Retry-After on an upload is retried and the file arrives intact',
    async run(t) {
      const h = await setup(t);
      const { server } = h;
      const session = await h.client.startSession({ skill: KYC_SKILL });
      await runSteps(session, ['product_form', 'kyc_documents']);
      server.inject({ type: 'status', status: 503, retryAfter: 1, route: 'upload' });
      const bytes = randomFileBytes(MiB);
      await within(15_000, session.upload(new File([bytes], 'id.pdf', { type: 'application/pdf' })), 'upload');
      const ups = server.requestsFor('upload', session.id);
      assert.equal(ups.length, 2);
      assert.deepEqual(ups[1].file, { name: 'id.pdf', type: 'application/pdf', size: bytes.length, sha256: sha256(bytes) });
    },
  },
  {
    name: 'Retry-After retries are bounded in attempts and in total wait',
    async run(t) {
      const h = await setup(t);
      const { server } = h;
      for (let i = 0; i < 10; i++) server.inject({ type: 'status', status: 503, retryAfter: 1, route: 'sessions' });
      const t0 = Date.now();
      await within(20_000, expectError(h, h.client.startSession({ skill: KYC_SKILL }), { status: 503 }), 'startSession');
      const attempts = server.requestsFor('sessions').length;
      assert.ok(attempts >= 2 && attempts <= 6, `bounded retry expected, server saw ${attempts} attempts in ${Date.now() - t0} ms`);
      server.clearFaults();
      server.inject({ type: 'status', status: 429, retryAfter: 3600, route: 'sessions' });
      const t1 = Date.now();
      await within(5_000, expectError(h, h.client.startSession({ skill: KYC_SKILL }), { status: 429 }), 'startSession with Retry-After: 3600');
      assert.ok(Date.now() - t1 < 3_000, 'a one-hour Retry-After must not be waited for');
    },
  },
  {
    name: "500 is reported with the API's code and requestId, not retried, and the session stays usable",
    async run(t) {
      const h = await setup(t);
      const { server } = h;
      const session = await h.client.startSession({ skill: KYC_SKILL });
      server.inject({ type: 'error', status: 500, code: 'external_api_connection_error', route: 'steps' });
      const err = await expectError(h, session.submitStep('product_form', {}), { code: 'external_api_connection_error', status: 500 });
      const rec = server.requestsFor('steps', session.id)[0];
      assert.equal(err.requestId, rec.errorId, 'requestId is the error body id');
      assert.equal(server.requestsFor('steps', session.id).length, 1, 'a 500 must not be retried automatically');
      assert.equal(session.status, 'active');
      await runSteps(session, ['product_form', 'kyc_documents', 'review', 'confirm']);
      assert.equal(h.tokens.length, 1);
      assertNonceChain(server, session.id);
    },
  },
  {
    name: 'malformed JSON in a 200 is invalid_response (session creation and step)',
    async run(t) {
      const h = await setup(t);
      const { server } = h;
      server.inject({ type: 'malformed', route: 'sessions' });
      await expectError(h, h.client.startSession({ skill: KYC_SKILL }), { code: 'invalid_response' });
      const session = await h.client.startSession({ skill: KYC_SKILL });
      server.inject({ type: 'malformed', route: 'steps' });
      await expectError(h, session.submitStep('product_form', {}), { code: 'invalid_response' });
    },
  },
  {
    name: 'a wrong-shaped 200 is invalid_response (session creation, step, upload)',
    async run(t) {
      const h = await setup(t);
      const { server } = h;
      server.inject({ type: 'wrong-shape', route: 'sessions' });
      await expectError(h, h.client.startSession({ skill: KYC_SKILL }), { code: 'invalid_response' });
      // A 2xx the SDK cannot use may have spent the nonce: the session fails rather than send it twice.
      for (const body of [undefined, null, [1, 2]]) {
        const broken = await h.client.startSession({ skill: KYC_SKILL });
        server.inject({ type: 'wrong-shape', route: 'steps', ...(body !== undefined && { body }) });
        await expectError(h, broken.submitStep('product_form', {}), { code: 'invalid_response' });
        assert.equal(broken.status, 'failed');
      }
      const session = await h.client.startSession({ skill: KYC_SKILL });
      await runSteps(session, ['product_form', 'kyc_documents']);
      server.inject({ type: 'wrong-shape', route: 'upload' });
      await expectError(h, session.upload(new File(['x'], 'x.png', { type: 'image/png' })), { code: 'invalid_response' });
    },
  },
  {
    name: 'an HTML 502 page is an OnboardingError with status 502',
    async run(t) {
      const h = await setup(t);
      const { server } = h;
      server.inject({ type: 'html', status: 502, route: 'sessions' });
      await expectError(h, h.client.startSession({ skill: KYC_SKILL }), { status: 502 });
      const session = await h.client.startSession({ skill: KYC_SKILL });
      server.inject({ type: 'html', status: 502, route: 'steps' });
      await expectError(h, session.submitStep('product_form', {}), { status: 502 });
      assert.equal(session.status, 'active');
    },
  },
  {
    name: 'a hung request with timeoutMs: 300 fails as timeout within ~1 s and is not retried',
    async run(t) {
      const h = await setup(t, { client: { timeoutMs: 300 } });
      const { server } = h;
      const session = await h.client.startSession({ skill: KYC_SKILL });
      server.inject({ type: 'hang', route: 'steps' });
      const t0 = Date.now();
      await within(5_000, expectError(h, session.submitStep('product_form', {}), { code: 'timeout' }), 'submitStep on a hung server');
      const elapsed = Date.now() - t0;
      assert.ok(elapsed >= 250 && elapsed <= 1000, `timeout after ${elapsed} ms (timeoutMs 300)`);
      assert.equal(server.requestsFor('steps', session.id).length, 1, 'a timed-out POST must not be retried automatically');
      await waitFor(() => server.requestsFor('steps', session.id)[0].clientGone, 2000, 'the SDK to close the timed-out request');
    },
  },
  {
    name: 'an upload aborted via AbortSignal fails as aborted and really stops sending',
    async run(t) {
      const h = await setup(t);
      const { server } = h;
      const session = await h.client.startSession({ skill: KYC_SKILL });
      await runSteps(session, ['product_form', 'kyc_documents']);
      const fault = server.inject({ type: 'slow-upload', bytesPerSecond: 512 * 1024, route: 'upload' });
      const bytes = randomFileBytes(32 * MiB);
      const ac = new AbortController();
      const p = session.upload(new File([bytes], 'big.pdf', { type: 'application/pdf' }), { signal: ac.signal });
      await waitFor(() => fault.record?.bytesReceived > 0, 5000, 'the upload to start');
      await sleep(200);
      ac.abort();
      const t0 = Date.now();
      await within(3_000, expectError(h, p, { code: 'aborted' }), 'the aborted upload');
      assert.ok(Date.now() - t0 < 1000, `abort took ${Date.now() - t0} ms to surface`);
      fault.release(); // read at full speed now: an upload that was not really stopped would complete
      await waitFor(() => fault.record.clientAborted || fault.record.complete, 5000, 'the server to see the upload end');
      assert.equal(fault.record.complete, false, `the server received the whole file (${fault.record.bytesReceived} bytes) after the abort`);
      assert.ok(fault.record.bytesReceived < bytes.length);
      assert.equal(server.requestsFor('upload', session.id).length, 1, 'an aborted upload must not be retried');
    },
  },
  {
    name: 'after an aborted upload the nonce is intact and the upload can be sent again',
    async run(t) {
      const h = await setup(t);
      const { server } = h;
      const session = await h.client.startSession({ skill: KYC_SKILL });
      await runSteps(session, ['product_form', 'kyc_documents']);
      const fault = server.inject({ type: 'slow-upload', bytesPerSecond: 256 * 1024, route: 'upload' });
      const bytes = randomFileBytes(8 * MiB);
      const ac = new AbortController();
      const p = session.upload(new File([bytes], 'big.pdf', { type: 'application/pdf' }), { signal: ac.signal });
      await waitFor(() => fault.record?.bytesReceived > 0, 5000, 'the upload to start');
      ac.abort();
      await expectError(h, p, { code: 'aborted' });
      fault.release();
      assert.equal(session.status, 'active');
      await within(10_000, session.upload(new File([bytes], 'big.pdf', { type: 'application/pdf' })), 'the second upload');
      const ok = server.requestsFor('upload', session.id).filter((r) => r.status === 200);
      assert.equal(ok.length, 1);
      assert.equal(ok[0].file.sha256, sha256(bytes));
      await runSteps(session, ['review', 'confirm']);
      assertNonceChain(server, session.id);
    },
  },
  {
    name: 'submitStep and startSession honour an AbortSignal (aborted; a pre-aborted signal sends nothing)',
    async run(t) {
      const h = await setup(t);
      const { server } = h;
      const session = await h.client.startSession({ skill: KYC_SKILL });
      server.inject({ type: 'hang', route: 'steps' });
      const ac = new AbortController();
      const p = session.submitStep('product_form', {}, { signal: ac.signal });
      await waitFor(() => server.requestsFor('steps').length === 1, 3000, 'the step request');
      ac.abort();
      await within(2_000, expectError(h, p, { code: 'aborted' }), 'aborted submitStep');
      const before = server.requests.length;
      await expectError(h, h.client.startSession({ skill: KYC_SKILL, signal: AbortSignal.abort() }), { code: 'aborted' });
      assert.equal(server.requests.length, before, 'a pre-aborted startSession sent a request');
      await session.submitStep('product_form', {});
    },
  },

  // --- nonce expiry ---------------------------------------------------------------
  {
    name: 'an expired nonce (server clock) fails as nonce_expired/expired_nonce and the session becomes expired',
    async run(t) {
      const h = await setup(t);
      const { server } = h;
      const session = await h.client.startSession({ skill: KYC_SKILL });
      await session.submitStep('product_form', {});
      server.advanceClock(31 * MIN);
      await expectError(h, session.submitStep('kyc_documents', {}), { codes: ['nonce_expired', 'expired_nonce'] });
      assert.equal(session.status, 'expired');
      assert.ok(h.eventTypes().includes('session:expired'), `no session:expired event; events: ${h.eventTypes()}`);
    },
  },
  {
    name: "an expired nonce (client clock `now`) fails fast as nonce_expired, status expired, nothing sent",
    async run(t) {
      let clock = Date.now();
      const h = await setup(t, { client: { now: () => clock } });
      const { server } = h;
      const session = await h.client.startSession({ skill: KYC_SKILL });
      await session.submitStep('product_form', {});
      clock += 31 * MIN;
      const before = server.requests.length;
      await expectError(h, session.submitStep('kyc_documents', {}), { code: 'nonce_expired' });
      assert.equal(server.requests.length, before, 'a request was sent with a nonce the SDK knows is expired');
      assert.equal(session.status, 'expired');
      assert.ok(h.eventTypes().includes('session:expired'), `no session:expired event; events: ${h.eventTypes()}`);
    },
  },
  {
    name: 'after the server reported an expired nonce, further calls fail fast and send nothing',
    async run(t) {
      const h = await setup(t);
      const { server } = h;
      const session = await h.client.startSession({ skill: KYC_SKILL });
      server.advanceClock(31 * MIN);
      await expectError(h, session.submitStep('product_form', {}), { codes: ['nonce_expired', 'expired_nonce'] });
      const before = server.requests.length;
      await expectError(h, session.submitStep('product_form', {}), {});
      await expectError(h, session.upload(new File(['x'], 'x.png', { type: 'image/png' }), { stepId: 'whatever' }), {});
      assert.equal(server.requests.length, before, 'calls on an expired session reached the server');
    },
  },

  // --- lost response ----------------------------------------------------------------
  {
    name: 'a lost response ends in an OnboardingError with status 401 on the retry, without hanging or looping',
    async run(t) {
      const h = await setup(t);
      const { server } = h;
      const session = await h.client.startSession({ skill: KYC_SKILL });
      server.inject({ type: 'drop-after', route: 'steps' });
      const first = await within(5_000, settle(session.submitStep('product_form', {})), 'the step whose response is lost');
      assert.equal(first.ok, false, 'the step whose response was lost resolved');
      h.errors.push(first.error);
      assert.ok(first.error instanceof OnboardingError, describeError(first.error));
      await within(5_000, expectError(h, session.submitStep('product_form', {}), { status: 401 }), 'the retried step');
      const steps = server.requestsFor('steps', session.id);
      assert.equal(steps.length, 2, `expected the lost step and one manual retry, server saw ${steps.length} (a loop?)`);
      assert.equal(steps[1].code, 'invalid_nonce');
    },
  },

  // --- resume ---------------------------------------------------------------------
  {
    name: 'a second client with the same storage resumes after two steps and completes',
    async run(t) {
      const storage = memoryStorage();
      const h = await setup(t, { client: { storage } });
      const { server } = h;
      const s1 = await h.client.startSession({ skill: KYC_SKILL, tenantUserId: 'u-9' });
      await runSteps(s1, ['product_form', 'kyc_documents']);
      assert.ok(storage.map.size > 0, 'nothing was written to storage');
      const client2 = h.newClient({ storage });
      const s2 = await client2.resumeSession();
      assert.ok(s2, 'resumeSession() returned null');
      assert.equal(s2.id, s1.id);
      assert.equal(s2.skill, KYC_SKILL);
      assert.equal(s2.status, 'active');
      await s2.submitStep('review', {});
      const last = await s2.submitStep('confirm', { accept: true });
      assert.equal(last.completed, true);
      assert.equal(s2.status, 'completed');
      assert.deepEqual(h.tokens, [server.issuedTempTokens[0]]);
      assertNonceChain(server, s1.id);
    },
  },
  {
    name: 'a resumed session uploads to the last submitted step by default',
    async run(t) {
      const storage = memoryStorage();
      const h = await setup(t, { client: { storage } });
      const { server } = h;
      const s1 = await h.client.startSession({ skill: KYC_SKILL });
      const [, docs] = await runSteps(s1, ['product_form', 'kyc_documents']);
      const s2 = await h.newClient({ storage }).resumeSession();
      assert.ok(s2, 'resumeSession() returned null');
      const bytes = randomFileBytes(100_000);
      await s2.upload(new File([bytes], 'selfie.jpg', { type: 'image/jpeg' }));
      const up = server.requestsFor('upload', s1.id)[0];
      assert.equal(up.status, 200, `upload answered ${up.status} ${up.code}`);
      assert.equal(up.stepId, docs.stepId);
    },
  },
  {
    name: 'storage never holds the temp token or the app key (every write inspected)',
    async run(t) {
      const storage = memoryStorage();
      const h = await setup(t, { client: { storage } });
      const { server } = h;
      const s = await h.client.startSession({ skill: KYC_SKILL });
      await runSteps(s, ['product_form', 'kyc_documents']);
      await s.upload(new File([randomFileBytes(1000)], 'a.png', { type: 'image/png' }));
      await runSteps(s, ['review', 'confirm']);
      assert.ok(storage.writes.length > 0, 'storage was never written');
      const { clientAppKey, clientSecret } = server.credentials;
      for (const [k, v] of storage.writes) {
        assert.ok(!v.includes(clientAppKey) && !k.includes(clientAppKey), 'the app key was written to storage');
        assert.ok(!v.includes(clientSecret), 'the client secret was written to storage');
        for (const tok of server.issuedTempTokens) assert.ok(!v.includes(tok) && !k.includes(tok), 'the temp token was written to storage');
      }
    },
  },
  {
    name: 'a completed session is not resumed as active',
    async run(t) {
      const storage = memoryStorage();
      const h = await setup(t, { client: { storage } });
      const s = await h.client.startSession({ skill: CONSENT_SKILL });
      await runSteps(s, ['consent_form', 'bank_redirect', 'confirm']);
      const again = await h.newClient({ storage }).resumeSession();
      assert.ok(again === null || again === undefined || again.status !== 'active', `a completed session was resumed as ${again?.status}`);
    },
  },
  {
    name: 'corrupted or foreign storage content is ignored safely (resumeSession() returns null)',
    async run(t) {
      const storage = memoryStorage();
      const h = await setup(t, { client: { storage } });
      const s = await h.client.startSession({ skill: KYC_SKILL });
      await s.submitStep('product_form', {});
      const keys = [...storage.map.keys()];
      assert.ok(keys.length > 0, 'nothing was written to storage');
      const variants = ['{"broken":', 'null', '42', '[]', JSON.stringify({ sessionId: 7, nonce: ['x'], skill: null }), '{"__proto__":{"polluted":true},"sessionId":"x","nonce":"y"}'];
      for (const v of variants) {
        for (const k of keys) storage.map.set(k, v);
        const r = await settle(Promise.resolve().then(() => h.newClient({ storage }).resumeSession()));
        assert.equal(r.ok, true, `resumeSession() threw on stored ${v}: ${describeError(r.error)}`);
        assert.equal(r.value ?? null, null, `resumeSession() trusted stored ${v}`);
      }
      assert.equal({}.polluted, undefined, 'prototype pollution');
    },
  },

  // --- handoff ------------------------------------------------------------------
  {
    name: 'retryHandoff() delivers the same token after onTempToken threw once',
    async run(t) {
      const calls = [];
      const h = await setup(t, {
        onTempToken: async (tok) => {
          calls.push(tok);
          if (calls.length === 1) throw new Error('backend unavailable');
        },
      });
      const { server } = h;
      const s = await h.client.startSession({ skill: CONSENT_SKILL });
      await runSteps(s, ['consent_form', 'bank_redirect']);
      const last = await settle(s.submitStep('confirm', {}));
      if (!last.ok) h.errors.push(last.error);
      assert.equal(calls.length, 1);
      assert.ok(h.eventTypes().includes('error'), `no error event after onTempToken threw; events: ${h.eventTypes()}`);
      await s.retryHandoff();
      assert.equal(calls.length, 2);
      assert.equal(calls[1], calls[0]);
      assert.equal(calls[0], server.issuedTempTokens[0]);
    },
  },
  {
    name: 'onTempToken is not called again once the handoff succeeded (exactly once)',
    async run(t) {
      const h = await setup(t);
      const s = await h.client.startSession({ skill: CONSENT_SKILL });
      await runSteps(s, ['consent_form', 'bank_redirect', 'confirm']);
      assert.equal(h.tokens.length, 1);
      const r = await settle(s.retryHandoff());
      if (!r.ok) h.errors.push(r.error);
      assert.equal(h.tokens.length, 1, 'retryHandoff() after a successful handoff called onTempToken again');
    },
  },

  // --- configuration --------------------------------------------------------------
  {
    name: 'the constructor refuses a remote http baseUrl with invalid_config',
    async run() {
      expectConstructorError(baseConfig({ baseUrl: 'http://api.example.com/v1' }), 'http://api.example.com');
      expectConstructorError(baseConfig({ baseUrl: 'http://192.168.1.10/v1' }), 'http://192.168.1.10');
      expectConstructorError(baseConfig({ baseUrl: 'http://localhost.evil.com/v1' }), 'http://localhost.evil.com');
    },
  },
  {
    name: 'the constructor refuses a missing clientId with invalid_config',
    async run() {
      const cfg = baseConfig();
      delete cfg.clientId;
      expectConstructorError(cfg, 'a config without clientId');
      expectConstructorError(baseConfig({ clientId: '' }), 'an empty clientId');
    },
  },
  {
    name: 'the constructor refuses a clientSecret option with invalid_config, without echoing it',
    async run() {
      const secret = 'sk_live_DO_NOT_LEAK_4242424242';
      const err = expectConstructorError(baseConfig({ clientSecret: secret }), 'a clientSecret option');
      const { findLeaks } = await import('./lib.mjs');
      const leaks = findLeaks({ errors: [err] }, [{ kind: 'client secret', value: secret }]);
      assert.equal(leaks.length, 0, leaks.join('; '));
    },
  },
  {
    name: 'the constructor accepts http for localhost, 127.0.0.1 and [::1]',
    async run() {
      for (const baseUrl of ['http://localhost:8080/v1', 'http://127.0.0.1/v1', 'http://[::1]:3000/v1', 'https://api.example.com/v1']) {
        try {
          new OnboardingClient(baseConfig({ baseUrl }));
        } catch (e) {
          assert.fail(`${baseUrl} refused: ${describeError(e)}`);
        }
      }
    },
  },
];
