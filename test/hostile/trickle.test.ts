/**
 * Attack: a server that answers just in time and then trickles. The headers
 * arrive at 0.9 × timeoutMs, then the body comes one byte every 50 ms, for
 * ever. `timeoutMs` is a deadline for the whole call, headers and body: the
 * call must fail with `timeout` at about timeoutMs, not restart the clock
 * when the headers arrive (which would take about twice as long).
 */
import { describe, expect, it, vi } from 'vitest';
import { OnboardingClient, isOnboardingError, type OnboardingError } from '../../src/index.js';
import { exchangeTempToken } from '../../src/server/index.js';
import { describeOutcome, newStats, settle, trickle, useServers, type Settled } from './server.js';

const servers = useServers();

const TIMEOUT_MS = 1_000;
/** Wall time allowed: the deadline plus room for a loaded machine, well short of twice the deadline. */
const MAX_WALL_MS = 1_500;

const trickling = () => trickle(newStats(), { headersAfterMs: 0.9 * TIMEOUT_MS, everyMs: 50, prefix: '{"session_id":"' });

function client(): OnboardingClient {
  return new OnboardingClient({
    baseUrl: servers.hostile.baseUrl,
    clientId: 'trickle-client',
    clientAppKey: 'trickle-app-key-6a3f2d',
    onTempToken: vi.fn(),
    timeoutMs: TIMEOUT_MS,
  });
}

function expectTimeoutWithinDeadline(outcome: Settled<unknown>): void {
  expect(outcome.ok, `expected a timeout, but the call ${describeOutcome(outcome)}`).toBe(false);
  const error = (outcome as { error: OnboardingError }).error;
  expect(isOnboardingError(error), describeOutcome(outcome)).toBe(true);
  expect.soft(error.code, describeOutcome(outcome)).toBe('timeout');
  expect.soft(outcome.ms, 'wall time of a call with timeoutMs: 1000').toBeLessThan(MAX_WALL_MS);
}

describe('headers sent at 90% of timeoutMs, then a body trickling one byte every 50 ms', () => {
  it('fails startSession with timeout in under 1.5 times timeoutMs of wall time', async () => {
    servers.hostile.route('POST', '/v1/sessions', trickling());
    expectTimeoutWithinDeadline(await settle(client().startSession({ skill: 'xyz_sbx_#3.0', tenantUserId: 'u-42' })));
  });

  it('fails submitStep with timeout in under 1.5 times timeoutMs of wall time', async () => {
    const session = await client().startSession({ skill: 'xyz_sbx_#3.0', tenantUserId: 'u-42' });
    servers.hostile.route('POST', `/v1/sessions/${session.id}/steps`, trickling());
    expectTimeoutWithinDeadline(await settle(session.submitStep('product_form', { value: '1' })));
  });

  it('fails exchangeTempToken with timeout in under 1.5 times timeoutMs of wall time', async () => {
    servers.hostile.route('POST', '/v1/tokens', trickling());
    const outcome = await settle(
      exchangeTempToken({
        baseUrl: servers.hostile.baseUrl,
        clientId: 'trickle-client',
        clientSecret: 'trickle-client-secret-0b9c4e',
        tempToken: 'trickle-temp-token-d81a57',
        timeoutMs: TIMEOUT_MS,
      }),
    );
    expectTimeoutWithinDeadline(outcome);
  });
});
