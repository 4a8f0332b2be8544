// Self-checks of the strict server with raw fetch, so that a harness bug is not
// mistaken for an SDK bug. No SDK involved.

import { startStrictServer } from '../strict-server.mjs';
import { assert, randomFileBytes, sha256, settle, waitFor, sleep, MiB } from './lib.mjs';

async function serve(t, options) {
  const server = await startStrictServer(options);
  t.defer(() => server.close());
  return server;
}

async function post(url, body, init = {}) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
    ...init,
  });
  const text = await res.text();
  let json;
  try {
    json = JSON.parse(text);
  } catch {}
  return { status: res.status, headers: res.headers, text, json };
}

function assertErrorBody(r, http, code) {
  assert.equal(r.status, http, `expected HTTP ${http}, got ${r.status} ${r.text}`);
  assert.equal(typeof r.json?.id, 'string', `error body lacks id: ${r.text}`);
  assert.equal(r.json.http, http);
  assert.equal(r.json.code, code, `expected code ${code}, got ${r.json.code}`);
  assert.equal(typeof r.json.type, 'string');
  assert.equal(typeof r.json.message, 'string');
}

const CONSENT = 'xyz_aisp_sbx_#1.0';
const KYC = 'xyz_kyc_sbx_#3.0';

async function create(server, extra = {}) {
  const { clientId, clientAppKey } = server.credentials;
  return post(`${server.url}/sessions`, { client_id: clientId, client_app_key: clientAppKey, skill: KYC, ...extra });
}

async function step(server, sessionId, nonce, stepName, extra = {}) {
  return post(`${server.url}/sessions/${encodeURIComponent(sessionId)}/steps`, {
    client_id: server.credentials.clientId,
    nonce,
    skill: KYC,
    step: stepName,
    data: {},
    ...extra,
  });
}

async function upload(server, stepId, nonce, file, fileName, init = {}) {
  const fd = new FormData();
  fd.append('client_id', server.credentials.clientId);
  fd.append('nonce', nonce);
  fd.append('file', file, fileName);
  const res = await fetch(`${server.url}/steps/${encodeURIComponent(stepId)}/upload`, { method: 'POST', body: fd, ...init });
  const text = await res.text();
  let json;
  try {
    json = JSON.parse(text);
  } catch {}
  return { status: res.status, headers: res.headers, text, json };
}

