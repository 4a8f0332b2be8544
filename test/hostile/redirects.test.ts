/**
 * Attack: the API answers with a redirect to another host. A client that
 * follows it hands the foreign host the app key, the nonce, the file, or (on
 * the backend) the client secret and the temp token, and may then use the
 * foreign answer as if the API had sent it. The SDK must follow none.
 */
import { describe, expect, it, vi } from 'vitest';
import { OnboardingClient, isOnboardingError, type OnboardingError } from '../../src/index.js';
import { exchangeTempToken } from '../../src/server/index.js';
import { describeOutcome, redirect, settle, useServers } from './server.js';

const servers = useServers();

const CLIENT_ID = 'redirect-client';
const APP_KEY = 'redirect-app-key-8c41f0';
const CLIENT_SECRET = 'redirect-client-secret-5e2b77';
const TEMP_TOKEN = 'redirect-temp-token-93af1c';
const SKILL = 'xyz_sbx_#3.0';
const STATUSES = [301, 302, 303, 307, 308] as const;

function client(): OnboardingClient {
  return new OnboardingClient({
    baseUrl: servers.hostile.baseUrl,
    clientId: CLIENT_ID,
    clientAppKey: APP_KEY,
    onTempToken: vi.fn(),
    uploadTransport: 'fetch',
    timeoutMs: 3_000,
  });
}

/** The foreign address the hostile server points to, on the same path as the request, so a follower looks legitimate. */
const foreignUrl = (path: string) => `${servers.foreign.origin}${path}`;

/** Asserts the call was refused as a redirect and that nothing went to, or came from, the foreign host. */
async function expectRefused(call: Promise<unknown>, status: number, path: string): Promise<void> {
  const outcome = await settle(call);
  expect(servers.hostile.postPaths, 'the request went to the API, which answered with the redirect').toContain(path);
  expect.soft(servers.foreign.requests, 'the foreign host must receive nothing').toEqual([]);
  expect(outcome.ok, `expected redirect_refused, but the call ${describeOutcome(outcome)}`).toBe(false);
  if (outcome.ok) return;
  const error = outcome.error as OnboardingError;
  expect(isOnboardingError(error), describeOutcome(outcome)).toBe(true);
  expect.soft(error.code).toBe('redirect_refused');
  expect.soft(error.status).toBe(status);
  expect.soft(error.retryable).toBe(false);
  expect.soft(JSON.stringify(error)).not.toContain('foreign-');
}

describe.each(STATUSES)('an HTTP %i redirect to a foreign host', (status) => {
  it('on POST /sessions is refused: the app key never reaches the foreign host and no foreign session is made', async () => {
    servers.hostile.route('POST', '/v1/sessions', redirect(status, foreignUrl('/v1/sessions')));
    await expectRefused(client().startSession({ skill: SKILL, tenantUserId: 'u-42' }), status, '/v1/sessions');
    expect(servers.hostile.postPaths).toEqual(['/v1/sessions']);
  });

  it('on POST /sessions/{id}/steps is refused: the nonce never reaches the foreign host and no foreign step is taken', async () => {
    const session = await client().startSession({ skill: SKILL, tenantUserId: 'u-42' });
    const path = `/v1/sessions/${session.id}/steps`;
    servers.hostile.route('POST', path, redirect(status, foreignUrl(path)));
    await expectRefused(session.submitStep('product_form', { value: '100000' }), status, path);
    expect(session.completedSteps).toEqual([]);
    expect(session.lastStepId).toBeUndefined();
  });

  it('on POST /steps/{id}/upload (fetch transport) is refused: the file and the nonce never reach the foreign host', async () => {
    const session = await client().startSession({ skill: SKILL, tenantUserId: 'u-42' });
    const step = await session.submitStep('kyc_documents', {});
    const path = `/v1/steps/${step.stepId}/upload`;
    servers.hostile.route('POST', path, redirect(status, foreignUrl(path)));
    const file = new File(['%PDF-1.7 passport scan'], 'passport.pdf', { type: 'application/pdf' });
    await expectRefused(session.upload(file, { stepId: step.stepId }), status, path);
  });

  it('on POST /tokens (exchangeTempToken) is refused: the client secret and the temp token never reach the foreign host', async () => {
    servers.hostile.route('POST', '/v1/tokens', redirect(status, foreignUrl('/v1/tokens')));
    await expectRefused(
      exchangeTempToken({
        baseUrl: servers.hostile.baseUrl,
        clientId: CLIENT_ID,
        clientSecret: CLIENT_SECRET,
        tempToken: TEMP_TOKEN,
        timeoutMs: 3_000,
      }),
      status,
      '/v1/tokens',
    );
  });
});
