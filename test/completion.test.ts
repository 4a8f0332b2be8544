import { describe, expect, it, vi } from 'vitest';
import { SKILL, STEPS, createClient, fileOf, rejectionOf, setupMockApi, submitSteps } from './helpers.js';

const { api, use } = setupMockApi();

describe('completion', () => {
  it('resolves the last step with completed true and status completed', async () => {
    const session = await createClient().startSession({ skill: SKILL, tenantUserId: 'u-42' });
    await submitSteps(session, STEPS.slice(0, -1));

    const last = await session.submitStep('confirm', { accept: true });

    expect(last).toMatchObject({ completed: true, status: 'SESSION_COMPLETED', handedOff: true });
    expect(last.stepId).toBe(api.sessions[0]!.stepIds.at(-1));
    expect(session.status).toBe('completed');
    expect(session.handoffPending).toBe(false);
  });

  it('calls onTempToken exactly once with the issued token and the session info', async () => {
    const onTempToken = vi.fn();
    const session = await createClient({ onTempToken }).startSession({ skill: SKILL, tenantUserId: 'u-42' });

    await submitSteps(session, STEPS);

    expect(api.issuedTempTokens).toHaveLength(1);
    expect(onTempToken).toHaveBeenCalledTimes(1);
    expect(onTempToken).toHaveBeenCalledWith(api.issuedTempTokens[0], {
      sessionId: session.id,
      skill: SKILL,
      stepId: api.sessions[0]!.stepIds.at(-1),
    });
  });

  it('waits for an async onTempToken before resolving the last step', async () => {
    const order: string[] = [];
    const onTempToken = vi.fn(async () => {
      await new Promise((resolve) => setTimeout(resolve, 10));
      order.push('handed off');
    });
    const session = await createClient({ onTempToken }).startSession({ skill: SKILL, tenantUserId: 'u-42' });

    await submitSteps(session, STEPS);
    order.push('resolved');

    expect(order).toEqual(['handed off', 'resolved']);
  });

  it('recognises completion by temp_token even when the last answer also carries a nonce', async () => {
    use({ lastStepNonce: true });
    const onTempToken = vi.fn();
    const session = await createClient({ onTempToken }).startSession({ skill: 'single_step_#1.0', tenantUserId: 'u-42' });

    const last = await session.submitStep('only', {});

    expect(last.completed).toBe(true);
    expect(session.status).toBe('completed');
    expect(onTempToken).toHaveBeenCalledTimes(1);
  });

  it('rejects a later submitStep with session_completed and sends nothing', async () => {
    const session = await createClient().startSession({ skill: SKILL, tenantUserId: 'u-42' });
    await submitSteps(session, STEPS);
    const sent = api.requests.length;

    const error = await rejectionOf(session.submitStep('confirm', {}));

    expect(error.code).toBe('session_completed');
    expect(error.retryable).toBe(false);
    expect(api.requests).toHaveLength(sent);
  });

  it('rejects a later upload with session_completed and sends nothing', async () => {
    const session = await createClient().startSession({ skill: SKILL, tenantUserId: 'u-42' });
    await submitSteps(session, STEPS);
    const sent = api.requests.length;

    const error = await rejectionOf(session.upload(fileOf(10)));

    expect(error.code).toBe('session_completed');
    expect(api.requests).toHaveLength(sent);
  });

  it('never calls onTempToken for a step that did not complete the session', async () => {
    const onTempToken = vi.fn();
    const session = await createClient({ onTempToken }).startSession({ skill: SKILL, tenantUserId: 'u-42' });

    await submitSteps(session, STEPS.slice(0, -1));

    expect(onTempToken).not.toHaveBeenCalled();
  });
});
