// @vitest-environment happy-dom
/**
 * Attack: a redirect answered to an upload sent over XMLHttpRequest (the
 * browser transport, for real upload progress). XHR follows redirects itself
 * before the SDK sees anything, so what can be asserted is that the answer
 * that comes back from elsewhere is refused — not used as the API's.
 * happy-dom's XHR does real HTTP to the loopback servers, with CORS
 * preflights (which both fake servers answer).
 */
import { describe, expect, it, vi } from 'vitest';
import { OnboardingClient, isOnboardingError, type OnboardingError } from '../../src/index.js';
import { describeOutcome, redirect, settle, useServers } from './server.js';

const servers = useServers();

const STATUSES = [301, 302, 303, 307, 308] as const;

describe.each(STATUSES)('an HTTP %i redirect answered to an XHR upload', (status) => {
  it('is refused with redirect_refused: the foreign answer is not taken for the API’s', async () => {
    const client = new OnboardingClient({
      baseUrl: servers.hostile.baseUrl,
      clientId: 'xhr-client',
      clientAppKey: 'xhr-app-key-2d9e61',
      onTempToken: vi.fn(),
      uploadTransport: 'xhr',
      timeoutMs: 3_000,
      uploadTimeoutMs: 3_000,
    });
    const session = await client.startSession({ skill: 'xyz_sbx_#3.0', tenantUserId: 'u-42' });
    const step = await session.submitStep('kyc_documents', {});
    const path = `/v1/steps/${step.stepId}/upload`;
    servers.hostile.route('POST', path, redirect(status, `${servers.foreign.origin}${path}`));
    const file = new File(['%PDF-1.7 passport scan'], 'passport.pdf', { type: 'application/pdf' });

    const outcome = await settle(session.upload(file, { stepId: step.stepId }));

    // The upload did go out, to the API, which answered with the redirect.
    expect(servers.hostile.postPaths).toContain(path);

    expect(outcome.ok, `expected redirect_refused, but the upload ${describeOutcome(outcome)}`).toBe(false);
    if (outcome.ok) return;
    const error = outcome.error as OnboardingError;
    expect(isOnboardingError(error), describeOutcome(outcome)).toBe(true);
    expect(error.code).toBe('redirect_refused');
    expect(error.retryable).toBe(false);
  });
});
