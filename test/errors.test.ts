import { runInNewContext } from 'node:vm';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { OnboardingError, isOnboardingError } from '../src/index.js';
import { BASE_URL, PRODUCT_FORM, SKILL, createClient, fileOf, issuedNonces, rejectionOf, setupMockApi } from './helpers.js';

const { api, server } = setupMockApi();

async function activeSession() {
  return createClient().startSession({ skill: SKILL, tenantUserId: 'u-42' });
}

describe('OnboardingError and isOnboardingError', () => {
  it('is an Error subclass with a literal name, a code and safe defaults', () => {
    const error = new OnboardingError('timeout', 'took too long');

    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('OnboardingError');
    expect(error).toMatchObject({ code: 'timeout', message: 'took too long', status: undefined, requestId: undefined, retryable: false });
    expect(isOnboardingError(error)).toBe(true);
  });

  it('serialises to JSON without its cause', () => {
    const error = new OnboardingError('network_error', 'down', { retryable: true, cause: new Error('socket secret detail') });

    expect(JSON.parse(JSON.stringify(error))).toEqual({ name: 'OnboardingError', code: 'network_error', message: 'down', retryable: true });
  });

  it('recognises an OnboardingError from another realm or copy of the SDK by its name', () => {
    const foreignError = runInNewContext("const e = new Error('m'); e.name = 'OnboardingError'; e.code = 'timeout'; e");
    const foreignObject = runInNewContext("({ name: 'OnboardingError', code: 'aborted', message: 'm' })");

    // The vm context has an Error of its own, so `instanceof` fails on foreignError: only the name can tell.
    expect(isOnboardingError(foreignError)).toBe(true);
    expect(isOnboardingError(foreignObject)).toBe(true);
  });

  it('rejects everything else', () => {
    for (const value of [new Error('x'), new TypeError('x'), null, undefined, 'OnboardingError', 42, {}, { name: 'Error' }, []]) {
      expect(isOnboardingError(value)).toBe(false);
    }
  });
});

describe('mapping API errors', () => {
  it('keeps the documented body: the API code verbatim, the status and the id as requestId', async () => {
    const session = await activeSession();
    const body = { id: 'c0ffee00-0000-4000-8000-000000000001', type: 'external_api_error', http: 400, code: 'external_api_connection_error', message: 'bank unreachable' };
    api.inject({ kind: 'status', status: 400, body, endpoint: 'steps' });

    const error = await rejectionOf(session.submitStep('product_form', PRODUCT_FORM));

    expect(error).toBeInstanceOf(OnboardingError);
    expect(error).toMatchObject({ code: 'external_api_connection_error', status: 400, requestId: body.id, retryable: false });
    expect(error.message).toContain('bank unreachable');
  });

  it('redacts the nonce the request carried when the server echoes it in its message', async () => {
    const session = await activeSession();
    const [nonce] = issuedNonces(api);
    server.use(
      http.post(`${BASE_URL}/sessions/:id/steps`, async ({ request }) => {
        const body = (await request.json()) as { nonce: string };
        return HttpResponse.json({ id: 'e-1', type: 'invalid_request', http: 400, code: 'invalid_field', message: `bad nonce ${body.nonce}` }, { status: 400 });
      }),
    );

    const error = await rejectionOf(session.submitStep('product_form', PRODUCT_FORM));

    expect(nonce).toBeTruthy();
    expect(error.message).not.toContain(nonce!);
    expect(error.message).toContain('[redacted]');
  });

  it.each([
    [400, 'http_error'],
    [401, 'unauthorized'],
    [403, 'unauthorized'],
    [404, 'not_found'],
    [500, 'server_error'],
  ])('gives a bare { message } with HTTP %i the SDK code %s', async (status, code) => {
    api.inject({ kind: 'bare-message', status, message: 'something is off', endpoint: 'sessions' });

    const error = await rejectionOf(createClient().startSession({ skill: SKILL, tenantUserId: 'u-42' }));

    expect(error).toMatchObject({ code, status, requestId: undefined });
    expect(error.message).toContain('something is off');
  });

  it.each([502, 504, 403])('turns a proxy HTML page with HTTP %i into an OnboardingError keeping the status', async (status) => {
    const session = await activeSession();
    api.inject({ kind: 'html', status, endpoint: 'steps' });

    const error = await rejectionOf(session.submitStep('product_form', PRODUCT_FORM));

    expect(error.status).toBe(status);
    expect(error.requestId).toBeUndefined();
    expect(error.message).not.toContain('<html>');
  });

  it('gives an HTML 502 a retryable server_error code', async () => {
    api.inject({ kind: 'html', status: 502, endpoint: 'sessions' });

    const error = await rejectionOf(createClient().startSession({ skill: SKILL, tenantUserId: 'u-42' }));

    expect(error).toMatchObject({ code: 'server_error', status: 502, retryable: true });
  });
});

