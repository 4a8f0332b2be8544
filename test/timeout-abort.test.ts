import { describe, expect, it } from 'vitest';
import { PRODUCT_FORM, SKILL, createClient, fileOf, nonceRequests, rejectionOf, setupMockApi } from './helpers.js';

// Real timers throughout: a timeout is the interplay of ky's timer, the
// request's signal and msw's delayed answer, and faking one of them would test
// the fake instead.
const { api } = setupMockApi();

async function timed<T>(work: Promise<T>): Promise<{ value: T; ms: number }> {
  const start = performance.now();
  const value = await work;
  return { value, ms: performance.now() - start };
}

describe('timeoutMs', () => {
  it('fails a hung step with a retryable timeout within about timeoutMs, and the step can be sent again', async () => {
    const session = await createClient({ timeoutMs: 150 }).startSession({ skill: SKILL, tenantUserId: 'u-42' });
    api.inject({ kind: 'delay', ms: 'infinite', endpoint: 'steps' });

    const { value: error, ms } = await timed(rejectionOf(session.submitStep('product_form', PRODUCT_FORM)));

    expect(error).toMatchObject({ code: 'timeout', retryable: true });
    expect(ms).toBeGreaterThanOrEqual(140);
    expect(ms).toBeLessThan(2_000);
    expect(session.status).toBe('active');
    await expect(session.submitStep('product_form', PRODUCT_FORM)).resolves.toMatchObject({ completed: false });
    const [hung, again] = nonceRequests(api);
    expect(again!.nonce).toBe(hung!.nonce);
  });

  it('fails a hung session creation with timeout', async () => {
    api.inject({ kind: 'delay', ms: 'infinite', endpoint: 'sessions' });

    const error = await rejectionOf(createClient({ timeoutMs: 100 }).startSession({ skill: SKILL, tenantUserId: 'u-42' }));

    expect(error.code).toBe('timeout');
    expect(api.sessions).toHaveLength(0);
  });

  it('lets a slow answer within timeoutMs through', async () => {
    api.inject({ kind: 'delay', ms: 50, endpoint: 'sessions' });

    await expect(createClient({ timeoutMs: 2_000 }).startSession({ skill: SKILL, tenantUserId: 'u-42' })).resolves.toMatchObject({ status: 'active' });
  });

  it('times uploads out after uploadTimeoutMs, not timeoutMs', async () => {
    const session = await createClient({ timeoutMs: 100, uploadTimeoutMs: 200 }).startSession({ skill: SKILL, tenantUserId: 'u-42' });
    await session.submitStep('product_form', PRODUCT_FORM);
    await session.submitStep('kyc_documents', {});
    api.inject({ kind: 'delay', ms: 150, endpoint: 'upload' });
    await expect(session.upload(fileOf(10))).resolves.toMatchObject({ status: 'UPLOAD_RECEIVED' });

    api.inject({ kind: 'delay', ms: 'infinite', endpoint: 'upload' });
    const error = await rejectionOf(session.upload(fileOf(10)));

    expect(error.code).toBe('timeout');
    expect(api.sessions[0]!.uploads).toHaveLength(1);
  });
});

describe('AbortSignal', () => {
  it('rejects startSession with an already-aborted signal as aborted and sends nothing', async () => {
    const error = await rejectionOf(createClient().startSession({ skill: SKILL, tenantUserId: 'u-42', signal: AbortSignal.abort() }));

    expect(error.code).toBe('aborted');
    expect(api.requests).toHaveLength(0);
  });

  it('aborts session creation in flight', async () => {
    api.inject({ kind: 'delay', ms: 'infinite', endpoint: 'sessions' });
    const controller = new AbortController();

    const pending = rejectionOf(createClient().startSession({ skill: SKILL, tenantUserId: 'u-42', signal: controller.signal }));
    setTimeout(() => controller.abort(), 30);

    expect((await pending).code).toBe('aborted');
    expect(api.sessions).toHaveLength(0);
  });

  it('rejects submitStep and upload with an already-aborted signal as aborted and sends nothing', async () => {
    const session = await createClient().startSession({ skill: SKILL, tenantUserId: 'u-42' });
    const step = await session.submitStep('product_form', PRODUCT_FORM);
    const sent = api.requests.length;

    const stepError = await rejectionOf(session.submitStep('kyc_documents', {}, { signal: AbortSignal.abort() }));
    const uploadError = await rejectionOf(session.upload(fileOf(10), { stepId: step.stepId, signal: AbortSignal.abort() }));

    expect(stepError.code).toBe('aborted');
    expect(uploadError.code).toBe('aborted');
    expect(api.requests).toHaveLength(sent);
    expect(session.status).toBe('active');
  });

  it('aborts a step in flight, leaves the nonce unspent and the session usable', async () => {
    const session = await createClient().startSession({ skill: SKILL, tenantUserId: 'u-42' });
    api.inject({ kind: 'delay', ms: 'infinite', endpoint: 'steps' });
    const controller = new AbortController();

    const pending = rejectionOf(session.submitStep('product_form', PRODUCT_FORM, { signal: controller.signal }));
    setTimeout(() => controller.abort(), 30);
    const error = await pending;

    expect(error).toMatchObject({ code: 'aborted', retryable: true });
    expect(session.status).toBe('active');
    await expect(session.submitStep('product_form', PRODUCT_FORM)).resolves.toMatchObject({ completed: false });
  });

  it('maps an abort with a custom reason to aborted as well', async () => {
    const session = await createClient().startSession({ skill: SKILL, tenantUserId: 'u-42' });
    api.inject({ kind: 'delay', ms: 'infinite', endpoint: 'steps' });
    const controller = new AbortController();

    const pending = rejectionOf(session.submitStep('product_form', PRODUCT_FORM, { signal: controller.signal }));
    setTimeout(() => controller.abort(new Error('user left the page')), 20);

    expect((await pending).code).toBe('aborted');
  });

  it('aborts an upload in flight: aborted, and the server never receives the file', async () => {
    const session = await createClient().startSession({ skill: SKILL, tenantUserId: 'u-42' });
    await session.submitStep('product_form', PRODUCT_FORM);
    await session.submitStep('kyc_documents', {});
    api.inject({ kind: 'delay', ms: 'infinite', endpoint: 'upload' });
    const controller = new AbortController();

    const pending = rejectionOf(session.upload(fileOf(200_000), { signal: controller.signal }));
    setTimeout(() => controller.abort(), 30);
    const error = await pending;

    expect(error.code).toBe('aborted');
    expect(api.sessions[0]!.uploads).toHaveLength(0);
    expect(api.requests.at(-1)).toMatchObject({ endpoint: 'upload', responseStatus: 0 });
    await expect(session.upload(fileOf(10))).resolves.toMatchObject({ status: 'UPLOAD_RECEIVED' });
  });

  it('aborts only the call it was given to, not the ones queued after it', async () => {
    const session = await createClient().startSession({ skill: SKILL, tenantUserId: 'u-42' });
    api.inject({ kind: 'delay', ms: 'infinite', endpoint: 'steps' });
    const controller = new AbortController();

    const aborted = rejectionOf(session.submitStep('product_form', PRODUCT_FORM, { signal: controller.signal }));
    const queued = session.submitStep('product_form', PRODUCT_FORM);
    setTimeout(() => controller.abort(), 20);

    expect((await aborted).code).toBe('aborted');
    await expect(queued).resolves.toMatchObject({ completed: false });
  });
});
