// Issue 2 acceptance: the packed `onboarding-sdk/testing`, used the way an
// integrator's test suite would: setupServer(...api.handlers) from msw/node.

import { setupServer } from 'msw/node';
import { OnboardingClient, OnboardingError, isOnboardingError } from 'onboarding-sdk';
import { createMockOnboardingApi } from 'onboarding-sdk/testing';
import { assert, findLeaks, randomFileBytes, short } from './lib.mjs';
import { expectError } from './sdk.mjs';

const BASE = 'https://api.example.com/v1';
const SKILL = 'xyz_sbx_#3.0';
const STEPS = ['product_form', 'kyc_documents', 'confirm'];
const CLIENT_ID = 'test-client';
const APP_KEY = 'test-key-0123456789';

function start(t) {
  const api = createMockOnboardingApi({
    baseUrl: BASE,
    skills: { [SKILL]: { steps: STEPS, uploads: ['kyc_documents'] } },
    clientId: CLIENT_ID,
    clientAppKey: APP_KEY,
  });
  assert.ok(Array.isArray(api.handlers) || typeof api.handlers?.[Symbol.iterator] === 'function', 'api.handlers is not iterable');
  const server = setupServer(...api.handlers);
  server.listen({ onUnhandledFrame: 'error' });
  t.defer(() => server.close());
  const h = { api, server, tokens: [], events: [], errors: [], logs: [] };
  h.client = (overrides = {}) => {
    const c = new OnboardingClient({
      baseUrl: BASE,
      clientId: CLIENT_ID,
      clientAppKey: APP_KEY,
      onTempToken: async (tok) => {
        h.tokens.push(tok);
      },
      ...overrides,
    });
    c.on('*', (type, payload) => h.events.push({ type, payload }));
    return c;
  };
  t.final(() => {
    const secrets = [{ kind: 'client_app_key', value: APP_KEY }, ...h.tokens.map((value) => ({ kind: 'the temp_token', value }))];
    for (const n of recordedNonces(api)) secrets.push({ kind: 'a nonce', value: n.nonce });
    const leaks = findLeaks(h, secrets);
    assert.equal(leaks.length, 0, `secret leaked: ${leaks.join('; ')}`);
  });
  return h;
}

function requestsOf(api) {
  const r = typeof api.requests === 'function' ? api.requests() : api.requests;
  assert.ok(r && typeof r[Symbol.iterator] === 'function', `api.requests is not a list: ${short(r)}`);
  return [...r];
}

/** Walks a value for objects holding a string `nonce`, parsing JSON strings on the way. */
function* walk(value, depth = 0) {
  if (depth > 6 || value === null || value === undefined) return;
  if (typeof value === 'string') {
    if (value.startsWith('{')) {
      try {
        yield* walk(JSON.parse(value), depth + 1);
      } catch {}
    }
    return;
  }
  if (typeof value !== 'object') return;
  yield value;
  for (const v of Object.values(value)) yield* walk(v, depth + 1);
}

/** [{ nonce, step, record }] for every step request the kit recorded, in order. */
function recordedNonces(api) {
  const out = [];
  for (const record of requestsOf(api)) {
    // Only the request side: a step request body has both `step` and `nonce`.
    const req = { ...record };
    for (const k of Object.keys(req)) if (/^response/i.test(k)) delete req[k];
    for (const obj of walk(req)) {
      if (typeof obj.nonce === 'string' && typeof obj.step === 'string') {
        out.push({ nonce: obj.nonce, step: obj.step, record });
        break;
      }
    }
  }
  return out;
}

