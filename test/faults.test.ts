import { describe, expect, it, vi } from 'vitest';
import { PRODUCT_FORM, SKILL, STEPS, createClient, fileOf, nonceRequests, rejectionOf, setupMockApi, submitSteps } from './helpers.js';

const { api } = setupMockApi();

async function activeSession(client = createClient()) {
  return client.startSession({ skill: SKILL, tenantUserId: 'u-42' });
}

describe('a dropped connection', () => {
  it('rejects a step with a retryable network_error and leaves the nonce as it was', async () => {
    const session = await activeSession();
    api.inject({ kind: 'network', endpoint: 'steps' });

    const error = await rejectionOf(session.submitStep('product_form', PRODUCT_FORM));

    expect(error).toMatchObject({ code: 'network_error', retryable: true, status: undefined });
    expect(session.status).toBe('active');
    const result = await session.submitStep('product_form', PRODUCT_FORM);
    expect(result.completed).toBe(false);
    const [dropped, retried] = nonceRequests(api);
    expect(retried!.nonce).toBe(dropped!.nonce);
    expect(retried!.responseStatus).toBe(200);
  });

  it('lets the same upload be sent again after the connection dropped', async () => {
    const session = await activeSession();
    await submitSteps(session, ['product_form', 'kyc_documents']);
    api.inject({ kind: 'network', endpoint: 'upload' });

    expect((await rejectionOf(session.upload(fileOf(10)))).code).toBe('network_error');
    await expect(session.upload(fileOf(10))).resolves.toMatchObject({ status: 'UPLOAD_RECEIVED' });
    expect(api.sessions[0]!.uploads).toHaveLength(1);
  });

  it('rejects session creation with network_error and creates nothing', async () => {
    api.inject({ kind: 'network', endpoint: 'sessions' });

    expect((await rejectionOf(createClient().startSession({ skill: SKILL, tenantUserId: 'u-42' }))).code).toBe('network_error');
    expect(api.sessions).toHaveLength(0);
  });
});

describe('a lost response', () => {
  it('fails the retry with 401 invalid_nonce and marks the session failed, without hanging or looping', async () => {
    const session = await activeSession();
    api.inject({ kind: 'lost-response', endpoint: 'steps', step: 'product_form' });

    const lost = await rejectionOf(session.submitStep('product_form', PRODUCT_FORM));
    expect(lost.code).toBe('network_error');
    expect(session.status).toBe('active');

    const retry = await rejectionOf(session.submitStep('product_form', PRODUCT_FORM));

    expect(retry).toMatchObject({ code: 'session_failed', apiCode: 'invalid_nonce', status: 401, retryable: false });
    expect(retry.requestId).toBe((api.requests.at(-1)!.responseBody as { id: string }).id);
    expect(retry.message).toMatch(/out of step/);
    expect(session.status).toBe('failed');
    expect(api.requests).toHaveLength(3);
  });

  it('fails every later call fast with session_failed and sends nothing', async () => {
    const session = await activeSession();
    api.inject({ kind: 'lost-response', endpoint: 'steps' });
    await rejectionOf(session.submitStep('product_form', PRODUCT_FORM));
    await rejectionOf(session.submitStep('product_form', PRODUCT_FORM));
    const sent = api.requests.length;

    expect((await rejectionOf(session.submitStep('kyc_documents', {}))).code).toBe('session_failed');
    expect((await rejectionOf(session.upload(fileOf(10), { stepId: 'any' }))).code).toBe('session_failed');
    expect(api.requests).toHaveLength(sent);
  });
});

describe('server errors', () => {
  it('reports a 500 with the API code, does not retry it, and keeps the session usable', async () => {
    const session = await activeSession();
    api.inject({ kind: 'status', status: 500, endpoint: 'steps' });

    const error = await rejectionOf(session.submitStep('product_form', PRODUCT_FORM));

    expect(error).toMatchObject({ code: 'internal_server_error', status: 500, retryable: true });
    expect(nonceRequests(api)).toHaveLength(1);
    expect(session.status).toBe('active');
    await submitSteps(session, STEPS);
    expect(session.status).toBe('completed');
  });

  it('does not retry a 503 without Retry-After', async () => {
    api.inject({ kind: 'status', status: 503, endpoint: 'sessions' });

    const error = await rejectionOf(createClient().startSession({ skill: SKILL, tenantUserId: 'u-42' }));

    expect(error).toMatchObject({ code: 'external_api_connection_error', status: 503, retryAfterMs: undefined });
    expect(api.requests).toHaveLength(1);
  });

  it('does not retry a 429 whose Retry-After is garbage', async () => {
    const session = await activeSession();
    api.inject({ kind: 'status', status: 429, retryAfter: 'soon-ish', endpoint: 'steps' });

    const error = await rejectionOf(session.submitStep('product_form', PRODUCT_FORM));

    expect(error).toMatchObject({ status: 429, retryAfterMs: undefined });
    expect(nonceRequests(api)).toHaveLength(1);
  });

  it.each(['-1', '1.5', 'soon 2'])('does not retry a 503 whose Retry-After %j is neither delay-seconds nor an HTTP date', async (retryAfter) => {
    api.inject({ kind: 'status', status: 503, retryAfter, endpoint: 'sessions' });

    const error = await rejectionOf(createClient().startSession({ skill: SKILL, tenantUserId: 'u-42' }));

    expect(error).toMatchObject({ status: 503, retryAfterMs: undefined });
    expect(api.requests).toHaveLength(1);
  });

  it.each([400, 401, 404, 409, 500, 502, 504])('does not retry a POST answered %i, even with Retry-After', async (status) => {
    const session = await activeSession();
    api.inject({ kind: 'status', status, retryAfter: 0, endpoint: 'steps' });

    const error = await rejectionOf(session.submitStep('product_form', PRODUCT_FORM));

    expect(error.status).toBe(status);
    expect(nonceRequests(api)).toHaveLength(1);
  });

  it('reports an API 401 on a step with its code and keeps the session when the nonce was not the cause', async () => {
    const session = await activeSession();
    api.inject({ kind: 'status', status: 401, endpoint: 'steps', body: { id: 'r-1', type: 'unauthorized', http: 401, code: 'invalid_client_id', message: 'no' } });

    const error = await rejectionOf(session.submitStep('product_form', PRODUCT_FORM));

    expect(error).toMatchObject({ code: 'invalid_client_id', status: 401, requestId: 'r-1' });
    expect(session.status).toBe('active');
  });

  it('reports each fault to error listeners', async () => {
    const client = createClient();
    const errors = vi.fn();
    client.on('error', errors);
    const session = await activeSession(client);
    api.inject({ kind: 'network', endpoint: 'steps' });
    api.inject({ kind: 'html', endpoint: 'steps' });
    api.inject({ kind: 'malformed-json', endpoint: 'steps' });

    for (let i = 0; i < 3; i++) await rejectionOf(session.submitStep('product_form', PRODUCT_FORM));

    expect(errors.mock.calls.map(([e]) => e.error.code)).toEqual(['network_error', 'server_error', 'invalid_response']);
  });
});
