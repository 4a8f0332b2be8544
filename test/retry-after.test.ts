import { describe, expect, it, vi } from 'vitest';
import {
  PRODUCT_FORM,
  SKILL,
  bytesOf,
  createClient,
  fileOf,
  nonceRequests,
  recordedFile,
  rejectionOf,
  setupMockApi,
  useFakeClock,
} from './helpers.js';

const { api } = setupMockApi();

/** A whole second, so an HTTP date (second precision) names an exact wait. */
const T0 = Date.UTC(2030, 0, 1, 12, 0, 0);

/**
 * Lets fake time pass, running the timers and the I/O they unblock. Tests move
 * the clock only once the SDK has set the timer of the wait the server asked
 * for (`clock.timerSet(ms)`), never on the wording of a log line.
 */
const pass = (ms: number) => vi.advanceTimersByTimeAsync(ms);

describe('429 and 503 with Retry-After', () => {
  it('retries session creation after the seconds a 503 asks for, transparently', async () => {
    const clock = useFakeClock(T0);
    api.inject({ kind: 'status', status: 503, retryAfter: 2, endpoint: 'sessions' });

    const pending = createClient().startSession({ skill: SKILL, tenantUserId: 'u-42' });
    await clock.timerSet(2_000);
    await pass(1_999);
    expect(api.requests).toHaveLength(1);
    await pass(1);

    const session = await pending;
    expect(session.id).toBe(api.sessions[0]!.id);
    expect(api.requests.map((r) => r.responseStatus)).toEqual([503, 200]);
  });

  it('retries a step after a 429 with the same nonce, and resolves as if nothing happened', async () => {
    const clock = useFakeClock(T0);
    const session = await createClient().startSession({ skill: SKILL, tenantUserId: 'u-42' });
    api.inject({ kind: 'status', status: 429, retryAfter: 1, endpoint: 'steps' });

    const pending = session.submitStep('product_form', PRODUCT_FORM);
    await clock.timerSet(1_000);
    await pass(1_000);
    const result = await pending;

    expect(result.completed).toBe(false);
    const [limited, retried] = nonceRequests(api);
    expect(limited!.responseStatus).toBe(429);
    expect(retried!.responseStatus).toBe(200);
    expect(retried!.nonce).toBe(limited!.nonce);
    expect(session.status).toBe('active');
  });

  it('honours Retry-After given as an HTTP date', async () => {
    const clock = useFakeClock(T0);
    const session = await createClient().startSession({ skill: SKILL, tenantUserId: 'u-42' });
    api.inject({ kind: 'status', status: 503, retryAfter: new Date(T0 + 3_000).toUTCString(), endpoint: 'steps' });

    const pending = session.submitStep('product_form', PRODUCT_FORM);
    await clock.timerSet(3_000);
    await pass(2_999);
    expect(nonceRequests(api)).toHaveLength(1);
    await pass(1);

    await expect(pending).resolves.toMatchObject({ completed: false });
    expect(nonceRequests(api).map((r) => r.responseStatus)).toEqual([503, 200]);
  });

  it('retries at once when the HTTP date is already past', async () => {
    // Real time: a wait of 0 ms ends by itself, where a fake one would need the clock moved at the right moment.
    api.inject({ kind: 'status', status: 503, retryAfter: new Date(Date.now() - 60_000).toUTCString(), endpoint: 'sessions' });

    await expect(createClient().startSession({ skill: SKILL, tenantUserId: 'u-42' })).resolves.toMatchObject({ status: 'active' });

    expect(api.requests.map((r) => r.responseStatus)).toEqual([503, 200]);
  });

  it('retries an upload with a fresh multipart body, the bytes intact', async () => {
    const clock = useFakeClock(T0);
    const session = await createClient().startSession({ skill: SKILL, tenantUserId: 'u-42' });
    await session.submitStep('product_form', PRODUCT_FORM);
    await session.submitStep('kyc_documents', {});
    api.inject({ kind: 'status', status: 503, retryAfter: 1, endpoint: 'upload' });
    const file = fileOf(50_000, 'scan.pdf', 'application/pdf');

    const pending = session.upload(file);
    await clock.timerSet(1_000);
    await pass(1_000);
    await pending;

    const [, , limited, retried] = nonceRequests(api);
    expect(limited!.responseStatus).toBe(503);
    expect(retried!.responseStatus).toBe(200);
    expect(retried!.nonce).toBe(limited!.nonce);
    expect(await bytesOf(recordedFile(retried).blob)).toEqual(await bytesOf(file));
  });

  it('gives up after retry.limit retries with the last status and its retryAfterMs', async () => {
    const clock = useFakeClock(T0);
    const session = await createClient({ retry: { limit: 2 } }).startSession({ skill: SKILL, tenantUserId: 'u-42' });
    api.inject({ kind: 'status', status: 503, retryAfter: 1, endpoint: 'steps', times: Infinity });

    const outcome = rejectionOf(session.submitStep('product_form', PRODUCT_FORM));
    for (const n of [1, 2]) {
      await clock.timerSet(1_000, n);
      await pass(1_000);
    }
    const error = await outcome;

    expect(error).toMatchObject({ code: 'external_api_connection_error', status: 503, retryAfterMs: 1_000, retryable: true });
    expect(nonceRequests(api)).toHaveLength(3);
    expect(session.status).toBe('active');
  });

  it('does not retry at all with retry.limit 0', async () => {
    const client = createClient({ retry: { limit: 0 } });
    api.inject({ kind: 'status', status: 429, retryAfter: 0, endpoint: 'sessions' });

    const error = await rejectionOf(client.startSession({ skill: SKILL, tenantUserId: 'u-42' }));

    expect(error).toMatchObject({ status: 429, retryAfterMs: 0 });
    expect(api.requests).toHaveLength(1);
  });

  it('does not wait for a Retry-After above retry.maxRetryAfterMs, and reports it on the error', async () => {
    useFakeClock(T0);
    const session = await createClient({ retry: { maxRetryAfterMs: 5_000 } }).startSession({ skill: SKILL, tenantUserId: 'u-42' });
    api.inject({ kind: 'status', status: 429, retryAfter: 60, endpoint: 'steps' });

    // No fake time passes: the rejection must not depend on a timer.
    const error = await rejectionOf(session.submitStep('product_form', PRODUCT_FORM));

    expect(error).toMatchObject({ status: 429, retryAfterMs: 60_000 });
    expect(nonceRequests(api)).toHaveLength(1);
  });

  it('stops waiting and rejects with aborted when the signal aborts during the wait', async () => {
    const clock = useFakeClock(T0);
    const session = await createClient().startSession({ skill: SKILL, tenantUserId: 'u-42' });
    api.inject({ kind: 'status', status: 503, retryAfter: 5, endpoint: 'steps' });
    const controller = new AbortController();

    const outcome = rejectionOf(session.submitStep('product_form', PRODUCT_FORM, { signal: controller.signal }));
    await clock.timerSet(5_000);
    await pass(1_000);
    controller.abort();
    const error = await outcome;
    await pass(10_000);

    expect(error.code).toBe('aborted');
    expect(nonceRequests(api)).toHaveLength(1);
    expect(session.status).toBe('active');
    await expect(session.submitStep('product_form', PRODUCT_FORM)).resolves.toMatchObject({ completed: false });
  });

  it('stops waiting on session creation too when its signal aborts', async () => {
    const clock = useFakeClock(T0);
    api.inject({ kind: 'status', status: 429, retryAfter: 5, endpoint: 'sessions' });
    const controller = new AbortController();

    const outcome = rejectionOf(createClient().startSession({ skill: SKILL, tenantUserId: 'u-42', signal: controller.signal }));
    await clock.timerSet(5_000);
    await pass(100);
    controller.abort();

    expect((await outcome).code).toBe('aborted');
    await pass(10_000);
    expect(api.requests).toHaveLength(1);
  });
});
