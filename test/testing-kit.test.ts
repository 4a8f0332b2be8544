import { Window } from 'happy-dom';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createMockOnboardingApi, type MockOnboardingApiOptions } from '../src/testing';
import { until } from './helpers.js';

const BASE = 'https://api.example.com/v1';
const SKILL = 'xyz_sbx_#3.0';
const STEPS = ['product_form', 'kyc_documents', 'bank_redirect', 'confirm'];
const CLIENT = { client_id: 'test-client', client_app_key: 'test-key' };
/** A complete, valid session creation body. */
const NEW_SESSION = { ...CLIENT, skill: SKILL, tenant_user_id: 'u-42' };
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const ISO_SECONDS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
const THIRTY_ONE_MINUTES = 31 * 60_000;

const OPTIONS: MockOnboardingApiOptions = {
  baseUrl: BASE,
  skills: {
    [SKILL]: { steps: STEPS, uploads: ['kyc_documents'], responses: { bank_redirect: { redirect_url: 'https://bank.example/sca' } } },
    'other_skill_#1.0': { steps: ['only'] },
  },
  clientId: 'test-client',
  clientAppKey: 'test-key',
  clientSecret: 'test-secret',
};

const api = createMockOnboardingApi(OPTIONS);
const server = setupServer(...api.handlers);

beforeAll(() => server.listen({ onUnhandledFrame: 'error' }));
afterEach(() => {
  api.reset();
  server.resetHandlers();
});
afterAll(() => server.close());

/** Runs the rest of the test against a kit built with other options. */
function useApi(overrides: Partial<MockOnboardingApiOptions>) {
  const other = createMockOnboardingApi({ ...OPTIONS, ...overrides });
  server.use(...other.handlers);
  return other;
}

interface Answer {
  status: number;
  headers: Headers;
  body: any;
}

async function answer(response: Response): Promise<Answer> {
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // kept as text (HTML pages, broken JSON)
  }
  return { status: response.status, headers: response.headers, body };
}

