import { describe, expect, it, vi } from 'vitest';
import { PRODUCT_FORM, SKILL, createClient, fileOf, nonceRequests, rejectionOf, setupMockApi, until, useFakeClock } from './helpers.js';

// Time is fake wherever a test is about how long something takes: the SDK's
// deadline and the kit's delayed answer both run on the same fake setTimeout,
// so "answered 1 ms before the deadline" means exactly that, however loaded
// the machine is. A call is aborted only once the kit has received it, so the
// abort always lands while the call is in flight.
const { api } = setupMockApi();

const T0 = Date.UTC(2030, 0, 1, 12, 0, 0);

/** Lets fake time pass, running the timers and the I/O they unblock. */
const pass = (ms: number) => vi.advanceTimersByTimeAsync(ms);

/** Resolves once the kit has received `n` requests to `endpoint`. */
const received = (endpoint: 'sessions' | 'steps' | 'upload', n = 1) =>
  until(() => api.requests.filter((r) => r.endpoint === endpoint).length >= n);

/** Tracks whether `promise` has settled, without handling its rejection for the caller. */
function watch<T>(promise: Promise<T>) {
  const state = { settled: false };
  promise.then(
    () => (state.settled = true),
    () => (state.settled = true),
  );
  return state;
}

describe('timeoutMs', () => {
  it('fails a hung step with a retryable timeout once timeoutMs has passed, not before, and the step can be sent again', async () => {
    useFakeClock(T0);
    const session = await createClient({ timeoutMs: 5_000 }).startSession({ skill: SKILL, tenantUserId: 'u-42' });
    api.inject({ kind: 'delay', ms: 'infinite', endpoint: 'steps' });

    const outcome = rejectionOf(session.submitStep('product_form', PRODUCT_FORM));
    const call = watch(outcome);
    await received('steps');
    await pass(4_999);
    expect(call.settled).toBe(false);
    await pass(1);
    const error = await outcome;

    expect(error).toMatchObject({ code: 'timeout', retryable: true });
    expect(session.status).toBe('active');
    await expect(session.submitStep('product_form', PRODUCT_FORM)).resolves.toMatchObject({ completed: false });
    const [hung, again] = nonceRequests(api);
    expect(again!.nonce).toBe(hung!.nonce);
  });

  it('fails a hung session creation with timeout and creates nothing', async () => {
    useFakeClock(T0);
    api.inject({ kind: 'delay', ms: 'infinite', endpoint: 'sessions' });

    const outcome = rejectionOf(createClient({ timeoutMs: 5_000 }).startSession({ skill: SKILL, tenantUserId: 'u-42' }));
    await received('sessions');
    await pass(5_000);

    expect((await outcome).code).toBe('timeout');
    expect(api.sessions).toHaveLength(0);
  });

  it('lets an answer that comes 1 ms before timeoutMs through', async () => {
    useFakeClock(T0);
    api.inject({ kind: 'delay', ms: 1_999, endpoint: 'sessions' });

    const pending = createClient({ timeoutMs: 2_000 }).startSession({ skill: SKILL, tenantUserId: 'u-42' });
    await received('sessions');
    await pass(1_999);

    await expect(pending).resolves.toMatchObject({ status: 'active' });
  });

  it('times uploads out after uploadTimeoutMs, not timeoutMs', async () => {
    useFakeClock(T0);
    const session = await createClient({ timeoutMs: 1_000, uploadTimeoutMs: 5_000 }).startSession({ skill: SKILL, tenantUserId: 'u-42' });
    await session.submitStep('product_form', PRODUCT_FORM);
    await session.submitStep('kyc_documents', {});

    // Well past timeoutMs, within uploadTimeoutMs: received.
    api.inject({ kind: 'delay', ms: 4_999, endpoint: 'upload' });
    const slow = session.upload(fileOf(10));
    await received('upload');
    await pass(4_999);
    await expect(slow).resolves.toMatchObject({ status: 'UPLOAD_RECEIVED' });

    // No answer at all: a timeout at uploadTimeoutMs.
    api.inject({ kind: 'delay', ms: 'infinite', endpoint: 'upload' });
    const outcome = rejectionOf(session.upload(fileOf(10)));
    const call = watch(outcome);
    await received('upload', 2);
    await pass(4_999);
    expect(call.settled).toBe(false);
    await pass(1);

    expect((await outcome).code).toBe('timeout');
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
    await received('sessions');
    controller.abort();

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
    await received('steps');
    controller.abort();
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
    await received('steps');
    controller.abort(new Error('user left the page'));

    expect((await pending).code).toBe('aborted');
  });

  it('aborts an upload in flight: aborted, and the server never receives the file', async () => {
    const session = await createClient().startSession({ skill: SKILL, tenantUserId: 'u-42' });
    await session.submitStep('product_form', PRODUCT_FORM);
    await session.submitStep('kyc_documents', {});
    api.inject({ kind: 'delay', ms: 'infinite', endpoint: 'upload' });
    const controller = new AbortController();

    const pending = rejectionOf(session.upload(fileOf(200_000), { signal: controller.signal }));
    await received('upload');
    controller.abort();
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
    await received('steps');
    controller.abort();

    expect((await aborted).code).toBe('aborted');
    await expect(queued).resolves.toMatchObject({ completed: false });
  });

  it('rejects a call still waiting for its turn at once with aborted, without waiting for the call ahead of it', async () => {
    useFakeClock(T0);
    const session = await createClient().startSession({ skill: SKILL, tenantUserId: 'u-42' });
    // The call ahead is answered only when the test lets fake time pass.
    api.inject({ kind: 'delay', ms: 1_000, endpoint: 'steps' });
    const ahead = session.submitStep('product_form', PRODUCT_FORM);
    const first = watch(ahead);
    const controller = new AbortController();

    const waiting = session.submitStep('kyc_documents', {}, { signal: controller.signal });
    controller.abort();
    const error = await rejectionOf(waiting);

    expect(error.code).toBe('aborted');
    expect(first.settled).toBe(false);
    await received('steps');
    await pass(1_000);
    await ahead;
    await expect(session.submitStep('kyc_documents', {})).resolves.toMatchObject({ completed: false });
  });
});