async function rawPost(path, body, headers = {}) {
  const res = await fetch(`${BASE}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  let json;
  try {
    json = JSON.parse(text);
  } catch {}
  return { status: res.status, text, json };
}

function assertErrorBody(r, http, code) {
  assert.equal(r.status, http, `expected ${http}, got ${r.status}: ${r.text}`);
  assert.ok(r.json && typeof r.json === 'object', `error body is not JSON: ${r.text}`);
  assert.equal(typeof r.json.id, 'string', `error body has no id: ${r.text}`);
  assert.equal(typeof r.json.type, 'string', `error body has no type: ${r.text}`);
  assert.equal(r.json.http, http, `error body http: ${r.text}`);
  assert.equal(typeof r.json.message, 'string', `error body has no message: ${r.text}`);
  if (code) assert.equal(r.json.code, code, `error body code: ${r.text}`);
}

export const checks = [
  {
    name: 'the SDK completes a flow with an upload against the kit (setupServer, onUnhandledFrame: error)',
    async run(t) {
      const h = start(t);
      const client = h.client();
      const session = await client.startSession({ skill: SKILL, tenantUserId: 'u-1' });
      await session.submitStep('product_form', { value: '100000', currency: 'EUR', period: '12' });
      const docs = await session.submitStep('kyc_documents', {});
      const bytes = randomFileBytes(1024 * 1024);
      await session.upload(new File([bytes], 'passport.pdf', { type: 'application/pdf' }));
      const last = await session.submitStep('confirm', { accept: true });
      assert.equal(last.completed, true);
      assert.equal(session.status, 'completed');
      assert.equal(h.tokens.length, 1, `onTempToken called ${h.tokens.length} times`);
      assert.equal(typeof h.tokens[0], 'string');
      if (Array.isArray(h.api.issuedTempTokens)) assert.deepEqual(h.tokens, [...h.api.issuedTempTokens]);
      const recorded = JSON.stringify(requestsOf(h.api), (k, v) => (v instanceof Blob ? `[Blob ${v.size}]` : v));
      assert.ok(recorded.includes('passport.pdf'), 'the kit did not record the uploaded file name');
      assert.ok(recorded.includes(docs.stepId), 'the kit did not record the upload step id');
    },
  },
  {
    name: 'the kit answers a replayed nonce (raw fetch, nonce from api.requests) with 401 and the error body',
    async run(t) {
      const h = start(t);
      const session = await h.client().startSession({ skill: SKILL, tenantUserId: 'u-1' });
      await session.submitStep('product_form', {});
      const used = recordedNonces(h.api).find((n) => n.step === 'product_form');
      assert.ok(used, `no recorded step request with a nonce in api.requests: ${short(requestsOf(h.api), 600)}`);
      const r = await rawPost(`/sessions/${encodeURIComponent(session.id)}/steps`, {
        client_id: CLIENT_ID,
        nonce: used.nonce,
        skill: SKILL,
        step: 'kyc_documents',
        data: {},
      });
      assertErrorBody(r, 401, 'invalid_nonce');
      // The SDK's own chain is unaffected by the rejected replay.
      const next = await session.submitStep('kyc_documents', {});
      assert.equal(next.completed, false);
    },
  },
  {
    name: 'the kit answers a wrong app key with 401 (SDK error and raw error body)',
    async run(t) {
      const h = start(t);
      await expectError(h, h.client({ clientAppKey: 'wrong-key-wrong-key' }).startSession({ skill: SKILL, tenantUserId: 'u-1' }), {
        code: 'invalid_client_app_key',
        status: 401,
      });
      const r = await rawPost('/sessions', { client_id: CLIENT_ID, client_app_key: 'wrong-key-wrong-key', skill: SKILL, tenant_user_id: 'u-1' });
      assertErrorBody(r, 401, 'invalid_client_app_key');
    },
  },
  {
    name: 'the kit answers an unknown skill with 400',
    async run(t) {
      const h = start(t);
      const err = await expectError(h, h.client().startSession({ skill: 'unknown_skill_#1.0', tenantUserId: 'u-1' }), { code: 'invalid_skill_name', status: 400 });
      assert.equal(typeof err.requestId, 'string', 'requestId from the kit error body');
      const r = await rawPost('/sessions', { client_id: CLIENT_ID, client_app_key: APP_KEY, skill: 'unknown_skill_#1.0', tenant_user_id: 'u-1' });
      assertErrorBody(r, 400, 'invalid_skill_name');
    },
  },
  {
    name: 'the kit answers a step out of order with 400',
    async run(t) {
      const h = start(t);
      const session = await h.client().startSession({ skill: SKILL, tenantUserId: 'u-1' });
      await expectError(h, session.submitStep('confirm', {}), { code: 'invalid_step', status: 400 });
      const r = await rawPost(`/sessions/${encodeURIComponent(session.id)}/steps`, {
        client_id: CLIENT_ID,
        nonce: 'not-the-point',
        skill: SKILL,
        step: 'confirm',
        data: {},
      });
      assert.ok(r.status === 400 || r.status === 401, `raw out-of-order step answered ${r.status}`);
      // the rejected step did not spend the nonce: the right step goes through
      const ok = await session.submitStep('product_form', {});
      assert.equal(ok.completed, false);
    },
  },
  {
    name: 'the kit is strict: credentials required at creation, tenant_user_id required, uploads only where the skill lists them',
    async run(t) {
      assert.throws(
        () => createMockOnboardingApi({ baseUrl: BASE, skills: { [SKILL]: { steps: STEPS } } }),
        /Pass `clientId` and `clientAppKey`.*acceptAnyCredentials: true/,
      );
      const h = start(t);
      const err = await expectError(h, h.client().startSession({ skill: SKILL }), { code: 'missing_fields', status: 400 });
      assert.ok(String(err.message).includes('tenantUserId'), `the missing_fields message does not say what to pass: ${err.message}`);
      const session = await h.client().startSession({ skill: SKILL, tenantUserId: 'u-1' });
      await session.submitStep('product_form', {});
      await expectError(h, session.upload(new File([new Uint8Array(8)], 'a.pdf', { type: 'application/pdf' })), {
        code: 'invalid_step',
        status: 400,
      });
      await session.submitStep('kyc_documents', {});
      const ok = await session.upload(new File([new Uint8Array(8)], 'b.pdf', { type: 'application/pdf' }));
      assert.equal(ok.status, 'UPLOAD_RECEIVED');
    },
  },
  {
    name: 'the kit answers a CORS preflight (OPTIONS with Origin)',
    async run(t) {
      start(t);
      for (const path of ['/sessions', '/sessions/abc/steps', '/steps/abc/upload']) {
        const res = await fetch(`${BASE}${path}`, {
          method: 'OPTIONS',
          headers: {
            Origin: 'http://localhost:5173',
            'Access-Control-Request-Method': 'POST',
            'Access-Control-Request-Headers': 'content-type',
          },
        });
        assert.ok(res.status === 204 || res.status === 200, `preflight ${path} answered ${res.status}`);
        const allowOrigin = res.headers.get('access-control-allow-origin');
        assert.ok(allowOrigin === '*' || allowOrigin === 'http://localhost:5173', `access-control-allow-origin: ${allowOrigin}`);
        const methods = res.headers.get('access-control-allow-methods') ?? '';
        assert.ok(methods === '*' || /\bPOST\b/i.test(methods), `access-control-allow-methods: ${methods}`);
        const headers = res.headers.get('access-control-allow-headers') ?? '';
        assert.ok(headers === '*' || /content-type/i.test(headers), `access-control-allow-headers: ${headers}`);
      }
    },
  },
  {
    name: 'importing the main entry does not load msw',
    async run() {
      // A fresh Node process importing only 'onboarding-sdk' must not resolve msw.
      const { spawnSync } = await import('node:child_process');
      const script = [
        "import { registerHooks } from 'node:module';",
        'const seen = [];',
        'registerHooks({ resolve(specifier, context, next) { if (/^msw(\\/|$)/.test(specifier)) seen.push(specifier); return next(specifier, context); } });',
        "const sdk = await import('onboarding-sdk');",
        "console.log(JSON.stringify({ ok: typeof sdk.OnboardingClient === 'function', loaded: seen }));",
      ].join('\n');
      const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: process.cwd(), encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      const out = JSON.parse(r.stdout.trim().split('\n').at(-1));
      assert.equal(out.ok, true);
      assert.deepEqual(out.loaded, []);
      assert.ok(OnboardingError && isOnboardingError);
    },
  },
];
