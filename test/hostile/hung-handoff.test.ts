/**
 * A hung onTempToken: the integrator's backend call never answers. The last
 * step has completed on the server, so the flow must not hang with it:
 * `submitStep` resolves `{ completed: true, handedOff: false }` once its
 * signal aborts or `handoffTimeoutMs` passes, the token stays in memory, and
 * `retryHandoff({ signal })` can be given up (`aborted`) and tried again.
 */
import { describe, expect, it, vi } from 'vitest';
import { OnboardingClient, isOnboardingError, type HandoffInfo, type OnboardingClientConfig, type OnboardingError } from '../../src/index.js';
import { describeOutcome, settle, useServers } from './server.js';

const servers = useServers();

const TEMP_TOKEN = 'hung-temp-token-4e7a0b';
/** A hang the test gives up on: the SDK must settle long before. */
const LIMIT_MS = 2_000;

const never = (_token?: string, _info?: HandoffInfo) => new Promise<void>(() => {});

function client(onTempToken: OnboardingClientConfig['onTempToken'], overrides: Partial<OnboardingClientConfig> = {}): OnboardingClient {
  return new OnboardingClient({
    baseUrl: servers.hostile.baseUrl,
    clientId: 'hung-client',
    clientAppKey: 'hung-app-key-2b6f9d',
    onTempToken,
    timeoutMs: 3_000,
    ...overrides,
  });
}

/** A session one step from the end. */
async function lastStepAhead(c: OnboardingClient) {
  servers.hostile.tempToken = TEMP_TOKEN;
  return c.startSession({ skill: 'xyz_sbx_#3.0', tenantUserId: 'u-42' });
}

/** Aborts a fresh signal after `ms`. */
function abortAfter(ms: number): AbortSignal {
  const controller = new AbortController();
  setTimeout(() => controller.abort(), ms);
  return controller.signal;
}

describe('an onTempToken that never settles', () => {
  it('lets submitStep on the completing step resolve { completed: true, handedOff: false } when its signal aborts', async () => {
    const onTempToken = vi.fn(never);
    const session = await lastStepAhead(client(onTempToken));

    const outcome = await settle(session.submitStep('last', {}, { signal: abortAfter(100) }), LIMIT_MS);

    expect(outcome.ok, `expected a resolution, but submitStep ${describeOutcome(outcome)}`).toBe(true);
    expect((outcome as { value: unknown }).value).toMatchObject({ completed: true, handedOff: false });
    expect(outcome.ms).toBeLessThan(1_000);
    expect(session.status).toBe('completed');
    expect(session.handoffPending).toBe(true);
    expect(onTempToken).toHaveBeenCalledTimes(1);
    expect(onTempToken.mock.calls[0]![0]).toBe(TEMP_TOKEN);
  });

  it('lets submitStep resolve handedOff: false after handoffTimeoutMs (200 ms) without any signal', async () => {
    const onTempToken = vi.fn(never);
    const session = await lastStepAhead(client(onTempToken, { handoffTimeoutMs: 200 }));

    const outcome = await settle(session.submitStep('last', {}), LIMIT_MS);

    expect(outcome.ok, `expected a resolution, but submitStep ${describeOutcome(outcome)}`).toBe(true);
    expect((outcome as { value: unknown }).value).toMatchObject({ completed: true, handedOff: false });
    expect(outcome.ms).toBeGreaterThanOrEqual(150);
    expect(outcome.ms).toBeLessThan(1_000);
    expect(session.handoffPending).toBe(true);
  });

  it('makes retryHandoff({ signal }) reject with aborted when the signal aborts, keeping the token', async () => {
    const onTempToken = vi.fn(never);
    const session = await lastStepAhead(client(onTempToken, { handoffTimeoutMs: 200 }));
    await settle(session.submitStep('last', {}, { signal: abortAfter(50) }), LIMIT_MS);

    const outcome = await settle(session.retryHandoff({ signal: abortAfter(100) }), LIMIT_MS);

    expect(outcome.ok, `expected aborted, but retryHandoff ${describeOutcome(outcome)}`).toBe(false);
    const error = (outcome as { error: OnboardingError }).error;
    expect(isOnboardingError(error), describeOutcome(outcome)).toBe(true);
    expect(error.code).toBe('aborted');
    expect(outcome.ms).toBeLessThan(1_000);
    expect(session.handoffPending).toBe(true);
  });
});

describe('an onTempToken that hangs at first and then works', () => {
  it('hands the same token over on a later retryHandoff(), after a wait that was given up', async () => {
    let hang = true;
    const received: Array<[string, HandoffInfo]> = [];
    const onTempToken = vi.fn((token: string, info: HandoffInfo) => {
      received.push([token, info]);
      return hang ? never() : Promise.resolve();
    });
    const c = client(onTempToken, { handoffTimeoutMs: 1_500 });
    const completed: string[] = [];
    c.on('handoff:completed', (e) => completed.push(e.sessionId));
    const session = await lastStepAhead(c);

    const step = await settle(session.submitStep('last', {}, { signal: abortAfter(50) }), LIMIT_MS);
    expect(step.ok, `expected a resolution, but submitStep ${describeOutcome(step)}`).toBe(true);
    expect((step as { value: unknown }).value).toMatchObject({ completed: true, handedOff: false });

    const givenUp = await settle(session.retryHandoff({ signal: abortAfter(50) }), LIMIT_MS);
    expect(givenUp.ok, `expected aborted, but retryHandoff ${describeOutcome(givenUp)}`).toBe(false);
    expect((givenUp as { error: OnboardingError }).error.code).toBe('aborted');
    expect(session.handoffPending).toBe(true);

    hang = false;
    const retried = await settle(session.retryHandoff(), LIMIT_MS);

    expect(retried.ok, `expected the retry to resolve, but it ${describeOutcome(retried)}`).toBe(true);
    expect(session.handoffPending).toBe(false);
    expect(completed).toEqual([session.id]);
    expect(received.length).toBeGreaterThanOrEqual(2);
    expect(received.map(([token]) => token)).toEqual(received.map(() => TEMP_TOKEN));
    expect(received.at(-1)![1]).toMatchObject({ sessionId: session.id, skill: 'xyz_sbx_#3.0' });
  });
});
