// Issue 2 acceptance: the packed `onboarding-sdk` against an independent strict server.

import { assert, assertNonceChain, randomFileBytes, sha256, MiB } from './lib.mjs';
import { CONSENT_SKILL, KYC_SKILL, expectError, runSteps, setup } from './sdk.mjs';

async function kycFlow(t, uploadNonce) {
  const h = await setup(t, { server: { uploadNonce } });
  const { server, client } = h;
  const session = await client.startSession({ skill: KYC_SKILL, tenantUserId: 'u-77' });
  const s = server.sessions.get(session.id);
  assert.ok(s, 'session id is the server-issued session_id');
  assert.equal(s.tenantUserId, 'u-77');
  assert.equal(session.skill, KYC_SKILL);

  const r1 = await session.submitStep('product_form', { value: '100000', currency: 'EUR', period: '12' });
  assert.equal(r1.completed, false);
  const r2 = await session.submitStep('kyc_documents', {});
  assert.equal(r2.stepId, s.steps[1].stepId, 'stepId is the server step_id');

  // ~5 MB of random bytes with a non-ASCII name, stepId defaulted to the last submitted step.
  const bigBytes = randomFileBytes(5 * MiB + 123);
  const bigName = 'carte identitate – față.pdf';
  await session.upload(new File([bigBytes], bigName, { type: 'application/pdf' }));
  // A nameless Blob with an explicit stepId and fileName.
  const selfie = randomFileBytes(64 * 1024);
  await session.upload(new Blob([selfie], { type: 'image/jpeg' }), { stepId: r2.stepId, fileName: 'selfie.jpg' });

  const ups = server.requestsFor('upload', session.id);
  assert.equal(ups.length, 2, `expected 2 upload requests, server saw ${ups.length}`);
  for (const u of ups) assert.equal(u.status, 200, `upload answered ${u.status} ${u.code ?? ''}`);
  assert.equal(ups[0].stepId, r2.stepId, 'upload without stepId goes to the last submitted step');
  assert.deepEqual(ups[0].file, { name: bigName, type: 'application/pdf', size: bigBytes.length, sha256: sha256(bigBytes) });
  assert.deepEqual(ups[1].file, { name: 'selfie.jpg', type: 'image/jpeg', size: selfie.length, sha256: sha256(selfie) });
  assert.equal(ups[0].fields.client_id, server.credentials.clientId);

  await session.submitStep('review', {});
  const last = await session.submitStep('confirm', { accept: true });
  assert.equal(last.completed, true);
  assert.equal(session.status, 'completed');
  assert.deepEqual(h.tokens, [server.issuedTempTokens[0]], 'onTempToken called once with the issued token');
  assertNonceChain(server, session.id);
  return h;
}