function postJson(path: string, body: unknown, init: RequestInit = {}): Promise<Response> {
  return fetch(`${BASE}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...init.headers },
    body: JSON.stringify(body),
    ...(init.signal && { signal: init.signal }),
  });
}

const post = async (path: string, body: unknown, init?: RequestInit) => answer(await postJson(path, body, init));

async function startSession(skill = SKILL): Promise<{ sessionId: string; nonce: string }> {
  const res = await post('/sessions', { ...CLIENT, skill, tenant_user_id: 'u-42' });
  expect(res.status).toBe(200);
  return { sessionId: res.body.session_id, nonce: res.body.nonce };
}

function submit(sessionId: string, nonce: string, step: string, data: object = {}, skill = SKILL) {
  return post(`/sessions/${sessionId}/steps`, { client_id: CLIENT.client_id, nonce, skill, step, data });
}

function uploadForm(nonce: string, file: Blob | string = new File(['fake-jpeg'], 'id.jpg', { type: 'image/jpeg' })) {
  const form = new FormData();
  form.append('client_id', CLIENT.client_id);
  form.append('nonce', nonce);
  form.append('file', file);
  return form;
}

async function upload(stepId: string, nonce: string, file?: Blob | string): Promise<Answer> {
  return answer(await fetch(`${BASE}/steps/${stepId}/upload`, { method: 'POST', body: uploadForm(nonce, file) }));
}

/** Walks a fresh session through the given steps; returns the last answer and the nonce to use next. */
async function advanceThrough(steps: string[]) {
  const { sessionId, nonce: first } = await startSession();
  let nonce = first;
  let last: Answer | undefined;
  for (const step of steps) {
    last = await submit(sessionId, nonce, step);
    expect(last.status).toBe(200);
    nonce = last.body.nonce;
  }
  return { sessionId, nonce, last: last! };
}

function expectError(res: Answer, status: number, type: string, code: string) {
  expect(res.status).toBe(status);
  expect(res.body).toEqual({ id: expect.stringMatching(UUID), type, http: status, code, message: expect.any(String) });
  expect(res.headers.get('access-control-allow-origin')).toBe('*');
}

describe('the happy path', () => {
  it('runs a whole session with an upload and exchanges its temp token for credentials', async () => {
    const created = await post('/sessions', NEW_SESSION);
    expect(created.body).toEqual({ nonce: expect.any(String), session_id: expect.stringMatching(UUID), status: 'SESSION_CREATED' });
    const sessionId = created.body.session_id;

    const product = await submit(sessionId, created.body.nonce, 'product_form', { value: '100000', currency: 'EUR' });
    expect(product.body).toEqual({ step_id: expect.stringMatching(UUID), nonce: expect.any(String), status: 'SESSION_IN_PROGRESS', data: {} });
    expect(product.body.nonce).not.toBe(created.body.nonce);

    const kyc = await submit(sessionId, product.body.nonce, 'kyc_documents');
    const bytes = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]);
    const uploaded = await upload(kyc.body.step_id, kyc.body.nonce, new File([bytes], 'passport.jpg', { type: 'image/jpeg' }));
    expect(uploaded.body).toEqual({ step_id: kyc.body.step_id, status: 'UPLOAD_RECEIVED', nonce: expect.any(String) });

    const redirect = await submit(sessionId, uploaded.body.nonce, 'bank_redirect');
    expect(redirect.body.data).toEqual({ redirect_url: 'https://bank.example/sca' });

    const done = await submit(sessionId, redirect.body.nonce, 'confirm', { accept: true });
    expect(done.body).toEqual({ step_id: expect.stringMatching(UUID), temp_token: expect.any(String), status: 'SESSION_COMPLETED', data: {} });

    const tokens = await post('/tokens', { client_id: CLIENT.client_id, client_secret: 'test-secret', temp_token: done.body.temp_token });
    expect(tokens.body).toEqual({
      credentials_id: expect.stringMatching(UUID),
      access_token: expect.any(String),
      consent_exp: expect.stringMatching(ISO_SECONDS),
      max_data_retention: expect.stringMatching(ISO_SECONDS),
    });
    expect(Date.parse(tokens.body.max_data_retention)).toBeGreaterThan(Date.parse(tokens.body.consent_exp));

    const [session] = api.sessions;
    expect(session).toMatchObject({
      id: sessionId,
      skill: SKILL,
      tenantUserId: 'u-42',
      status: 'SESSION_COMPLETED',
      completedSteps: STEPS,
      stepIds: [product.body.step_id, kyc.body.step_id, redirect.body.step_id, done.body.step_id],
      tempToken: done.body.temp_token,
    });
    expect(session!.nonce).toBeUndefined();
    expect(session!.uploads).toHaveLength(1);
    const [file] = session!.uploads;
    expect(file).toMatchObject({ stepId: kyc.body.step_id, name: 'passport.jpg', type: 'image/jpeg', size: bytes.length });
    expect(new Uint8Array(await file!.blob.arrayBuffer())).toEqual(bytes);
    expect(api.issuedTempTokens).toEqual([done.body.temp_token]);
  });

  it('records every request in order with its endpoint, ids, nonce and answer', async () => {
    const { sessionId, nonce } = await startSession();
    const step = await submit(sessionId, nonce, 'product_form', { value: '1' });
    const kyc = await submit(sessionId, step.body.nonce, 'kyc_documents');
    await upload(kyc.body.step_id, kyc.body.nonce);

    const records = api.requests;
    expect(records.map((r) => [r.endpoint, r.method, r.responseStatus])).toEqual([
      ['sessions', 'POST', 200],
      ['steps', 'POST', 200],
      ['steps', 'POST', 200],
      ['upload', 'POST', 200],
    ]);
    expect(records[0]).toMatchObject({ url: `${BASE}/sessions`, sessionId, body: NEW_SESSION });
    expect(records[1]).toMatchObject({
      url: `${BASE}/sessions/${sessionId}/steps`,
      sessionId,
      step: 'product_form',
      nonce,
      body: { step: 'product_form', data: { value: '1' } },
      responseBody: step.body,
    });
    expect(records[1]!.fault).toBeUndefined();
    expect(records[3]).toMatchObject({
      stepId: kyc.body.step_id,
      sessionId,
      step: 'kyc_documents',
      nonce: kyc.body.nonce,
      body: { client_id: CLIENT.client_id, nonce: kyc.body.nonce, file: { name: 'id.jpg', type: 'image/jpeg', size: 9 } },
    });
  });
});

describe('credentials and session creation', () => {
  it('rejects an unknown client_id with 401 invalid_client_id', async () => {
    expectError(await post('/sessions', { ...NEW_SESSION, client_id: 'intruder' }), 401, 'unauthorized', 'invalid_client_id');
  });

  it('rejects a wrong client app key with 401 invalid_client_app_key', async () => {
    expectError(await post('/sessions', { ...NEW_SESSION, client_app_key: 'nope' }), 401, 'unauthorized', 'invalid_client_app_key');
  });

  it('rejects an unknown skill with 400 invalid_skill_name', async () => {
    expectError(await post('/sessions', { ...NEW_SESSION, skill: 'no_such_#9.9' }), 400, 'invalid_request', 'invalid_skill_name');
    expect(api.sessions).toEqual([]);
  });

  it('rejects malformed JSON and missing fields with 400 missing_fields', async () => {
    const broken = await answer(
      await fetch(`${BASE}/sessions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"client_id": ' }),
    );
    expectError(broken, 400, 'invalid_request', 'missing_fields');
    expect(api.requests[0]!.body).toBe('{"client_id": ');

    const missing = await post('/sessions', { client_id: CLIENT.client_id });
    expectError(missing, 400, 'invalid_request', 'missing_fields');
    expect(missing.body.message).toContain('client_app_key');
  });

  it('rejects a JSON body not labelled application/json with 400 invalid_field', async () => {
    const body = JSON.stringify(NEW_SESSION);
    const res = await answer(await fetch(`${BASE}/sessions`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body }));
    expectError(res, 400, 'invalid_request', 'invalid_field');
    expect(api.sessions).toEqual([]);
  });

  it('rejects a field of the wrong type with 400 invalid_field', async () => {
    expectError(await post('/sessions', { ...NEW_SESSION, tenant_user_id: 42 }), 400, 'invalid_request', 'invalid_field');
  });

  it('refuses a skill catalog with a response for a step the skill does not have', () => {
    expect(() =>
      createMockOnboardingApi({ ...OPTIONS, skills: { s: { steps: ['a'], responses: { b: {} } } } }),
    ).toThrow(/unknown step "b"/);
  });
});

