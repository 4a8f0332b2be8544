import { describe, expect, it, vi } from 'vitest';
import { SKILL, STEPS, createClient, fileOf, rejectionOf, setupMockApi, submitSteps } from './helpers.js';

const { api } = setupMockApi();

describe('events', () => {
  it("delivers every event to a '*' listener as (type, payload), in order", async () => {
    const client = createClient();
    const seen: [string, unknown][] = [];
    client.on('*', (type, payload) => seen.push([type, payload]));

    const session = await client.startSession({ skill: SKILL, tenantUserId: 'u-42' });
    await submitSteps(session, STEPS.slice(0, 2));
    await session.upload(fileOf(64, 'id.jpg'));
    await submitSteps(session, STEPS.slice(2));

    const types = seen.map(([type]) => type);
    expect(types[0]).toBe('session:created');
    expect(types.filter((t) => t === 'step:submitted')).toHaveLength(STEPS.length);
    expect(types).toContain('upload:progress');
    expect(types).toContain('upload:completed');
    expect(types.indexOf('upload:completed')).toBeLessThan(types.lastIndexOf('step:submitted'));
    expect(types.indexOf('session:completed')).toBeGreaterThan(types.lastIndexOf('step:submitted'));
    expect(seen[0]).toEqual(['session:created', { sessionId: session.id, skill: SKILL }]);
    expect(seen.find(([type]) => type === 'upload:completed')![1]).toMatchObject({
      sessionId: session.id,
      stepId: api.sessions[0]!.stepIds[1],
      fileName: 'id.jpg',
      size: 64,
      type: 'image/jpeg',
    });
  });

  it('describes each accepted step in step:submitted', async () => {
    const client = createClient();
    const submitted = vi.fn();
    client.on('step:submitted', submitted);
    const session = await client.startSession({ skill: SKILL, tenantUserId: 'u-42' });

    const result = await session.submitStep('product_form', {});

    expect(submitted).toHaveBeenCalledTimes(1);
    expect(submitted).toHaveBeenCalledWith(
      expect.objectContaining({ sessionId: session.id, step: 'product_form', stepId: result.stepId, status: 'SESSION_IN_PROGRESS', completed: false, index: 0 }),
    );
  });

  it('stops calling a listener once its unsubscribe function was called', async () => {
    const client = createClient();
    const listener = vi.fn();
    const wildcard = vi.fn();
    const off = client.on('step:submitted', listener);
    const offAll = client.on('*', wildcard);
    const session = await client.startSession({ skill: SKILL, tenantUserId: 'u-42' });
    await session.submitStep('product_form', {});
    const wildcardCalls = wildcard.mock.calls.length;

    off();
    offAll();
    await session.submitStep('kyc_documents', {});

    expect(listener).toHaveBeenCalledTimes(1);
    expect(wildcard).toHaveBeenCalledTimes(wildcardCalls);
  });

  it('keeps the flow going when a listener throws', async () => {
    const onTempToken = vi.fn();
    const client = createClient({ onTempToken });
    const after = vi.fn();
    client.on('*', () => {
      throw new Error('listener bug');
    });
    client.on('step:submitted', () => {
      throw new Error('another listener bug');
    });
    client.on('step:submitted', after);

    const session = await client.startSession({ skill: SKILL, tenantUserId: 'u-42' });
    await submitSteps(session, STEPS);

    expect(session.status).toBe('completed');
    expect(onTempToken).toHaveBeenCalledTimes(1);
    expect(after).toHaveBeenCalledTimes(STEPS.length);
  });

  it('emits error with the operation and the same error the call rejected with', async () => {
    const client = createClient();
    const errors = vi.fn();
    client.on('error', errors);
    const session = await client.startSession({ skill: SKILL, tenantUserId: 'u-42' });

    const error = await rejectionOf(session.submitStep('confirm', {}));

    expect(errors).toHaveBeenCalledTimes(1);
    expect(errors).toHaveBeenCalledWith({ sessionId: session.id, operation: 'submitStep', error });
  });

  it('emits error for a failed startSession without a session id', async () => {
    const client = createClient();
    const errors = vi.fn();
    client.on('error', errors);

    const error = await rejectionOf(client.startSession({ skill: 'unknown_#1', tenantUserId: 'u-42' }));

    expect(errors).toHaveBeenCalledWith({ sessionId: undefined, operation: 'startSession', error });
  });

  it('emits session:completed once, after the last step:submitted', async () => {
    const client = createClient();
    const completed = vi.fn();
    client.on('session:completed', completed);
    const session = await client.startSession({ skill: SKILL, tenantUserId: 'u-42' });

    await submitSteps(session, STEPS);

    expect(completed).toHaveBeenCalledTimes(1);
    expect(completed).toHaveBeenCalledWith({ sessionId: session.id, skill: SKILL });
  });
});