describe('validating 200 bodies', () => {
  it('rejects a session answer of the wrong shape with invalid_response and the schema issues', async () => {
    api.inject({ kind: 'wrong-shape', endpoint: 'sessions' });

    const error = await rejectionOf(createClient().startSession({ skill: SKILL, tenantUserId: 'u-42' }));

    expect(error.code).toBe('invalid_response');
    expect(error.issues?.length).toBeGreaterThan(0);
    expect(error.issues!.map((i) => i.path?.[0])).toEqual(expect.arrayContaining(['session_id', 'nonce']));
  });

  it('rejects a step answer with a wrong-typed field with invalid_response, not a TypeError later', async () => {
    const session = await activeSession();
    api.inject({ kind: 'wrong-shape', endpoint: 'steps', body: { step_id: 7, nonce: 'n'.repeat(20), status: 'SESSION_IN_PROGRESS' } });

    const error = await rejectionOf(session.submitStep('product_form', PRODUCT_FORM));

    expect(error.code).toBe('invalid_response');
    expect(error.issues!.map((i) => i.path)).toContainEqual(['step_id']);
  });

  it('rejects step data that is not an object with invalid_response', async () => {
    const session = await activeSession();
    api.inject({ kind: 'wrong-shape', endpoint: 'steps', body: { step_id: 's', nonce: 'n'.repeat(20), status: 'X', data: 'redirect' } });

    expect((await rejectionOf(session.submitStep('product_form', PRODUCT_FORM))).code).toBe('invalid_response');
  });

  it('rejects a JSON array or null as a body with invalid_response', async () => {
    api.inject({ kind: 'wrong-shape', endpoint: 'sessions', body: [] });
    api.inject({ kind: 'wrong-shape', endpoint: 'sessions', body: null });
    const client = createClient();

    expect((await rejectionOf(client.startSession({ skill: SKILL, tenantUserId: 'u-42' }))).code).toBe('invalid_response');
    expect((await rejectionOf(client.startSession({ skill: SKILL, tenantUserId: 'u-42' }))).code).toBe('invalid_response');
  });

  it('rejects an upload answer of the wrong shape with invalid_response', async () => {
    const session = await activeSession();
    await session.submitStep('product_form', PRODUCT_FORM);
    api.inject({ kind: 'wrong-shape', endpoint: 'upload', body: { status: 3 } });

    expect((await rejectionOf(session.upload(fileOf(10)))).code).toBe('invalid_response');
  });

  it.each(['sessions', 'steps'] as const)('rejects malformed JSON from %s with invalid_response', async (endpoint) => {
    const client = createClient();
    const session = endpoint === 'steps' ? await client.startSession({ skill: SKILL, tenantUserId: 'u-42' }) : undefined;
    api.inject({ kind: 'malformed-json', endpoint });

    const error = await rejectionOf(session ? session.submitStep('product_form', PRODUCT_FORM) : client.startSession({ skill: SKILL, tenantUserId: 'u-42' }));

    expect(error.code).toBe('invalid_response');
    expect(error.status === undefined || error.status === 200).toBe(true);
  });
});