describe('strict by default: credentials', () => {
  it('refuses to be created without clientId and clientAppKey, saying what to pass', () => {
    const { clientId, clientAppKey, ...rest } = OPTIONS;
    const fix = /pass `clientId` and `clientAppKey` — the credentials your OnboardingClient uses \(an unset environment variable\?\) — or `acceptAnyCredentials: true`/i;
    expect(() => createMockOnboardingApi(rest)).toThrow(fix);
    expect(() => createMockOnboardingApi({ ...rest, clientId })).toThrow(/`clientAppKey` is missing/);
    // What `clientAppKey: process.env.APP_KEY` gives when the variable is unset.
    expect(() => createMockOnboardingApi({ ...rest, clientId, clientAppKey: undefined })).toThrow(fix);
    expect(() => createMockOnboardingApi({ ...rest, clientId, clientAppKey: '' })).toThrow(/`clientAppKey` is an empty string/);
    expect(() => createMockOnboardingApi({ ...rest, clientAppKey })).toThrow(/`clientId` is missing/);
  });

  it('accepts any credentials only when asked to with acceptAnyCredentials, still checking those it was given', async () => {
    useApi({ clientId: undefined, clientAppKey: undefined, clientSecret: undefined, acceptAnyCredentials: true });
    expect((await post('/sessions', { ...NEW_SESSION, client_id: 'any', client_app_key: 'any' })).status).toBe(200);

    useApi({ clientAppKey: undefined, acceptAnyCredentials: true });
    expect((await post('/sessions', { ...NEW_SESSION, client_app_key: 'any' })).status).toBe(200);
    expectError(await post('/sessions', { ...NEW_SESSION, client_id: 'intruder' }), 401, 'unauthorized', 'invalid_client_id');
  });

  it('answers /tokens 401 invalid_client_secret, naming the missing option, when created without clientSecret', async () => {
    const other = useApi({ clientSecret: undefined });
    const { last } = await advanceThrough(STEPS);
    const res = await post('/tokens', { client_id: CLIENT.client_id, client_secret: 'anything', temp_token: last.body.temp_token });
    expectError(res, 401, 'unauthorized', 'invalid_client_secret');
    expect(res.body.message).toMatch(/pass `clientSecret`.*or `acceptAnyCredentials: true`/);
    expect(other.requests.at(-1)!.responseStatus).toBe(401);
  });

  it('accepts any client secret at /tokens with acceptAnyCredentials and no clientSecret', async () => {
    useApi({ clientSecret: undefined, acceptAnyCredentials: true });
    const { last } = await advanceThrough(STEPS);
    const res = await post('/tokens', { client_id: CLIENT.client_id, client_secret: 'anything', temp_token: last.body.temp_token });
    expect(res.status).toBe(200);
  });
});

describe('strict by default: tenant_user_id', () => {
  it('requires tenant_user_id: 400 missing_fields saying to pass tenantUserId, or to opt out in the kit', async () => {
    const res = await post('/sessions', { ...CLIENT, skill: SKILL });
    expectError(res, 400, 'invalid_request', 'missing_fields');
    expect(res.body.message).toContain('tenant_user_id');
    expect(res.body.message).toContain('pass `tenantUserId` to startSession()');
    expect(res.body.message).toContain('`requireTenantUserId: false`');
    expect(api.sessions).toEqual([]);
  });

  it('accepts a session without tenant_user_id when created with requireTenantUserId: false', async () => {
    const other = useApi({ requireTenantUserId: false });
    expect((await post('/sessions', { ...CLIENT, skill: SKILL })).status).toBe(200);
    expect(other.sessions[0]!.tenantUserId).toBeUndefined();
  });
});

