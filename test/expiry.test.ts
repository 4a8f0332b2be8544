import { describe, expect, it, vi } from 'vitest';
import { PRODUCT_FORM, SKILL, STEPS, createClient, fileOf, rejectionOf, setupMockApi, submitSteps, until, useFakeClock } from './helpers.js';

const { api } = setupMockApi();

const T0 = Date.UTC(2030, 0, 1, 9, 0, 0);
const MINUTE = 60_000;

/** A client on fake time that records every event, with its type. */
function recordingClient(overrides: Parameters<typeof createClient>[0] = {}) {
  const client = createClient(overrides);
  const events: { type: string; payload: unknown }[] = [];
  client.on('*', (type, payload) => events.push({ type, payload }));
  const types = () => events.map((e) => e.type);
  return { client, events, types };
}

describe('nonce expiry by the clock', () => {
  it('warns with nonce:expiring at ttl - nonceWarningMs, then emits session:expired at ttl and moves to expired', async () => {
    useFakeClock(T0);
    const { client, events, types } = recordingClient();
    const session = await client.startSession({ skill: SKILL, tenantUserId: 'u-42' });

    vi.advanceTimersByTime(25 * MINUTE - 1);
    expect(types()).not.toContain('nonce:expiring');
    vi.advanceTimersByTime(1);
    expect(events.at(-1)).toEqual({
      type: 'nonce:expiring',
      payload: { sessionId: session.id, expiresAt: T0 + 30 * MINUTE, msLeft: 5 * MINUTE },
    });
    expect(session.status).toBe('active');

    vi.advanceTimersByTime(5 * MINUTE - 1);
    expect(types()).not.toContain('session:expired');
    vi.advanceTimersByTime(1);
    expect(events.at(-1)).toEqual({ type: 'session:expired', payload: { sessionId: session.id } });
    expect(session.status).toBe('expired');
  });

  it('counts from the latest nonce: each step answer restarts the 30 minutes', async () => {
    useFakeClock(T0);
    const { client, types } = recordingClient();
    const session = await client.startSession({ skill: SKILL, tenantUserId: 'u-42' });

    vi.advanceTimersByTime(20 * MINUTE);
    await session.submitStep('product_form', PRODUCT_FORM);
    vi.advanceTimersByTime(24 * MINUTE);

    expect(types()).not.toContain('nonce:expiring');
    expect(session.expiresAt).toBe(T0 + 50 * MINUTE);
    vi.advanceTimersByTime(MINUTE);
    expect(types()).toContain('nonce:expiring');
    expect(session.status).toBe('active');
  });

  it('honours nonceTtlMs and nonceWarningMs', async () => {
    useFakeClock(T0);
    const { client, types } = recordingClient({ nonceTtlMs: 10_000, nonceWarningMs: 3_000 });
    const session = await client.startSession({ skill: SKILL, tenantUserId: 'u-42' });

    vi.advanceTimersByTime(7_000);
    expect(types()).toEqual(['session:created', 'nonce:expiring']);
    vi.advanceTimersByTime(3_000);
    expect(session.status).toBe('expired');
  });

  it('sends no warning when nonceWarningMs is 0', async () => {
    useFakeClock(T0);
    const { client, types } = recordingClient({ nonceWarningMs: 0 });
    await client.startSession({ skill: SKILL, tenantUserId: 'u-42' });

    vi.advanceTimersByTime(31 * MINUTE);

    expect(types()).toEqual(['session:created', 'session:expired']);
  });

  it('rejects submitStep after 30 minutes with nonce_expired and sends nothing', async () => {
    useFakeClock(T0);
    const session = await createClient().startSession({ skill: SKILL, tenantUserId: 'u-42' });
    vi.advanceTimersByTime(30 * MINUTE);

    const error = await rejectionOf(session.submitStep('product_form', PRODUCT_FORM));

    expect(error).toMatchObject({ code: 'nonce_expired', retryable: false });
    expect(api.requests).toHaveLength(1);
  });

  it('fails fast on a clock that jumped past expiry before any timer fired (a phone waking up)', async () => {
    let now = T0;
    const { client, types } = recordingClient({ now: () => now });
    const session = await client.startSession({ skill: SKILL, tenantUserId: 'u-42' });
    await session.submitStep('product_form', PRODUCT_FORM);
    const sent = api.requests.length;
    now += 30 * MINUTE + 1;

    const error = await rejectionOf(session.submitStep('kyc_documents', {}));

    expect(error.code).toBe('nonce_expired');
    expect(session.status).toBe('expired');
    expect(types()).toContain('session:expired');
    expect(api.requests).toHaveLength(sent);
  });

  it('rejects an upload with an expired nonce with nonce_expired and sends nothing', async () => {
    let now = T0;
    const session = await createClient({ now: () => now }).startSession({ skill: SKILL, tenantUserId: 'u-42' });
    await session.submitStep('product_form', PRODUCT_FORM);
    const sent = api.requests.length;
    now += 31 * MINUTE;

    expect((await rejectionOf(session.upload(fileOf(10)))).code).toBe('nonce_expired');
    expect(api.requests).toHaveLength(sent);
  });

  it('fires no expiry event for a session that completed', async () => {
    useFakeClock(T0);
    const { client, types } = recordingClient();
    const session = await client.startSession({ skill: SKILL, tenantUserId: 'u-42' });
    await submitSteps(session, STEPS);

    vi.advanceTimersByTime(60 * MINUTE);

    expect(session.status).toBe('completed');
    expect(types()).not.toContain('nonce:expiring');
    expect(types()).not.toContain('session:expired');
  });
});

