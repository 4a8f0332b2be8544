/**
 * Careless inputs: data that cannot be sent as JSON (a BigInt, a cycle), a
 * blank user id, and a base URL carrying a password. These are the caller's
 * mistakes, found before anything is sent: `validation_error` (not a
 * retryable network error), and `invalid_config` that does not repeat the
 * password it refuses.
 */
import { describe, expect, it, vi } from 'vitest';
import { OnboardingClient, OnboardingError, isOnboardingError } from '../../src/index.js';
import { exchangeTempToken } from '../../src/server/index.js';
import { describeOutcome, settle, useServers } from './server.js';

const servers = useServers();

function client(): OnboardingClient {
  return new OnboardingClient({
    baseUrl: servers.hostile.baseUrl,
    clientId: 'local-client',
    clientAppKey: 'local-app-key-91b2c0',
    onTempToken: vi.fn(),
    timeoutMs: 3_000,
  });
}

async function expectValidationError(call: Promise<unknown>): Promise<void> {
  const outcome = await settle(call);
  expect(outcome.ok, `expected validation_error, but the call ${describeOutcome(outcome)}`).toBe(false);
  const error = (outcome as { error: OnboardingError }).error;
  expect(isOnboardingError(error), describeOutcome(outcome)).toBe(true);
  expect.soft(error.code, describeOutcome(outcome)).toBe('validation_error');
  expect.soft(error.retryable).toBe(false);
}

describe('step data that cannot be sent as JSON', () => {
  it('holding a BigInt rejects with validation_error (not retryable) and sends nothing', async () => {
    const session = await client().startSession({ skill: 'xyz_sbx_#3.0', tenantUserId: 'u-42' });
    await expectValidationError(session.submitStep('product_form', { value: '100000', amount: 10n }));
    expect(servers.hostile.postPaths).toEqual(['/v1/sessions']);
  });

  it('holding a cycle rejects with validation_error (not retryable) and sends nothing', async () => {
    const session = await client().startSession({ skill: 'xyz_sbx_#3.0', tenantUserId: 'u-42' });
    const data: Record<string, unknown> = { value: '100000' };
    data.self = data;
    await expectValidationError(session.submitStep('product_form', data));
    expect(servers.hostile.postPaths).toEqual(['/v1/sessions']);
  });

  it('leaves the session usable: the same step can then be sent with good data', async () => {
    const session = await client().startSession({ skill: 'xyz_sbx_#3.0', tenantUserId: 'u-42' });
    await settle(session.submitStep('product_form', { amount: 10n }));
    const result = await session.submitStep('product_form', { value: '100000' });
    expect(result.stepId).toMatch(/^st-/);
  });
});

describe('a blank tenantUserId', () => {
  it.each(['   ', '\t\n'])('(%j) rejects startSession with validation_error and sends nothing', async (tenantUserId) => {
    await expectValidationError(client().startSession({ skill: 'xyz_sbx_#3.0', tenantUserId }));
    expect(servers.hostile.postPaths).toEqual([]);
  });
});

describe('a baseUrl carrying user:password@', () => {
  const BASE = 'https://user:s3cretpass@api.example.com/v1';

  function thrown(make: () => unknown): unknown {
    try {
      make();
    } catch (error) {
      return error;
    }
    return undefined;
  }

  it('makes the constructor throw invalid_config, whose message, JSON and string forms do not hold the password', () => {
    const error = thrown(
      () => new OnboardingClient({ baseUrl: BASE, clientId: 'local-client', clientAppKey: 'local-app-key-91b2c0', onTempToken: vi.fn() }),
    );
    expect(error, 'the constructor accepted the URL').toBeInstanceOf(OnboardingError);
    const e = error as OnboardingError;
    expect(e.code).toBe('invalid_config');
    for (const text of [e.message, JSON.stringify(e), String(e), e.stack ?? '']) expect(text).not.toContain('s3cretpass');
  });

  it('makes exchangeTempToken reject with invalid_config, without the password, and send nothing', async () => {
    // The loopback API with credentials in its address: even a client that accepted it would reach nothing outside.
    const baseUrl = servers.hostile.baseUrl.replace('http://', 'http://user:s3cretpass@');
    const outcome = await settle(
      exchangeTempToken({ baseUrl, clientId: 'c', clientSecret: 'local-client-secret-55aa', tempToken: 'local-temp-token-66bb' }),
    );
    expect.soft(servers.hostile.requests).toEqual([]);
    expect(outcome.ok, `expected invalid_config, but the call ${describeOutcome(outcome)}`).toBe(false);
    const e = (outcome as { error: OnboardingError }).error;
    expect(isOnboardingError(e), describeOutcome(outcome)).toBe(true);
    expect(e.code).toBe('invalid_config');
    for (const text of [e.message, JSON.stringify(e), String(e)]) expect(text).not.toContain('s3cretpass');
  });
});
