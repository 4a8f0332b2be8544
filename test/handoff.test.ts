import { describe, expect, it, vi, type Mock } from 'vitest';
import type { HandoffInfo, OnboardingEvents } from '../src/index.js';
import { SKILL, STEPS, createClient, rejectionOf, setupMockApi, submitSteps } from './helpers.js';

const { api } = setupMockApi();

/** An onTempToken that fails the first `failures` times, then succeeds. */
function flakyHandoff(failures: number, fail: (token: string) => never = () => { throw new Error('backend unavailable'); }) {
  let calls = 0;
  return vi.fn(async (token: string) => {
    calls += 1;
    if (calls <= failures) fail(token);
  });
}

async function completedWith(onTempToken: Mock<(token: string, info: HandoffInfo) => void | Promise<void>>) {
  const client = createClient({ onTempToken });
  const errors: OnboardingEvents['error'][] = [];
  client.on('error', (e) => errors.push(e));
  const session = await client.startSession({ skill: SKILL, tenantUserId: 'u-42' });
  await submitSteps(session, STEPS.slice(0, -1));
  const last = await session.submitStep('confirm', {});
  return { client, session, last, errors };
}

describe('retryHandoff', () => {
  it('keeps the token when onTempToken rejects: the step resolves, error handoff_failed is emitted, the session is completed', async () => {
    const onTempToken = flakyHandoff(1);

    const { session, last, errors } = await completedWith(onTempToken);

    expect(last).toMatchObject({ completed: true, handedOff: false });
    expect(session.status).toBe('completed');
    expect(session.handoffPending).toBe(true);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ sessionId: session.id, operation: 'handoff', error: { code: 'handoff_failed', retryable: true } });
    expect(onTempToken).toHaveBeenCalledTimes(1);
  });

  it('calls onTempToken again with the same token and info, then never again', async () => {
    const onTempToken = flakyHandoff(1);
    const { session, client } = await completedWith(onTempToken);
    const delivered = vi.fn();
    client.on('handoff:completed', delivered);

    await session.retryHandoff();

    expect(onTempToken).toHaveBeenCalledTimes(2);
    expect(onTempToken.mock.calls[1]).toEqual(onTempToken.mock.calls[0]);
    expect(onTempToken.mock.calls[1]![0]).toBe(api.issuedTempTokens[0]);
    expect(session.handoffPending).toBe(false);
    expect(delivered).toHaveBeenCalledWith({ sessionId: session.id });

    await session.retryHandoff();
    expect(onTempToken).toHaveBeenCalledTimes(2);
  });

  it('handles an onTempToken that throws synchronously the same way', async () => {
    let calls = 0;
    const onTempToken = vi.fn((_token: string) => {
      calls += 1;
      if (calls === 1) throw new TypeError('fetch is not a function');
    });

    const { session, last } = await completedWith(onTempToken);
    expect(last.handedOff).toBe(false);
    expect(session.handoffPending).toBe(true);

    const retried = await session.retryHandoff().then(
      () => 'delivered',
      (error: Error) => `rejected: ${error.message}`,
    );

    expect(onTempToken).toHaveBeenCalledTimes(2);
    expect(retried).toBe('delivered');
    expect(session.handoffPending).toBe(false);
  });

  it('rejects with handoff_failed when the retry fails too, and keeps the token for another try', async () => {
    const onTempToken = flakyHandoff(2);
    const { session } = await completedWith(onTempToken);

    const error = await rejectionOf(session.retryHandoff());
    expect(error).toMatchObject({ code: 'handoff_failed', retryable: true });
    expect(session.handoffPending).toBe(true);

    await session.retryHandoff();
    expect(onTempToken).toHaveBeenCalledTimes(3);
    expect(new Set(onTempToken.mock.calls.map(([token]) => token)).size).toBe(1);
  });

  it('calls onTempToken once for concurrent retryHandoff calls', async () => {
    const onTempToken = flakyHandoff(1);
    const { session } = await completedWith(onTempToken);

    await Promise.all([session.retryHandoff(), session.retryHandoff(), session.retryHandoff()]);

    expect(onTempToken).toHaveBeenCalledTimes(2);
  });

  it('does not call onTempToken again after a first successful handoff', async () => {
    const onTempToken = vi.fn();
    const { session, last } = await completedWith(onTempToken);

    expect(last.handedOff).toBe(true);
    await session.retryHandoff();

    expect(onTempToken).toHaveBeenCalledTimes(1);
  });

  it('delivers once when onTempToken itself calls retryHandoff(): the call joins the delivery in progress', async () => {
    let session: Awaited<ReturnType<ReturnType<typeof createClient>['startSession']>> | undefined;
    let joined: Promise<void> | undefined;
    const onTempToken = vi.fn(() => {
      joined = session!.retryHandoff();
    });
    session = await createClient({ onTempToken }).startSession({ skill: SKILL, tenantUserId: 'u-42' });

    await submitSteps(session, STEPS);

    await expect(joined).resolves.toBeUndefined();
    expect(onTempToken).toHaveBeenCalledTimes(1);
    expect(session.handoffPending).toBe(false);
  });

  it('rejects retryHandoff before completion with invalid_state', async () => {
    const onTempToken = vi.fn();
    const session = await createClient({ onTempToken }).startSession({ skill: SKILL, tenantUserId: 'u-42' });
    await session.submitStep('product_form', {});

    const error = await rejectionOf(session.retryHandoff());

    expect(error.code).toBe('invalid_state');
    expect(onTempToken).not.toHaveBeenCalled();
  });

  it('keeps the token out of the handoff_failed error even when onTempToken puts it in its own message', async () => {
    const onTempToken = flakyHandoff(1, (token) => {
      throw new Error(`backend refused temp token ${token}`);
    });

    const { errors } = await completedWith(onTempToken);

    const token = api.issuedTempTokens[0]!;
    const error = errors[0]!.error;
    expect(error.message).not.toContain(token);
    expect(JSON.stringify(error)).not.toContain(token);
    expect(String((error.cause as Error | undefined)?.message)).not.toContain(token);
  });
});