describe('nonce expiry by the server', () => {
  it('moves the session to expired with session:expired when the server answers 401 expired_nonce', async () => {
    const { client, types } = recordingClient();
    const session = await client.startSession({ skill: SKILL, tenantUserId: 'u-42' });
    api.clock.advance(31 * MINUTE);

    const error = await rejectionOf(session.submitStep('product_form', PRODUCT_FORM));

    // One condition, one code: the server's word is kept in apiCode.
    expect(error).toMatchObject({ code: 'nonce_expired', apiCode: 'expired_nonce', apiType: 'unauthorized', status: 401, retryable: false });
    expect(session.status).toBe('expired');
    expect(types()).toContain('session:expired');
  });

  it('sends nothing more once the server said the nonce expired', async () => {
    const session = await createClient().startSession({ skill: SKILL, tenantUserId: 'u-42' });
    api.clock.advance(31 * MINUTE);
    await rejectionOf(session.submitStep('product_form', PRODUCT_FORM));
    const sent = api.requests.length;

    expect((await rejectionOf(session.submitStep('product_form', PRODUCT_FORM))).code).toBe('nonce_expired');
    expect(api.requests).toHaveLength(sent);
  });
});

describe('nonce expiry while a call is out', () => {
  it('sends no retry once a Retry-After wait has outlived the nonce: nonce_expired, nothing more sent', async () => {
    const clock = useFakeClock(T0);
    const client = createClient({ nonceTtlMs: 5_000, nonceWarningMs: 0 });
    const session = await client.startSession({ skill: SKILL, tenantUserId: 'u-42' });
    api.inject({ kind: 'status', status: 503, retryAfter: 10, endpoint: 'steps' });

    const outcome = rejectionOf(session.submitStep('product_form', PRODUCT_FORM));
    await clock.timerSet(10_000);
    await vi.advanceTimersByTimeAsync(10_000);
    const error = await outcome;

    expect(error.code).toBe('nonce_expired');
    expect(session.status).toBe('expired');
    expect(api.requests.filter((r) => r.endpoint === 'steps')).toHaveLength(1);
  });

  it("lets the last step complete when the nonce's time runs out while the server works on it: completed, never expired", async () => {
    useFakeClock(T0);
    const onTempToken = vi.fn();
    const { client, types } = recordingClient({ nonceTtlMs: 10_000, nonceWarningMs: 0, onTempToken });
    const session = await client.startSession({ skill: SKILL, tenantUserId: 'u-42' });
    await submitSteps(session, STEPS.slice(0, 3));
    // The server answers the last step 20 s after it arrives; the SDK's expiry timer fires at 10 s meanwhile.
    api.inject({ kind: 'delay', ms: 20_000, endpoint: 'steps', step: 'confirm' });

    const last = session.submitStep('confirm', {});
    await until(() => api.requests.at(-1)?.step === 'confirm');
    await vi.advanceTimersByTimeAsync(20_000);

    await expect(last).resolves.toMatchObject({ completed: true });
    expect(session.status).toBe('completed');
    expect(types()).not.toContain('session:expired');
    expect(onTempToken).toHaveBeenCalledTimes(1);
  });
});
