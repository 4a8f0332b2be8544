import { describe, expect, it } from 'vitest';
import { PRODUCT_FORM, SKILL, STEPS, createClient, fileOf, issuedNonces, nonceRequests, setupMockApi, submitSteps } from './helpers.js';

const { api } = setupMockApi();

/** For each request after the first, the nonce it carried and the nonce of the answer before it. */
function chainLinks() {
  const requests = api.requests;
  return requests.slice(1).map((request, i) => ({
    sent: request.nonce,
    previous: (requests[i]!.responseBody as { nonce?: string }).nonce,
  }));
}

describe('the nonce chain', () => {
  it('sends on each step the nonce of the previous answer', async () => {
    const session = await createClient().startSession({ skill: SKILL, tenantUserId: 'u-42' });
    await submitSteps(session, STEPS);

    const links = chainLinks();
    expect(links).toHaveLength(STEPS.length);
    for (const { sent, previous } of links) {
      expect(sent).toBeDefined();
      expect(sent).toBe(previous);
    }
  });

  it('uses every nonce exactly once across steps and uploads', async () => {
    const session = await createClient().startSession({ skill: SKILL, tenantUserId: 'u-42' });
    await session.submitStep('product_form', PRODUCT_FORM);
    await session.submitStep('kyc_documents', {});
    await session.upload(fileOf(100));
    await session.upload(fileOf(200, 'selfie.png', 'image/png'));
    await submitSteps(session, ['bank_redirect', 'confirm']);

    const sent = nonceRequests(api).map((r) => r.nonce);
    expect(sent).toHaveLength(6);
    expect(new Set(sent).size).toBe(sent.length);
    expect(nonceRequests(api).every((r) => r.responseStatus === 200)).toBe(true);
    // Every nonce the kit issued, but the never-needed last one, was spent by exactly one request.
    expect(sent).toEqual(issuedNonces(api));
  });
});

describe('overlapping calls on one session', () => {
  it('serialises two submitStep calls fired without awaiting: distinct nonces, both succeed in order', async () => {
    const session = await createClient().startSession({ skill: SKILL, tenantUserId: 'u-42' });

    const first = session.submitStep('product_form', PRODUCT_FORM);
    const second = session.submitStep('kyc_documents', {});
    const [a, b] = await Promise.all([first, second]);

    expect(a.stepId).not.toBe(b.stepId);
    const steps = nonceRequests(api);
    expect(steps.map((r) => r.step)).toEqual(['product_form', 'kyc_documents']);
    expect(steps[0]!.nonce).not.toBe(steps[1]!.nonce);
    expect(steps[1]!.nonce).toBe((steps[0]!.responseBody as { nonce: string }).nonce);
    expect(api.sessions[0]!.stepIds).toEqual([a.stepId, b.stepId]);
  });

  it('serialises a burst of steps and uploads fired at once', async () => {
    const session = await createClient().startSession({ skill: SKILL, tenantUserId: 'u-42' });
    await session.submitStep('product_form', PRODUCT_FORM);

    const results = await Promise.all([
      session.submitStep('kyc_documents', {}),
      session.upload(fileOf(10, 'a.jpg')),
      session.upload(fileOf(20, 'b.jpg')),
      session.submitStep('bank_redirect', {}),
    ]);

    expect(results).toHaveLength(4);
    const sent = nonceRequests(api).map((r) => r.nonce);
    expect(new Set(sent).size).toBe(sent.length);
    expect(nonceRequests(api).map((r) => r.endpoint)).toEqual(['steps', 'steps', 'upload', 'upload', 'steps']);
    expect(api.sessions[0]!.uploads.map((u) => u.name)).toEqual(['a.jpg', 'b.jpg']);
  });

  it('keeps the queue going after a call in the middle fails', async () => {
    const session = await createClient().startSession({ skill: SKILL, tenantUserId: 'u-42' });
    api.inject({ kind: 'status', status: 500, endpoint: 'steps', step: 'product_form' });

    const failed = session.submitStep('product_form', PRODUCT_FORM);
    const retried = session.submitStep('product_form', PRODUCT_FORM);

    await expect(failed).rejects.toMatchObject({ code: 'internal_server_error' });
    await expect(retried).resolves.toMatchObject({ completed: false });
    const steps = nonceRequests(api);
    expect(steps[0]!.nonce).toBe(steps[1]!.nonce);
  });
});