export const checks = [
  {
    name: 'consent flow (3 steps): nonce chain, tenant_user_id, redirect data, one temp_token handoff',
    async run(t) {
      const h = await setup(t);
      const { server, client } = h;
      const session = await client.startSession({ skill: CONSENT_SKILL, tenantUserId: 'u-42' });
      assert.equal(session.status, 'active');
      const created = server.requestsFor('sessions')[0];
      assert.equal(created.body.tenant_user_id, 'u-42', 'tenant_user_id sent');
      assert.equal(created.body.client_id, server.credentials.clientId);
      assert.equal(created.body.skill, CONSENT_SKILL);
      assert.equal(session.id, created.response.session_id);

      const r1 = await session.submitStep('consent_form', { accounts: ['RO49AAAA1B31007593840000'], scope: 'aisp' });
      const r2 = await session.submitStep('bank_redirect', {});
      assert.equal(typeof r2.data?.redirect_url, 'string', `redirect_url passes through: ${JSON.stringify(r2.data)}`);
      assert.equal(r2.data.redirect_url, server.requestsFor('steps')[1].response.data.redirect_url);
      assert.equal(h.tokens.length, 0, 'no handoff before the last step');
      const r3 = await session.submitStep('confirm', { accept: true });
      assert.deepEqual([r1.completed, r2.completed, r3.completed], [false, false, true]);
      const steps = server.requestsFor('steps', session.id);
      assert.deepEqual(steps.map((r) => r.body.step), ['consent_form', 'bank_redirect', 'confirm']);
      assert.deepEqual(steps[0].body.data, { accounts: ['RO49AAAA1B31007593840000'], scope: 'aisp' }, 'step data passes through untouched');
      assert.deepEqual([r1.stepId, r2.stepId, r3.stepId], steps.map((r) => r.response.step_id));
      assert.equal(r1.status, 'SESSION_IN_PROGRESS');
      assert.equal(session.status, 'completed');
      assertNonceChain(server, session.id);
      // each nonce used exactly once: creation nonce -> step 1, step-1 nonce -> step 2, step-2 nonce -> step 3
      assert.equal(steps[0].nonce, created.response.nonce);
      assert.equal(steps[1].nonce, steps[0].response.nonce);
      assert.equal(steps[2].nonce, steps[1].response.nonce);
      assert.deepEqual(h.tokens, [server.issuedTempTokens[0]], 'onTempToken called exactly once with the issued temp_token');
      assert.equal(h.infos[0]?.sessionId ?? session.id, session.id);
      // the token is the real one: the backend can exchange it exactly once
      const ex = await fetch(`${server.url}/tokens`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ client_id: server.credentials.clientId, client_secret: server.credentials.clientSecret, temp_token: h.tokens[0] }),
      });
      assert.equal(ex.status, 200);
      assert.ok(h.eventTypes().includes('session:created'), `events: ${h.eventTypes()}`);
      assert.ok(h.eventTypes().includes('step:submitted'), `events: ${h.eventTypes()}`);
      assert.ok(h.eventTypes().includes('session:completed'), `events: ${h.eventTypes()}`);
    },
  },
  {
    name: 'KYC flow (4 steps, 2 uploads incl. 5 MB), uploads answered WITH a fresh nonce: bytes, name, MIME intact',
    async run(t) {
      await kycFlow(t, 'fresh');
    },
  },
  {
    name: 'KYC flow (4 steps, 2 uploads incl. 5 MB), uploads answered WITHOUT a nonce: bytes, name, MIME intact',
    async run(t) {
      await kycFlow(t, 'none');
    },
  },
  {
    name: 'upload onProgress reports the final { loaded: total, total }; upload events emitted',
    async run(t) {
      const h = await setup(t);
      const session = await h.client.startSession({ skill: KYC_SKILL });
      await runSteps(session, ['product_form', 'kyc_documents']);
      const bytes = randomFileBytes(300_000);
      const progress = [];
      await session.upload(new File([bytes], 'doc.png', { type: 'image/png' }), { onProgress: (p) => progress.push({ ...p }) });
      assert.ok(progress.length > 0, 'onProgress never called');
      const final = progress.at(-1);
      assert.equal(final.total, bytes.length, `final progress ${JSON.stringify(final)}`);
      assert.equal(final.loaded, bytes.length, `final progress ${JSON.stringify(final)}`);
      assert.ok(h.eventTypes().includes('upload:completed'), `events: ${h.eventTypes()}`);
    },
  },
  {
    name: 'two overlapping submitStep calls are serialised (distinct nonces, no replay)',
    async run(t) {
      const h = await setup(t);
      const { server } = h;
      const session = await h.client.startSession({ skill: KYC_SKILL });
      const [a, b] = await Promise.all([session.submitStep('product_form', {}), session.submitStep('kyc_documents', {})]);
      assert.equal(a.completed, false);
      assert.equal(b.completed, false);
      const steps = server.requestsFor('steps', session.id);
      assert.equal(steps.length, 2, `server saw ${steps.length} step requests`);
      assert.notEqual(steps[0].nonce, steps[1].nonce, 'both requests carried the same nonce');
      assert.equal(steps[1].nonce, steps[0].response.nonce, 'the second call must use the nonce the first one returned');
      assert.ok(steps[1].at >= steps[0].endedAt, 'the second request was sent before the first was answered');
      assertNonceChain(server, session.id);
    },
  },
  {
    name: 'overlapping uploads and a step are serialised (no nonce sent twice)',
    async run(t) {
      const h = await setup(t);
      const { server } = h;
      const session = await h.client.startSession({ skill: KYC_SKILL });
      const [, docs] = await runSteps(session, ['product_form', 'kyc_documents']);
      const f1 = randomFileBytes(2 * MiB);
      const f2 = randomFileBytes(200_000);
      const results = await Promise.allSettled([
        session.upload(new File([f1], 'a.pdf', { type: 'application/pdf' }), { stepId: docs.stepId }),
        session.upload(new File([f2], 'b.jpg', { type: 'image/jpeg' }), { stepId: docs.stepId }),
        session.submitStep('review', {}),
      ]);
      const failed = results.filter((r) => r.status === 'rejected');
      assert.equal(failed.length, 0, `overlapping calls failed: ${failed.map((r) => r.reason?.code + ' ' + r.reason?.message).join('; ')}`);
      assertNonceChain(server, session.id);
      assert.deepEqual(server.requestsFor('upload', session.id).map((r) => r.file?.sha256), [sha256(f1), sha256(f2)]);
    },
  },
  {
    name: 'API errors carry code, status and requestId (= the error body id); the nonce is not spent',
    async run(t) {
      const h = await setup(t);
      const { server, client } = h;
      let err = await expectError(h, client.startSession({ skill: 'no_such_skill_#9.9' }), { code: 'invalid_skill_name', status: 400 });
      let rec = server.requests.at(-1);
      assert.equal(err.requestId, rec.errorId, `requestId ${err.requestId} should be the error body id ${rec.errorId}`);

      const bad = h.newClient({ clientAppKey: 'wrong-app-key-0000' });
      err = await expectError(h, bad.startSession({ skill: KYC_SKILL }), { code: 'invalid_client_app_key', status: 401 });
      assert.equal(err.requestId, server.requests.at(-1).errorId);

      const other = h.newClient({ clientId: 'someone-else' });
      await expectError(h, other.startSession({ skill: KYC_SKILL }), { code: 'invalid_client_id', status: 401 });

      const session = await client.startSession({ skill: KYC_SKILL });
      err = await expectError(h, session.submitStep('review', {}), { code: 'invalid_step', status: 400 });
      rec = server.requests.at(-1);
      assert.equal(err.requestId, rec.errorId);
      assert.equal(err.retryable, false, 'a 400 is not retryable');
      assert.equal(session.status, 'active', 'a rejected step leaves the session active');
      // the nonce was not spent: the right step works with it
      const ok = await session.submitStep('product_form', {});
      assert.equal(ok.completed, false);
      assertNonceChain(server, session.id);
    },
  },
  {
    name: "a bare { message } error body and a 404 without the documented body still give OnboardingError with status",
    async run(t) {
      const h = await setup(t);
      const { server, client } = h;
      server.inject({ type: 'error', status: 400, body: { message: 'Bad things happened' }, route: 'sessions' });
      const err = await expectError(h, client.startSession({ skill: KYC_SKILL }), { status: 400 });
      assert.equal(typeof err.code, 'string');
      server.inject({ type: 'error', status: 404, body: 'Not Found', route: 'sessions' });
      await expectError(h, client.startSession({ skill: KYC_SKILL }), { status: 404 });
    },
  },
  {
    name: 'submitStep on a completed session rejects session_completed and sends nothing',
    async run(t) {
      const h = await setup(t);
      const { server, client } = h;
      const session = await client.startSession({ skill: CONSENT_SKILL });
      await runSteps(session, ['consent_form', 'bank_redirect', 'confirm']);
      const before = server.requests.length;
      await expectError(h, session.submitStep('confirm', {}), { code: 'session_completed' });
      await expectError(h, session.upload(new Blob(['x'], { type: 'text/plain' }), { fileName: 'x.txt' }), { code: 'session_completed' });
      assert.equal(server.requests.length, before, 'a request was sent for a completed session');
      assert.equal(h.tokens.length, 1);
    },
  },
  {
    name: 'no secret (app key, nonce, temp token) in any event payload or error across flows and failures',
    async run(t) {
      const h = await setup(t);
      const { server, client } = h;
      const session = await client.startSession({ skill: KYC_SKILL, tenantUserId: 'u-1' });
      await runSteps(session, ['product_form', 'kyc_documents']);
      await session.upload(new File([randomFileBytes(100_000)], 'id.jpg', { type: 'image/jpeg' }));
      await expectError(h, session.submitStep('confirm', {}), { code: 'invalid_step' });
      server.inject({ type: 'error', status: 500, code: 'internal_error', route: 'steps' });
      await expectError(h, session.submitStep('review', {}), { status: 500 });
      await session.submitStep('review', {});
      await session.submitStep('confirm', {});
      await expectError(h, session.submitStep('confirm', {}), { code: 'session_completed' });
      await expectError(h, h.newClient({ clientAppKey: 'nope-nope-nope' }).startSession({ skill: KYC_SKILL }), { status: 401 });
      assert.ok(h.events.length >= 5, `only ${h.events.length} events were emitted`);
      assert.equal(h.tokens.length, 1);
      // the leak scan itself runs after the check body (t.final in setup)
    },
  },
];
