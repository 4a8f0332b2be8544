import { describe, expect, it } from 'vitest';
import { CLIENT_ID, PRODUCT_FORM, REDIRECT_URL, SKILL, createClient, rejectionOf, setupMockApi, submitSteps } from './helpers.js';

const { api } = setupMockApi();

describe('submitStep', () => {
  it('sends client_id, the skill, the step name and the data untouched', async () => {
    const session = await createClient().startSession({ skill: SKILL, tenantUserId: 'u-42' });
    const data = { ...PRODUCT_FORM, nested: { list: [1, 'two', null], flag: false }, unicode: 'Ștefan – 🙂' };

    await session.submitStep('product_form', data);

    const request = api.requests[1]!;
    expect(request.endpoint).toBe('steps');
    expect(request.sessionId).toBe(session.id);
    expect(request.body).toEqual({ client_id: CLIENT_ID, nonce: request.nonce, skill: SKILL, step: 'product_form', data });
  });

  it('resolves with the step id, the API status, the response data and completed false', async () => {
    const session = await createClient().startSession({ skill: SKILL, tenantUserId: 'u-42' });

    const result = await session.submitStep('product_form', PRODUCT_FORM);

    expect(result).toMatchObject({ stepId: api.sessions[0]!.stepIds[0], status: 'SESSION_IN_PROGRESS', data: {}, completed: false });
  });

  it('passes response data through untouched, e.g. the redirect_url of a bank step', async () => {
    const session = await createClient().startSession({ skill: SKILL, tenantUserId: 'u-42' });
    await submitSteps(session, ['product_form', 'kyc_documents']);

    const redirect = await session.submitStep('bank_redirect', {});

    expect(redirect.data).toEqual({ redirect_url: REDIRECT_URL, bank: { id: 'xyz' } });
    expect(redirect.completed).toBe(false);
  });

  it('tracks the last step id and the completed step names', async () => {
    const session = await createClient().startSession({ skill: SKILL, tenantUserId: 'u-42' });
    expect(session.lastStepId).toBeUndefined();

    const a = await session.submitStep('product_form', PRODUCT_FORM);
    const b = await session.submitStep('kyc_documents', {});

    expect(session.lastStepId).toBe(b.stepId);
    expect(session.completedSteps).toEqual(['product_form', 'kyc_documents']);
    expect(a.stepId).not.toBe(b.stepId);
  });

  it('reports a step out of order with the API code invalid_step and leaves the nonce usable', async () => {
    const session = await createClient().startSession({ skill: SKILL, tenantUserId: 'u-42' });

    const error = await rejectionOf(session.submitStep('confirm', {}));

    expect(error).toMatchObject({ code: 'invalid_step', status: 400, retryable: false });
    expect(session.status).toBe('active');
    await expect(session.submitStep('product_form', PRODUCT_FORM)).resolves.toMatchObject({ completed: false });
    expect(api.requests[2]!.nonce).toBe(api.requests[1]!.nonce);
  });

  it('rejects an empty step name or non-object data with validation_error before sending anything', async () => {
    const session = await createClient().startSession({ skill: SKILL, tenantUserId: 'u-42' });
    const sent = api.requests.length;

    expect((await rejectionOf(session.submitStep('', {}))).code).toBe('validation_error');
    expect((await rejectionOf(session.submitStep('product_form', null as never))).code).toBe('validation_error');
    expect((await rejectionOf(session.submitStep('product_form', ['a'] as never))).code).toBe('validation_error');
    expect(api.requests).toHaveLength(sent);
    await expect(session.submitStep('product_form', PRODUCT_FORM)).resolves.toMatchObject({ completed: false });
  });

  it('treats a step answer with neither nonce nor temp token as invalid_response and fails the session', async () => {
    const session = await createClient().startSession({ skill: SKILL, tenantUserId: 'u-42' });
    api.inject({ kind: 'wrong-shape', endpoint: 'steps', body: { step_id: 'abc', status: 'SESSION_IN_PROGRESS', data: {} } });

    const error = await rejectionOf(session.submitStep('product_form', PRODUCT_FORM));

    expect(error.code).toBe('invalid_response');
    expect(session.status).toBe('failed');
  });
});
