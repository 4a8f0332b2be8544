import { describe, expect, it } from 'vitest';
import { APP_KEY, CLIENT_ID, SKILL, createClient, rejectionOf, setupMockApi } from './helpers.js';

const { api, use } = setupMockApi();

describe('startSession', () => {
  it('creates a session and returns its id, skill and active status', async () => {
    const session = await createClient().startSession({ skill: SKILL, tenantUserId: 'u-42' });

    expect(session.id).toBe(api.sessions[0]!.id);
    expect(session.skill).toBe(SKILL);
    expect(session.status).toBe('active');
  });

  it('sends client_id, client_app_key, the skill and tenant_user_id when one is given', async () => {
    await createClient().startSession({ skill: SKILL, tenantUserId: 'u-42' });

    const [request] = api.requests;
    expect(request!.endpoint).toBe('sessions');
    expect(request!.body).toEqual({ client_id: CLIENT_ID, client_app_key: APP_KEY, skill: SKILL, tenant_user_id: 'u-42' });
    expect(api.sessions[0]!.tenantUserId).toBe('u-42');
  });

  it('omits tenant_user_id altogether when none is given', async () => {
    const lenient = use({ requireTenantUserId: false });

    await createClient().startSession({ skill: SKILL });

    expect(lenient.requests[0]!.body).not.toHaveProperty('tenant_user_id');
  });

  it("keeps a skill name with '#' intact in the body and out of the URL", async () => {
    const session = await createClient().startSession({ skill: SKILL, tenantUserId: 'u-42' });
    await session.submitStep('product_form', {});

    for (const request of api.requests) {
      expect(request.url).not.toContain('#');
      expect((request.body as { skill: string }).skill).toBe(SKILL);
    }
    expect(api.requests[1]!.url).toBe(`https://api.example.com/v1/sessions/${session.id}/steps`);
  });

  it('rejects an unknown skill with the API code invalid_skill_name, status 400 and the request id', async () => {
    const error = await rejectionOf(createClient().startSession({ skill: 'nope_#1.0', tenantUserId: 'u-42' }));

    expect(error.code).toBe('invalid_skill_name');
    expect(error.status).toBe(400);
    expect(error.requestId).toBe((api.requests[0]!.responseBody as { id: string }).id);
    expect(error.retryable).toBe(false);
  });

  it('rejects a wrong app key with 401 invalid_client_app_key', async () => {
    const error = await rejectionOf(createClient({ clientAppKey: 'some-other-key' }).startSession({ skill: SKILL, tenantUserId: 'u-42' }));

    expect(error.code).toBe('invalid_client_app_key');
    expect(error.status).toBe(401);
  });

  it('surfaces the API missing_fields code when the server requires tenant_user_id and none is given', async () => {
    const error = await rejectionOf(createClient().startSession({ skill: SKILL }));

    expect(error.code).toBe('missing_fields');
    expect(error.message).toContain('tenantUserId');
    expect(api.requests).toHaveLength(1);
  });

  it('rejects an empty skill or an empty tenantUserId with validation_error before sending anything', async () => {
    const client = createClient();

    expect((await rejectionOf(client.startSession({ skill: '' }))).code).toBe('validation_error');
    expect((await rejectionOf(client.startSession({ skill: SKILL, tenantUserId: '' }))).code).toBe('validation_error');
    expect(api.requests).toHaveLength(0);
  });

  it('creates independent sessions, each with its own nonce chain', async () => {
    const client = createClient();
    const first = await client.startSession({ skill: SKILL, tenantUserId: 'u-42' });
    const second = await client.startSession({ skill: SKILL, tenantUserId: 'u-42' });

    expect(first.id).not.toBe(second.id);
    await expect(second.submitStep('product_form', {})).resolves.toMatchObject({ completed: false });
    await expect(first.submitStep('product_form', {})).resolves.toMatchObject({ completed: false });
  });
});