export const checks = [
  {
    name: 'session creation validates fields, credentials and skill',
    async run(t) {
      const server = await serve(t);
      const { clientId, clientAppKey } = server.credentials;
      const ok = await create(server, { tenant_user_id: 'u-42' });
      assert.equal(ok.status, 200, ok.text);
      assert.equal(typeof ok.json.nonce, 'string');
      assert.equal(ok.json.status, 'SESSION_CREATED');
      assert.equal(server.sessions.get(ok.json.session_id).tenantUserId, 'u-42');
      assertErrorBody(await post(`${server.url}/sessions`, { client_id: clientId, skill: KYC }), 400, 'missing_fields');
      assertErrorBody(await post(`${server.url}/sessions`, '{nope'), 400, 'invalid_field');
      assertErrorBody(await post(`${server.url}/sessions`, { client_id: 'x', client_app_key: clientAppKey, skill: KYC }), 401, 'invalid_client_id');
      assertErrorBody(await post(`${server.url}/sessions`, { client_id: clientId, client_app_key: 'wrong', skill: KYC }), 401, 'invalid_client_app_key');
      assertErrorBody(await post(`${server.url}/sessions`, { client_id: clientId, client_app_key: clientAppKey, skill: 'nope_#1' }), 400, 'invalid_skill_name');
      assertErrorBody(await post(`${server.url}/nowhere`, {}), 404, 'not_found');
      const err = server.requests.find((r) => r.code === 'invalid_client_app_key');
      assert.equal(typeof err.errorId, 'string', 'error id recorded');
    },
  },
  {
    name: 'steps: order, skill, session, single-use nonce, temp_token on the last step',
    async run(t) {
      const server = await serve(t);
      const s = (await create(server)).json;
      const sid = s.session_id;
      assertErrorBody(await step(server, sid, s.nonce, 'kyc_documents'), 400, 'invalid_step');
      assertErrorBody(await step(server, sid, s.nonce, 'product_form', { skill: CONSENT }), 400, 'invalid_skill_name');
      assertErrorBody(await step(server, 'no-such-session', s.nonce, 'product_form'), 404, 'invalid_session_id');
      assertErrorBody(await step(server, sid, s.nonce, 'product_form', { data: undefined }), 400, 'missing_fields');
      const a = await step(server, sid, s.nonce, 'product_form'); // nonce not spent by the failures above
      assert.equal(a.status, 200, a.text);
      assert.equal(a.json.status, 'SESSION_IN_PROGRESS');
      assertErrorBody(await step(server, sid, s.nonce, 'kyc_documents'), 401, 'invalid_nonce'); // replay
      assertErrorBody(await step(server, sid, 'made-up-nonce', 'kyc_documents'), 401, 'invalid_nonce');
      const b = await step(server, sid, a.json.nonce, 'kyc_documents');
      const c = await step(server, sid, b.json.nonce, 'review');
      const d = await step(server, sid, c.json.nonce, 'confirm');
      assert.equal(d.status, 200, d.text);
      assert.equal(typeof d.json.temp_token, 'string');
      assert.equal(d.json.nonce, undefined);
      assert.equal(d.json.status, 'SESSION_COMPLETED');
      assert.deepEqual(server.issuedTempTokens, [d.json.temp_token]);
      assertErrorBody(await step(server, sid, c.json.nonce, 'confirm'), 401, 'invalid_nonce');
      // a nonce from another session is rejected
      const other = (await create(server)).json;
      const s3 = (await create(server)).json;
      assertErrorBody(await step(server, s3.session_id, other.nonce, 'product_form'), 401, 'invalid_nonce');
    },
  },
  {
    name: 'nonces expire after the TTL (controllable clock)',
    async run(t) {
      const server = await serve(t);
      const s = (await create(server)).json;
      server.advanceClock(30 * 60 * 1000 + 1);
      assertErrorBody(await step(server, s.session_id, s.nonce, 'product_form'), 401, 'expired_nonce');
      const short = await serve(t, { nonceTtlMs: 100 });
      const s2 = (await create(short)).json;
      await sleep(150);
      assertErrorBody(await step(short, s2.session_id, s2.nonce, 'product_form'), 401, 'expired_nonce');
    },
  },
  {
    name: 'uploads: multipart parsed, file recorded, issued step ids only, nonce modes',
    async run(t) {
      const server = await serve(t);
      const s = (await create(server)).json;
      const a = (await step(server, s.session_id, s.nonce, 'product_form')).json;
      assertErrorBody(await upload(server, a.step_id, a.nonce, new Blob(['x']), 'x.txt'), 400, 'invalid_step'); // not an upload step
      const b = (await step(server, s.session_id, a.nonce, 'kyc_documents')).json;
      const bytes = randomFileBytes(3 * MiB);
      const name = 'carte identitate – față.pdf';
      assertErrorBody(await upload(server, 'unknown-step', b.nonce, new Blob([bytes]), name), 404, 'invalid_step');
      const u1 = await upload(server, b.step_id, b.nonce, new Blob([bytes], { type: 'application/pdf' }), name);
      assert.equal(u1.status, 200, u1.text);
      assert.equal(typeof u1.json.nonce, 'string', 'fresh nonce by default');
      const rec = server.requests.at(-1);
      assert.deepEqual(rec.file, { name, type: 'application/pdf', size: bytes.length, sha256: sha256(bytes) });
      assertErrorBody(await upload(server, b.step_id, b.nonce, new Blob(['y']), 'y.jpg'), 401, 'invalid_nonce');
      server.inject({ type: 'upload-nonce', fresh: false });
      const u2 = await upload(server, b.step_id, u1.json.nonce, new Blob(['y'], { type: 'image/jpeg' }), 'y.jpg');
      assert.equal(u2.status, 200, u2.text);
      assert.equal(u2.json.nonce, undefined);
      server.setUploadNonce('none');
      const u3 = await upload(server, b.step_id, u1.json.nonce, new Blob(['z']), 'z.png');
      assert.equal(u3.status, 200, u3.text);
      const c = await step(server, s.session_id, u1.json.nonce, 'review'); // still current
      assert.equal(c.status, 200, c.text);
      const bad = await fetch(`${server.url}/steps/${b.step_id}/upload`, { method: 'POST', body: 'x', headers: { 'content-type': 'text/plain' } });
      assert.equal(bad.status, 400);
    },
  },
  {
    name: 'token exchange: secret checked, temp_token exchangeable once',
    async run(t) {
      const server = await serve(t);
      const { clientId, clientSecret } = server.credentials;
      let s = (await create(server)).json;
      let n = s.nonce;
      let last;
      for (const st of ['product_form', 'kyc_documents', 'review', 'confirm']) {
        last = (await step(server, s.session_id, n, st)).json;
        n = last.nonce;
      }
      const tok = last.temp_token;
      assertErrorBody(await post(`${server.url}/tokens`, { client_id: clientId, client_secret: 'nope', temp_token: tok }), 401, 'invalid_client_secret');
      const ok = await post(`${server.url}/tokens`, { client_id: clientId, client_secret: clientSecret, temp_token: tok });
      assert.equal(ok.status, 200, ok.text);
      for (const k of ['credentials_id', 'access_token', 'consent_exp', 'max_data_retention']) assert.equal(typeof ok.json[k], 'string', k);
      assertErrorBody(await post(`${server.url}/tokens`, { client_id: clientId, client_secret: clientSecret, temp_token: tok }), 401, 'invalid_temp_token');
      assertErrorBody(await post(`${server.url}/tokens`, { client_id: clientId, client_secret: clientSecret }), 400, 'missing_fields');
    },
  },
  {
    name: 'CORS preflight answered; CORS headers on every answer',
    async run(t) {
      const server = await serve(t);
      const res = await fetch(`${server.url}/sessions`, {
        method: 'OPTIONS',
        headers: { origin: 'http://localhost:5173', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
      });
      assert.equal(res.status, 204);
      assert.equal(res.headers.get('access-control-allow-origin'), 'http://localhost:5173');
      assert.match(res.headers.get('access-control-allow-methods'), /POST/);
      assert.match(res.headers.get('access-control-allow-headers'), /content-type/);
      const r = await create(server);
      assert.equal(r.headers.get('access-control-allow-origin'), '*');
    },
  },
  {
    name: 'faults: drop, drop-after, status + Retry-After, error, malformed, wrong-shape, html',
    async run(t) {
      const server = await serve(t);
      server.inject({ type: 'drop', route: 'sessions' });
      const dropped = await settle(create(server));
      assert.equal(dropped.ok, false, 'drop should make fetch fail');
      assert.equal(server.sessions.size, 0, 'drop must not process');
      server.inject({ type: 'drop-after', route: 'sessions' });
      assert.equal((await settle(create(server))).ok, false, 'drop-after should make fetch fail');
      assert.equal(server.sessions.size, 1, 'drop-after processes');
      server.inject({ type: 'status', status: 503, retryAfter: 2, route: 'sessions' });
      let r = await create(server);
      assert.equal(r.status, 503);
      assert.equal(r.headers.get('retry-after'), '2');
      assertErrorBody(r, 503, 'service_unavailable');
      server.inject({ type: 'status', status: 429, retryAfterDate: 3000, route: 'sessions' });
      r = await create(server);
      assert.equal(r.status, 429);
      assert.ok(Date.parse(r.headers.get('retry-after')) > Date.now(), r.headers.get('retry-after'));
      server.inject({ type: 'error', status: 500, code: 'internal_error', route: 'sessions' });
      assertErrorBody(await create(server), 500, 'internal_error');
      server.inject({ type: 'error', status: 400, body: { message: 'bare' }, route: 'sessions' });
      r = await create(server);
      assert.deepEqual(r.json, { message: 'bare' });
      server.inject({ type: 'malformed', route: 'sessions' });
      r = await create(server);
      assert.equal(r.status, 200);
      assert.equal(r.json, undefined, 'malformed must not parse');
      server.inject({ type: 'wrong-shape', route: 'sessions' });
      r = await create(server);
      assert.equal(typeof r.json.session_id, 'number');
      server.inject({ type: 'html', route: 'sessions' });
      r = await create(server);
      assert.equal(r.status, 502);
      assert.match(r.headers.get('content-type'), /text\/html/);
      assert.equal(server.sessions.size, 1, 'non-processing faults changed state');
      // step-targeted fault
      const s = (await create(server)).json;
      server.inject({ type: 'error', status: 500, route: 'steps', step: 'kyc_documents' });
      const a = await step(server, s.session_id, s.nonce, 'product_form');
      assert.equal(a.status, 200, 'fault must wait for its step');
      assertErrorBody(await step(server, s.session_id, a.json.nonce, 'kyc_documents'), 500, 'internal_error');
      assert.equal((await step(server, s.session_id, a.json.nonce, 'kyc_documents')).status, 200);
    },
  },
  {
    name: 'faults: hang, delay, slow-upload with release',
    async run(t) {
      const server = await serve(t);
      server.inject({ type: 'hang', route: 'sessions' });
      const t0 = Date.now();
      const h = await settle(fetch(`${server.url}/sessions`, { method: 'POST', body: '{}', signal: AbortSignal.timeout(300) }));
      assert.equal(h.ok, false, 'a hung request must not be answered');
      assert.ok(Date.now() - t0 < 3000);
      await waitFor(() => server.requests.at(-1).clientGone, 2000, 'server to see the client go');
      server.inject({ type: 'delay', ms: 300, route: 'sessions' });
      const t1 = Date.now();
      assert.equal((await create(server)).status, 200);
      assert.ok(Date.now() - t1 >= 280);
      // slow upload
      const s = (await create(server)).json;
      const a = (await step(server, s.session_id, s.nonce, 'product_form')).json;
      const b = (await step(server, s.session_id, a.nonce, 'kyc_documents')).json;
      const fault = server.inject({ type: 'slow-upload', bytesPerSecond: 256 * 1024, route: 'upload' });
      const ac = new AbortController();
      const bytes = randomFileBytes(32 * MiB);
      const p = settle(upload(server, b.step_id, b.nonce, new Blob([bytes]), 'big.bin', { signal: ac.signal }));
      await waitFor(() => fault.record?.bytesReceived > 0, 3000, 'upload to start');
      await sleep(200);
      ac.abort();
      const res = await p;
      assert.equal(res.ok, false);
      fault.release();
      await waitFor(() => fault.record.clientAborted, 5000, 'server to see the aborted upload');
      assert.equal(fault.record.complete, false);
      assert.ok(fault.record.bytesReceived < bytes.length, `${fault.record.bytesReceived} < ${bytes.length}`);
      // and the nonce is still good
      const ok = await upload(server, b.step_id, b.nonce, new Blob(['x']), 'x.bin');
      assert.equal(ok.status, 200, ok.text);
    },
  },
];
