/**
 * Attack: an absurd `Retry-After` on a 429 — a delta of 99 999 999 999 999
 * seconds, or a date in the year 9999. With retries off it is not waited
 * for, only reported: `error.retryAfterMs` must then be undefined or a finite
 * number no larger than setTimeout's ceiling (2 147 483 647 ms), so an
 * integrator who waits for it does not get a timer that fires at once.
 */
import { describe, expect, it, vi } from 'vitest';
import { OnboardingClient, isOnboardingError, type OnboardingError } from '../../src/index.js';
import { exchangeTempToken } from '../../src/server/index.js';
import { apiError, describeOutcome, settle, useServers } from './server.js';

const servers = useServers();

const MAX_TIMER_MS = 2_147_483_647;
const HEADERS: Array<[string, string]> = [
  ['a delta of 99999999999999 seconds', '99999999999999'],
  ['a date in the year 9999', 'Fri, 31 Dec 9999 23:59:59 GMT'],
];

function expectBoundedRetryAfter(outcome: Awaited<ReturnType<typeof settle>>): void {
  expect(outcome.ok, `expected a 429 error, but the call ${describeOutcome(outcome)}`).toBe(false);
  const error = (outcome as { error: OnboardingError }).error;
  expect(isOnboardingError(error), describeOutcome(outcome)).toBe(true);
  expect(error.status).toBe(429);
  const wait = error.retryAfterMs;
  if (wait !== undefined) {
    expect(Number.isFinite(wait), `retryAfterMs = ${wait}`).toBe(true);
    expect(wait, 'retryAfterMs').toBeLessThanOrEqual(MAX_TIMER_MS);
    expect(wait, 'retryAfterMs').toBeGreaterThanOrEqual(0);
  }
  expect(outcome.ms, 'the absurd wait was not waited for').toBeLessThan(1_000);
}

const rateLimited = (retryAfter: string) =>
  apiError(429, { type: 'invalid_request', code: 'external_api_too_many_requests', message: 'slow down' }, { 'retry-after': retryAfter });

describe.each(HEADERS)('a 429 with Retry-After: %s, retries off', (_label, retryAfter) => {
  it('rejects startSession with a retryAfterMs that is undefined or a finite number of at most 2147483647', async () => {
    servers.hostile.route('POST', '/v1/sessions', rateLimited(retryAfter));
    const client = new OnboardingClient({
      baseUrl: servers.hostile.baseUrl,
      clientId: 'retry-client',
      clientAppKey: 'retry-app-key-7e0f3a',
      onTempToken: vi.fn(),
      retry: { limit: 0 },
      timeoutMs: 3_000,
    });
    expectBoundedRetryAfter(await settle(client.startSession({ skill: 'xyz_sbx_#3.0', tenantUserId: 'u-42' })));
  });

  it('rejects exchangeTempToken with a retryAfterMs that is undefined or a finite number of at most 2147483647', async () => {
    servers.hostile.route('POST', '/v1/tokens', rateLimited(retryAfter));
    const outcome = await settle(
      exchangeTempToken({
        baseUrl: servers.hostile.baseUrl,
        clientId: 'retry-client',
        clientSecret: 'retry-client-secret-2a9b',
        tempToken: 'retry-temp-token-5c1d',
        retry: { limit: 0 },
        timeoutMs: 3_000,
      }),
    );
    expectBoundedRetryAfter(outcome);
  });
});
