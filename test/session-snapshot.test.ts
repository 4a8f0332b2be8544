import { describe, expect, it, vi } from 'vitest';
import { defineSkill, type OnboardingSessionSnapshot } from '../src/index.js';
import { PRODUCT_FORM, SKILL, STEPS, createClient, fileOf, rejectionOf, setupMockApi, submitSteps, useFakeClock } from './helpers.js';

const { api } = setupMockApi();

const T0 = Date.UTC(2030, 0, 1, 9, 0, 0);
const MINUTE = 60_000;
const passthrough = { '~standard': { version: 1 as const, vendor: 'test', validate: (value: unknown) => ({ value: value as Record<string, unknown> }) } };
const kyc = defineSkill(SKILL, {
  steps: { product_form: passthrough, kyc_documents: passthrough, bank_redirect: passthrough, confirm: passthrough },
});

/** Subscribes and keeps every snapshot a notification saw. */
function watch(session: { subscribe(l: () => void): () => void; getSnapshot(): OnboardingSessionSnapshot }) {
  const seen: OnboardingSessionSnapshot[] = [];
  const off = session.subscribe(() => seen.push(session.getSnapshot()));
  return { seen, off };
}

describe('getSnapshot()', () => {
  it('describes a new session: active, at the first step, with its expiry and no handoff yet', async () => {
    useFakeClock(T0);
    const session = await createClient().startSession({ skill: kyc, tenantUserId: 'u-42' });

    expect(session.getSnapshot()).toEqual({
      status: 'active',
      currentStep: 'product_form',
      stepIndex: 0,
      totalSteps: 4,
      completedSteps: [],
      lastStepId: undefined,
      expiresAt: T0 + 30 * MINUTE,
      expiring: false,
      handoff: 'none',
      uploads: 0,
      uploadsRequired: 0,
    });
  });

  it('returns the same frozen object until something changes, then a new one', async () => {
    const session = await createClient().startSession({ skill: kyc, tenantUserId: 'u-42' });
    const first = session.getSnapshot();

    expect(session.getSnapshot()).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
    const step = await session.submitStep('product_form', PRODUCT_FORM);

    const second = session.getSnapshot();
    expect(second).not.toBe(first);
    expect(second).toMatchObject({ stepIndex: 1, currentStep: 'kyc_documents', lastStepId: step.stepId, completedSteps: ['product_form'] });
    expect(first.stepIndex).toBe(0);
  });

  it('counts the uploads accepted for the last step, from zero again after the next step', async () => {
    const session = await createClient().startSession({ skill: SKILL, tenantUserId: 'u-42' });
    await submitSteps(session, ['product_form', 'kyc_documents']);
    await session.upload(fileOf(100));
    await session.upload(fileOf(100, 'selfie.jpg'));

    expect(session.getSnapshot().uploads).toBe(2);
    await session.submitStep('bank_redirect', {});
    expect(session.getSnapshot().uploads).toBe(0);
  });
});

describe('subscribe()', () => {
  it('notifies once per accepted step and once per upload, with the snapshot already updated', async () => {
    const session = await createClient().startSession({ skill: SKILL, tenantUserId: 'u-42' });
    const { seen } = watch(session);

    await submitSteps(session, ['product_form', 'kyc_documents']);
    await session.upload(fileOf(100));

    expect(seen.map((s) => [s.stepIndex, s.uploads])).toEqual([
      [1, 0],
      [2, 0],
      [2, 1],
    ]);
  });

  it('follows the handoff through pending, delivering and delivered on completion', async () => {
    const session = await createClient().startSession({ skill: SKILL, tenantUserId: 'u-42' });
    await submitSteps(session, STEPS.slice(0, -1));
    const { seen } = watch(session);

    const last = await session.submitStep('confirm', {});

    expect(last).toMatchObject({ completed: true, handedOff: true });
    expect(seen.map((s) => [s.status, s.handoff])).toEqual([
      ['completed', 'pending'],
      ['completed', 'delivering'],
      ['completed', 'delivered'],
    ]);
  });

  it('shows a failed handoff, and delivered after a successful retryHandoff()', async () => {
    let calls = 0;
    const onTempToken = vi.fn(async () => {
      if (++calls === 1) throw new Error('backend down');
    });
    const session = await createClient({ onTempToken }).startSession({ skill: SKILL, tenantUserId: 'u-42' });
    await submitSteps(session, STEPS.slice(0, -1));

    const last = await session.submitStep('confirm', {});
    expect(last.handedOff).toBe(false);
    expect(session.getSnapshot().handoff).toBe('failed');

    await session.retryHandoff();
    expect(session.getSnapshot().handoff).toBe('delivered');
    expect(onTempToken).toHaveBeenCalledTimes(2);
  });

  it('marks the nonce as expiring at the warning, then the session expired at its end', async () => {
    useFakeClock(T0);
    const session = await createClient().startSession({ skill: SKILL, tenantUserId: 'u-42' });
    const { seen } = watch(session);

    vi.advanceTimersByTime(25 * MINUTE);
    expect(seen.at(-1)).toMatchObject({ status: 'active', expiring: true });
    vi.advanceTimersByTime(5 * MINUTE);
    expect(seen.at(-1)).toMatchObject({ status: 'expired' });
    expect(seen).toHaveLength(2);
  });

  it('stops notifying after the unsubscribe function is called', async () => {
    const session = await createClient().startSession({ skill: SKILL, tenantUserId: 'u-42' });
    const { seen, off } = watch(session);
    off();

    await session.submitStep('product_form', PRODUCT_FORM);
    expect(seen).toHaveLength(0);
  });

  it('keeps the flow going when a subscriber throws', async () => {
    const session = await createClient().startSession({ skill: SKILL, tenantUserId: 'u-42' });
    const reportError = vi.fn();
    vi.stubGlobal('reportError', reportError);
    session.subscribe(() => {
      throw new Error('render bug');
    });

    const step = await session.submitStep('product_form', PRODUCT_FORM);

    expect(step.stepId).toBeTruthy();
    expect(session.stepIndex).toBe(1);
    expect(reportError).toHaveBeenCalledOnce();
    vi.unstubAllGlobals();
  });
});

describe('a session out of step with the server', () => {
  it('emits session:failed, shows failed, and rejects with session_failed keeping the API code in apiCode', async () => {
    const client = createClient();
    const failed = vi.fn();
    client.on('session:failed', failed);
    const session = await client.startSession({ skill: SKILL, tenantUserId: 'u-42' });
    api.inject({ kind: 'lost-response', endpoint: 'steps' });
    await rejectionOf(session.submitStep('product_form', PRODUCT_FORM));

    const error = await rejectionOf(session.submitStep('product_form', PRODUCT_FORM));

    expect(error).toMatchObject({ code: 'session_failed', apiCode: 'invalid_nonce', status: 401, retryable: false });
    expect(failed).toHaveBeenCalledExactlyOnceWith({ sessionId: session.id });
    expect(session.getSnapshot().status).toBe('failed');
  });
});