describe('steps and the nonce chain', () => {
  it('rejects a replayed nonce with 401 invalid_nonce and an error id', async () => {
    const { sessionId, nonce } = await startSession();
    expect((await submit(sessionId, nonce, 'product_form')).status).toBe(200);
    const replay = await submit(sessionId, nonce, 'kyc_documents');
    expectError(replay, 401, 'unauthorized', 'invalid_nonce');
    expect(api.requests.at(-1)!.responseBody).toEqual(replay.body);
  });

  it('rejects a nonce it never issued with 401 invalid_nonce', async () => {
    const { sessionId } = await startSession();
    expectError(await submit(sessionId, 'made-up', 'product_form'), 401, 'unauthorized', 'invalid_nonce');
  });

  it('rejects a step out of order with 400 invalid_step and leaves the nonce usable', async () => {
    const { sessionId, nonce } = await startSession();
    const skipped = await submit(sessionId, nonce, 'kyc_documents');
    expectError(skipped, 400, 'invalid_request', 'invalid_step');
    expect(skipped.body.message).toContain('expected "product_form"');
    expect((await submit(sessionId, nonce, 'product_form')).status).toBe(200);
  });

  it('rejects a step name the skill does not have with 400 invalid_step', async () => {
    const { sessionId, nonce } = await startSession();
    expectError(await submit(sessionId, nonce, 'no_such_step'), 400, 'invalid_request', 'invalid_step');
  });

  it("rejects a step naming another skill than its session's with 400 invalid_skill_name", async () => {
    const { sessionId, nonce } = await startSession();
    expectError(await submit(sessionId, nonce, 'only', {}, 'other_skill_#1.0'), 400, 'invalid_request', 'invalid_skill_name');
  });

  it('rejects an unknown session id with 404 invalid_session_id', async () => {
    const { nonce } = await startSession();
    expectError(await submit('00000000-0000-4000-8000-000000000000', nonce, 'product_form'), 404, 'invalid_request', 'invalid_session_id');
  });

  it('rejects a step without data with 400 missing_fields', async () => {
    const { sessionId, nonce } = await startSession();
    const res = await post(`/sessions/${sessionId}/steps`, { client_id: CLIENT.client_id, nonce, skill: SKILL, step: 'product_form' });
    expectError(res, 400, 'invalid_request', 'missing_fields');
  });

  it('answers 400 invalid_step to a step on a completed session', async () => {
    const { sessionId, last } = await advanceThrough(STEPS);
    expect(last.body.nonce).toBeUndefined();
    expectError(await submit(sessionId, 'whatever', 'confirm'), 400, 'invalid_request', 'invalid_step');
  });

  it('answers the last step with a nonce too when lastStepNonce is set', async () => {
    useApi({ lastStepNonce: true });
    const { last } = await advanceThrough(STEPS);
    expect(last.body).toMatchObject({ temp_token: expect.any(String), nonce: expect.any(String), status: 'SESSION_COMPLETED' });
  });

  it('expires a nonce with 401 expired_nonce once api.clock moves past nonceTtlMs', async () => {
    const { sessionId, nonce } = await startSession();
    api.clock.advance(29 * 60_000);
    const inTime = await submit(sessionId, nonce, 'product_form');
    expect(inTime.status).toBe(200);
    api.clock.advance(THIRTY_ONE_MINUTES);
    expectError(await submit(sessionId, inTime.body.nonce, 'kyc_documents'), 401, 'unauthorized', 'expired_nonce');
  });

  it('honours a custom nonceTtlMs and a manual clock that only moves when told', async () => {
    const other = useApi({ nonceTtlMs: 1_000, clock: 'manual', now: () => Date.UTC(2030, 0, 1) });
    expect(other.clock.now()).toBe(Date.UTC(2030, 0, 1));
    const { sessionId, nonce } = await startSession();
    expect(other.sessions[0]!.nonceIssuedAt).toBe(Date.UTC(2030, 0, 1));
    other.clock.set(Date.UTC(2030, 0, 1) + 1_000);
    expectError(await submit(sessionId, nonce, 'product_form'), 401, 'unauthorized', 'expired_nonce');
  });

  it('follows vitest fake timers, since its default time source is Date.now', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      const { sessionId, nonce } = await startSession();
      vi.setSystemTime(Date.now() + THIRTY_ONE_MINUTES);
      expectError(await submit(sessionId, nonce, 'product_form'), 401, 'unauthorized', 'expired_nonce');
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('uploads', () => {
  it('rotates the nonce by default: the fresh one is required and the used one is spent', async () => {
    const { sessionId, nonce, last } = await advanceThrough(['product_form', 'kyc_documents']);
    const first = await upload(last.body.step_id, nonce);
    expect(first.body.nonce).toEqual(expect.any(String));
    expectError(await upload(last.body.step_id, nonce), 401, 'unauthorized', 'invalid_nonce');
    const second = await upload(last.body.step_id, first.body.nonce, new File(['selfie'], 'selfie.png', { type: 'image/png' }));
    expect(second.status).toBe(200);
    expect(api.sessions[0]!.uploads.map((u) => u.name)).toEqual(['id.jpg', 'selfie.png']);
    expect((await submit(sessionId, second.body.nonce, 'bank_redirect')).status).toBe(200);
  });

  it('keeps the current nonce valid when uploadRotatesNonce is false', async () => {
    const other = useApi({ uploadRotatesNonce: false });
    const { sessionId, nonce, last } = await advanceThrough(['product_form', 'kyc_documents']);
    const first = await upload(last.body.step_id, nonce);
    expect(first.body).toEqual({ step_id: last.body.step_id, status: 'UPLOAD_RECEIVED' });
    expect((await upload(last.body.step_id, nonce)).status).toBe(200);
    expect((await submit(sessionId, nonce, 'bank_redirect')).status).toBe(200);
    expect(other.sessions[0]!.uploads).toHaveLength(2);
  });

  it('rejects an upload to a step id the kit never issued with 404 invalid_step', async () => {
    const { nonce } = await startSession();
    const res = await upload('11111111-1111-4111-8111-111111111111', nonce);
    expectError(res, 404, 'invalid_request', 'invalid_step');
    expect(api.requests.at(-1)).toMatchObject({ endpoint: 'upload', stepId: '11111111-1111-4111-8111-111111111111' });
    expect(api.requests.at(-1)!.sessionId).toBeUndefined();
  });

  it('rejects a file without a file name, or a text part in place of a file, with 400 invalid_field', async () => {
    const { nonce, last } = await advanceThrough(['product_form']);
    // fetch's FormData always names a file part ("blob" by default): write the part by hand.
    const boundary = 'kit-test-boundary';
    const part = (headers: string, value: string) => `--${boundary}\r\n${headers}\r\n\r\n${value}\r\n`;
    const body =
      part('Content-Disposition: form-data; name="client_id"', CLIENT.client_id) +
      part('Content-Disposition: form-data; name="nonce"', nonce) +
      part('Content-Disposition: form-data; name="file"; filename=""\r\nContent-Type: image/png', 'x') +
      `--${boundary}--\r\n`;
    const unnamed = await fetch(`${BASE}/steps/${last.body.step_id}/upload`, {
      method: 'POST',
      headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
      body,
    });
    const noName = await answer(unnamed);
    expectError(noName, 400, 'invalid_request', 'invalid_field');
    expect(noName.body.message).toContain('no file name');
    const text = await upload(last.body.step_id, nonce, 'not a file');
    expectError(text, 400, 'invalid_request', 'invalid_field');
    expect(text.body.message).toContain('must be a file');
    expect(api.sessions[0]!.uploads).toEqual([]);
  });

  it('rejects an upload that is not multipart with 400 missing_fields', async () => {
    const { nonce, last } = await advanceThrough(['product_form']);
    const res = await post(`/steps/${last.body.step_id}/upload`, { client_id: CLIENT.client_id, nonce });
    expectError(res, 400, 'invalid_request', 'missing_fields');
  });

  it('rejects an upload with a wrong client_id with 401 invalid_client_id', async () => {
    const { nonce, last } = await advanceThrough(['product_form']);
    const form = uploadForm(nonce);
    form.set('client_id', 'intruder');
    const res = await answer(await fetch(`${BASE}/steps/${last.body.step_id}/upload`, { method: 'POST', body: form }));
    expectError(res, 401, 'unauthorized', 'invalid_client_id');
  });
});

describe('strict by default: upload targets', () => {
  it("rejects an upload to a step the skill does not list under uploads with 400 invalid_step, naming the fix", async () => {
    const { sessionId, nonce, last } = await advanceThrough(['product_form']);
    const res = await upload(last.body.step_id, nonce);
    expectError(res, 400, 'invalid_request', 'invalid_step');
    expect(res.body.message).toContain('step "product_form" takes no uploads');
    expect(res.body.message).toContain("list the step under `uploads` in the kit's skill");
    expect(api.sessions[0]!.uploads).toEqual([]);
    // Rejected without spending the nonce.
    expect((await submit(sessionId, nonce, 'kyc_documents')).status).toBe(200);
  });

  it('rejects every upload for a skill that lists no uploads', async () => {
    const other = useApi({ skills: { [SKILL]: { steps: STEPS } } });
    const { nonce, last } = await advanceThrough(['product_form', 'kyc_documents']);
    const res = await upload(last.body.step_id, nonce);
    expectError(res, 400, 'invalid_request', 'invalid_step');
    expect(res.body.message).toContain('none of its steps');
    expect(other.sessions[0]!.uploads).toEqual([]);
  });

  it('rejects an upload to an earlier, finished step with 400 invalid_step, even one that takes uploads', async () => {
    const { sessionId, nonce: kycNonce, last: kyc } = await advanceThrough(['product_form', 'kyc_documents']);
    expect((await upload(kyc.body.step_id, kycNonce)).status).toBe(200);
    const nonce = api.sessions[0]!.nonce!;
    const redirect = await submit(sessionId, nonce, 'bank_redirect');
    const late = await upload(kyc.body.step_id, redirect.body.nonce);
    expectError(late, 400, 'invalid_request', 'invalid_step');
    expect(late.body.message).toContain('step "kyc_documents" is finished');
    expect(late.body.message).toContain('"bank_redirect"');
    expect(api.sessions[0]!.uploads).toHaveLength(1);
    expect((await submit(sessionId, redirect.body.nonce, 'confirm')).status).toBe(200);
  });

  it('refuses a catalog whose uploads name a step the skill does not have, or its last step', () => {
    expect(() => createMockOnboardingApi({ ...OPTIONS, skills: { s: { steps: ['a', 'b'], uploads: ['kyc'] } } })).toThrow(
      /skill "s" lists unknown step "kyc" under uploads/,
    );
    expect(() => createMockOnboardingApi({ ...OPTIONS, skills: { s: { steps: ['a', 'b'], uploads: ['b'] } } })).toThrow(
      /last step "b".*takes no uploads/,
    );
  });
});

describe('token exchange', () => {
  it('exchanges a temp token once, then answers 401 invalid_temp_token', async () => {
    const { last } = await advanceThrough(STEPS);
    const body = { client_id: CLIENT.client_id, client_secret: 'test-secret', temp_token: last.body.temp_token };
    expect((await post('/tokens', body)).status).toBe(200);
    expectError(await post('/tokens', body), 401, 'unauthorized', 'invalid_temp_token');
  });

  it('rejects a wrong client secret with 401 invalid_client_secret, leaving the token unused', async () => {
    const { last } = await advanceThrough(STEPS);
    const body = { client_id: CLIENT.client_id, client_secret: 'guess', temp_token: last.body.temp_token };
    expectError(await post('/tokens', body), 401, 'unauthorized', 'invalid_client_secret');
    expect((await post('/tokens', { ...body, client_secret: 'test-secret' })).status).toBe(200);
  });

  it('rejects a temp token it never issued with 401 invalid_temp_token', async () => {
    const res = await post('/tokens', { client_id: CLIENT.client_id, client_secret: 'test-secret', temp_token: 'forged' });
    expectError(res, 401, 'unauthorized', 'invalid_temp_token');
  });
});

describe('CORS', () => {
  it('answers a preflight with 204 and the allow headers', async () => {
    const res = await fetch(`${BASE}/sessions/abc/steps`, {
      method: 'OPTIONS',
      headers: { origin: 'https://app.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type, x-trace' },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('https://app.example');
    expect(res.headers.get('access-control-allow-methods')).toBe('POST, OPTIONS');
    expect(res.headers.get('access-control-allow-headers')).toBe('content-type, x-trace');
    expect(res.headers.get('access-control-max-age')).toBe('600');
    expect(api.requests).toEqual([]);
  });

  it("allows content-type in a preflight that names no headers and '*' without an Origin", async () => {
    const res = await fetch(`${BASE}/tokens`, { method: 'OPTIONS' });
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('access-control-allow-headers')).toBe('content-type');
  });

  it('puts access-control-allow-origin and an exposed Retry-After on answers, errors and faults alike', async () => {
    const origin = { origin: 'https://app.example' };
    const ok = await post('/sessions', NEW_SESSION, { headers: origin });
    const error = await post('/sessions', { ...NEW_SESSION, skill: 'nope' }, { headers: origin });
    api.inject({ kind: 'status', status: 429, retryAfter: 3 });
    const fault = await post('/sessions', NEW_SESSION, { headers: origin });
    for (const res of [ok, error, fault]) {
      expect(res.headers.get('access-control-allow-origin')).toBe('https://app.example');
      expect(res.headers.get('access-control-expose-headers')).toBe('retry-after');
    }
  });
  it('serves a page on another origin (happy-dom enforces CORS) through preflights, uploads included', async () => {
    const methods: string[] = [];
    server.events.on('request:start', ({ request }) => void methods.push(request.method));
    const window = new Window({ url: 'https://app.example/' });
    const postFromPage = async (path: string, body: unknown): Promise<any> =>
      (await window.fetch(`${BASE}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })).json();
    try {
      const session = await postFromPage('/sessions', NEW_SESSION);
      const product = await postFromPage(`/sessions/${session.session_id}/steps`, stepBody(session.nonce, 'product_form'));
      const step = await postFromPage(`/sessions/${session.session_id}/steps`, stepBody(product.nonce, 'kyc_documents'));
      const form = new window.FormData();
      form.append('client_id', CLIENT.client_id);
      form.append('nonce', step.nonce);
      form.append('file', new window.File(['%PDF'], 'statement.pdf', { type: 'application/pdf' }));
      const uploaded = await window.fetch(`${BASE}/steps/${step.step_id}/upload`, { method: 'POST', body: form });
      expect(uploaded.status).toBe(200);
      api.inject({ kind: 'status', status: 429, retryAfter: 7 });
      const limited = await window.fetch(`${BASE}/sessions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
      expect([limited.status, limited.headers.get('retry-after')]).toEqual([429, '7']);
    } finally {
      server.events.removeAllListeners();
      await window.happyDOM.close();
    }
    expect(methods.filter((m) => m === 'OPTIONS').length).toBeGreaterThan(0);
    expect(api.sessions[0]!.uploads[0]).toMatchObject({ name: 'statement.pdf', type: 'application/pdf', size: 4 });
    expect(api.requests.map((r) => r.responseStatus)).toEqual([200, 200, 200, 200, 429]);
  });
});

describe('CORS with allowedOrigins', () => {
  const APP = 'https://app.example';
  const preflightFrom = (origin: string) =>
    fetch(`${BASE}/sessions`, {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
    });

  it('allows a listed origin on preflights and answers, and keeps Retry-After exposed', async () => {
    useApi({ allowedOrigins: [APP] });
    const pre = await preflightFrom(APP);
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-origin')).toBe(APP);
    const res = await post('/sessions', NEW_SESSION, { headers: { origin: APP } });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe(APP);
    expect(res.headers.get('access-control-expose-headers')).toBe('retry-after');
  });

  it('answers a preflight from an origin not listed with 403 and no CORS headers', async () => {
    const other = useApi({ allowedOrigins: [APP] });
    const pre = await preflightFrom('https://evil.example');
    expect(pre.status).toBe(403);
    expect(pre.headers.get('access-control-allow-origin')).toBeNull();
    expect(pre.headers.get('access-control-allow-methods')).toBeNull();
    expect(other.requests).toEqual([]);
  });

  it('gives any other request from an origin not listed (or with none) no access-control-allow-origin', async () => {
    useApi({ allowedOrigins: [APP] });
    const foreign = await post('/sessions', NEW_SESSION, { headers: { origin: 'https://evil.example' } });
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
    const noOrigin = await post('/sessions', NEW_SESSION);
    expect(noOrigin.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('fails a page served from an origin not listed, as a browser would (happy-dom enforces CORS)', async () => {
    useApi({ allowedOrigins: [APP] });
    const fromPage = async (origin: string) => {
      const window = new Window({ url: `${origin}/` });
      try {
        const res = await window.fetch(`${BASE}/sessions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(NEW_SESSION),
        });
        return res.status;
      } finally {
        await window.happyDOM.close();
      }
    };
    expect(await fromPage(APP)).toBe(200);
    await expect(fromPage('https://evil.example')).rejects.toThrow();
  });

  it('refuses an allowedOrigins entry that is not an origin, suggesting the origin', () => {
    expect(() => createMockOnboardingApi({ ...OPTIONS, allowedOrigins: ['https://app.example/'] })).toThrow(
      /"https:\/\/app\.example\/" is not an origin.*did you mean "https:\/\/app\.example"/,
    );
    expect(() => createMockOnboardingApi({ ...OPTIONS, allowedOrigins: ['app.example'] })).toThrow(/is not an origin/);
  });
});

describe('fault injection', () => {
  it('drops the connection before processing on a network fault', async () => {
    const { sessionId, nonce } = await startSession();
    api.inject({ kind: 'network', endpoint: 'steps' });
    await expect(postJson(`/sessions/${sessionId}/steps`, { ...stepBody(nonce, 'product_form') })).rejects.toThrow(TypeError);
    expect(api.sessions[0]!.completedSteps).toEqual([]);
    expect(api.requests.at(-1)).toMatchObject({ endpoint: 'steps', fault: 'network', responseStatus: 0 });
    expect((await submit(sessionId, nonce, 'product_form')).status).toBe(200);
  });

  it('processes the request then drops the answer on a lost-response fault, so a retry meets invalid_nonce', async () => {
    const { sessionId, nonce } = await startSession();
    api.inject({ kind: 'lost-response', endpoint: 'steps', step: 'product_form' });
    await expect(postJson(`/sessions/${sessionId}/steps`, stepBody(nonce, 'product_form'))).rejects.toThrow(TypeError);
    expect(api.sessions[0]!.completedSteps).toEqual(['product_form']);
    const lost = api.requests.at(-1)!;
    expect(lost).toMatchObject({ fault: 'lost-response', responseStatus: 0, responseBody: { status: 'SESSION_IN_PROGRESS' } });
    expect(api.sessions[0]!.nonce).toBe((lost.responseBody as { nonce: string }).nonce);
    expectError(await submit(sessionId, nonce, 'product_form'), 401, 'unauthorized', 'invalid_nonce');
  });

  it('answers an injected status with the documented error body and Retry-After, without processing', async () => {
    const { sessionId, nonce } = await startSession();
    api.inject({ kind: 'status', status: 503, retryAfter: 120 });
    const res = await submit(sessionId, nonce, 'product_form');
    expectError(res, 503, 'external_api_error', 'external_api_connection_error');
    expect(res.headers.get('retry-after')).toBe('120');
    expect(api.requests.at(-1)).toMatchObject({ fault: 'status', responseStatus: 503 });
    expect((await submit(sessionId, nonce, 'product_form')).status).toBe(200);
  });

  it('picks fitting default codes for 429 and 500, and sends a given body and HTTP-date Retry-After verbatim', async () => {
    api.inject({ kind: 'status', status: 429 });
    api.inject({ kind: 'status', status: 500 });
    const date = 'Wed, 21 Oct 2026 07:28:00 GMT';
    api.inject({ kind: 'status', status: 429, retryAfter: date, body: { custom: true } });
    const body = NEW_SESSION;
    expectError(await post('/sessions', body), 429, 'external_api_error', 'external_api_too_many_requests');
    expectError(await post('/sessions', body), 500, 'internal_server_error', 'internal_server_error');
    const custom = await post('/sessions', body);
    expect(custom).toMatchObject({ status: 429, body: { custom: true } });
    expect(custom.headers.get('retry-after')).toBe(date);
    expect(api.sessions).toEqual([]);
  });

  it('answers broken JSON with status 200 on a malformed-json fault', async () => {
    api.inject({ kind: 'malformed-json' });
    const res = await answer(await postJson('/sessions', NEW_SESSION));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(res.body).toBe('{"nonce": ');
    expect(api.sessions).toEqual([]);
  });

  it('answers valid JSON of the wrong shape on a wrong-shape fault, by default { session_id: 42 }', async () => {
    api.inject({ kind: 'wrong-shape' });
    api.inject({ kind: 'wrong-shape', body: ['not', 'an', 'object'] });
    expect(await post('/sessions', NEW_SESSION)).toMatchObject({ status: 200, body: { session_id: 42 } });
    expect(await post('/sessions', NEW_SESSION)).toMatchObject({ status: 200, body: ['not', 'an', 'object'] });
    expect(api.sessions).toEqual([]);
  });

  it('answers a proxy HTML page on an html fault', async () => {
    api.inject({ kind: 'html' });
    api.inject({ kind: 'html', status: 504 });
    const first = await post('/sessions', NEW_SESSION);
    expect(first.status).toBe(502);
    expect(first.headers.get('content-type')).toMatch(/^text\/html/);
    expect(first.body).toContain('502 Bad Gateway');
    expect((await post('/sessions', NEW_SESSION)).status).toBe(504);
  });

  it('answers only { message } on a bare-message fault', async () => {
    api.inject({ kind: 'bare-message' });
    api.inject({ kind: 'bare-message', status: 404, message: 'Not Found' });
    expect(await post('/sessions', NEW_SESSION)).toMatchObject({ status: 400, body: { message: 'Bad Request' } });
    expect(await post('/sessions', NEW_SESSION)).toMatchObject({ status: 404, body: { message: 'Not Found' } });
  });

  it('waits and then processes normally on a delay fault', async () => {
    // Fake setTimeout (the delay's) and Date; msw's own I/O stays real.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    try {
      api.inject({ kind: 'delay', ms: 200 });
      const pending = post('/sessions', NEW_SESSION);
      await until(() => api.requests.length === 1);
      await vi.advanceTimersByTimeAsync(199);
      expect(api.sessions).toEqual([]);
      await vi.advanceTimersByTimeAsync(1);
      const res = await pending;
      expect(res.status).toBe(200);
      expect(api.sessions).toHaveLength(1);
      expect(api.requests[0]).toMatchObject({ fault: 'delay', responseStatus: 200 });
    } finally {
      vi.useRealTimers();
    }
  });

  it('stops an infinite delay when the client aborts, processing nothing', async () => {
    const { sessionId, nonce } = await startSession();
    api.inject({ kind: 'delay', ms: 'infinite', endpoint: 'steps' });
    const controller = new AbortController();
    const pending = postJson(`/sessions/${sessionId}/steps`, stepBody(nonce, 'product_form'), { signal: controller.signal });
    await until(() => api.requests.length === 2);
    controller.abort();
    await expect(pending).rejects.toThrow(/abort/i);
    expect(api.sessions[0]!.completedSteps).toEqual([]);
    expect(api.requests[1]).toMatchObject({ fault: 'delay', responseStatus: 0 });
    expect((await submit(sessionId, nonce, 'product_form')).status).toBe(200);
  });

  it('applies a fault only to requests matching its endpoint and step', async () => {
    const { sessionId, nonce } = await startSession();
    api.inject({ kind: 'status', status: 500, endpoint: 'steps', step: 'kyc_documents' });
    const product = await submit(sessionId, nonce, 'product_form');
    expect(product.status).toBe(200);
    expect((await submit(sessionId, product.body.nonce, 'kyc_documents')).status).toBe(500);
  });

  it('matches an upload fault by the step that issued the step id', async () => {
    const { nonce, last } = await advanceThrough(['product_form', 'kyc_documents']);
    api.inject({ kind: 'status', status: 503, endpoint: 'upload', step: 'kyc_documents' });
    expect((await upload(last.body.step_id, nonce)).status).toBe(503);
    expect((await upload(last.body.step_id, nonce)).status).toBe(200);
  });

  it('applies a fault `times` times and consumes faults in the order they were injected', async () => {
    const twice = api.inject({ kind: 'status', status: 503, times: 2 });
    const then = api.inject({ kind: 'status', status: 429 });
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await post('/sessions', NEW_SESSION)).status);
    expect(statuses).toEqual([503, 503, 429, 200]);
    expect([twice.remaining, then.remaining]).toEqual([0, 0]);
  });

  it('forgets a cancelled fault', async () => {
    const handle = api.inject({ kind: 'network' });
    expect(handle.remaining).toBe(1);
    handle.cancel();
    expect(handle.remaining).toBe(0);
    expect((await post('/sessions', NEW_SESSION)).status).toBe(200);
  });

  it('refuses a fault that could never apply as asked', () => {
    expect(() => api.inject({ kind: 'network', times: 0 })).toThrow(RangeError);
    expect(() => api.inject({ kind: 'status', status: 99 })).toThrow(RangeError);
    expect(() => api.inject({ kind: 'delay', ms: 2 ** 31 })).toThrow(RangeError);
  });
});

describe('reset', () => {
  it('clears sessions, tokens, records, pending faults and clock shifts', async () => {
    await advanceThrough(STEPS);
    api.inject({ kind: 'network' });
    api.clock.advance(THIRTY_ONE_MINUTES);
    const shifted = api.clock.now();
    api.reset();
    expect(api.sessions).toEqual([]);
    expect(api.requests).toEqual([]);
    expect(api.issuedTempTokens).toEqual([]);
    expect(api.clock.now()).toBeLessThan(shifted - 30 * 60_000);
    expect((await post('/sessions', NEW_SESSION)).status).toBe(200);
  });
});

function stepBody(nonce: string, step: string) {
  return { client_id: CLIENT.client_id, nonce, skill: SKILL, step, data: {} };
}
