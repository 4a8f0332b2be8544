/**
 * Attack: an answer body without end. A 200 that declares 200 MB, a chunked
 * 200 that never stops, an error page that never stops. A client that reads
 * whatever comes grows the page's (or the backend's) memory until it dies, or
 * hangs until its timeout. The SDK must stop at its cap (1 MiB by default,
 * `maxResponseBytes` to change it) and fail with `invalid_response` — or, for
 * an error answer, with the error's status — at once.
 */
import { describe, expect, it, vi } from 'vitest';
import { OnboardingClient, isOnboardingError, type OnboardingClientConfig, type OnboardingError } from '../../src/index.js';
import { exchangeTempToken, type ExchangeTempTokenOptions } from '../../src/server/index.js';
import {
  MiB,
  chunked,
  declaredHuge,
  describeOutcome,
  endless,
  newStats,
  paddedSessionBody,
  settle,
  sleep,
  useServers,
  type Settled,
  type StreamStats,
} from './server.js';

const servers = useServers();

const SKILL = 'xyz_sbx_#3.0';
/** Generous next to the cap: the client must stop long before the server filled 8 MiB. */
const MAX_WRITTEN = 8 * MiB;
/** Every call below would time out after this; the SDK must fail well before it. */
const TIMEOUT_MS = 3_000;
const PROMPT_MS = 1_000;

function client(overrides: Partial<OnboardingClientConfig> = {}): OnboardingClient {
  return new OnboardingClient({
    baseUrl: servers.hostile.baseUrl,
    clientId: 'huge-client',
    clientAppKey: 'huge-app-key-4b1e9a',
    onTempToken: vi.fn(),
    uploadTransport: 'fetch',
    timeoutMs: TIMEOUT_MS,
    uploadTimeoutMs: TIMEOUT_MS,
    ...overrides,
  });
}

function exchange(overrides: Partial<ExchangeTempTokenOptions> = {}) {
  return exchangeTempToken({
    baseUrl: servers.hostile.baseUrl,
    clientId: 'huge-client',
    clientSecret: 'huge-client-secret-77d0c3',
    tempToken: 'huge-temp-token-1f0a2b',
    timeoutMs: TIMEOUT_MS,
    ...overrides,
  });
}

/** The call's OnboardingError, asserting it rejected (a resolution or a hang fails with what happened instead). */
function rejection(outcome: Settled<unknown>, expected: string): OnboardingError {
  expect(outcome.ok, `expected ${expected}, but the call ${describeOutcome(outcome)}`).toBe(false);
  const error = (outcome as { error: unknown }).error;
  expect(isOnboardingError(error), describeOutcome(outcome)).toBe(true);
  return error as OnboardingError;
}

async function expectInvalidResponse(call: Promise<unknown>, maxMs = PROMPT_MS): Promise<Settled<unknown>> {
  const outcome = await settle(call);
  const error = rejection(outcome, 'invalid_response');
  expect.soft(error.code, describeOutcome(outcome)).toBe('invalid_response');
  expect.soft(error.retryable).toBe(false);
  expect.soft(outcome.ms, 'the SDK must give up at once, not at its timeout').toBeLessThan(maxMs);
  return outcome;
}

/** The client stopped reading: the server wrote less than 8 MiB, and does not keep writing afterwards. */
async function expectStoppedReading(stats: StreamStats): Promise<void> {
  expect.soft(stats.written, 'bytes the server wrote before the client failed').toBeLessThan(MAX_WRITTEN);
  await sleep(300);
  expect(stats.written, 'bytes the server wrote, 300 ms after the client failed').toBeLessThan(MAX_WRITTEN);
}

describe('a 200 answer that declares 200 MB and then stalls', () => {
  it('fails startSession with invalid_response at once, not at the timeout', async () => {
    servers.hostile.route('POST', '/v1/sessions', declaredHuge(newStats(), { prefix: '{"session_id":"' }));
    await expectInvalidResponse(client().startSession({ skill: SKILL, tenantUserId: 'u-42' }));
  });

  it('fails submitStep with invalid_response at once', async () => {
    const session = await client().startSession({ skill: SKILL, tenantUserId: 'u-42' });
    servers.hostile.route('POST', `/v1/sessions/${session.id}/steps`, declaredHuge(newStats(), { prefix: '{"step_id":"' }));
    await expectInvalidResponse(session.submitStep('product_form', { value: '1' }));
  });

  it('fails exchangeTempToken with invalid_response at once', async () => {
    servers.hostile.route('POST', '/v1/tokens', declaredHuge(newStats(), { prefix: '{"credentials_id":"' }));
    await expectInvalidResponse(exchange());
  });
});

describe('a 200 answer whose chunked body never ends', () => {
  it('fails startSession with invalid_response, and the client stops reading before the server wrote 8 MiB', async () => {
    const stats = newStats();
    servers.hostile.route('POST', '/v1/sessions', endless(stats, { prefix: '{"session_id":"' }));
    await expectInvalidResponse(client().startSession({ skill: SKILL, tenantUserId: 'u-42' }));
    await expectStoppedReading(stats);
  });

  it('fails submitStep with invalid_response, and the client stops reading', async () => {
    const session = await client().startSession({ skill: SKILL, tenantUserId: 'u-42' });
    const stats = newStats();
    servers.hostile.route('POST', `/v1/sessions/${session.id}/steps`, endless(stats, { prefix: '{"step_id":"' }));
    await expectInvalidResponse(session.submitStep('product_form', { value: '1' }));
    await expectStoppedReading(stats);
  });

  it('fails an upload (fetch transport) with invalid_response, and the client stops reading', async () => {
    const session = await client().startSession({ skill: SKILL, tenantUserId: 'u-42' });
    const step = await session.submitStep('kyc_documents', {});
    const stats = newStats();
    servers.hostile.route('POST', `/v1/steps/${step.stepId}/upload`, endless(stats, { prefix: '{"status":"' }));
    await expectInvalidResponse(session.upload(new File(['scan'], 'id.pdf', { type: 'application/pdf' }), { stepId: step.stepId }));
    await expectStoppedReading(stats);
  });

  it('fails exchangeTempToken with invalid_response, and the backend stops reading', async () => {
    const stats = newStats();
    servers.hostile.route('POST', '/v1/tokens', endless(stats, { prefix: '{"credentials_id":"' }));
    await expectInvalidResponse(exchange());
    await expectStoppedReading(stats);
  });

  it('stops at a lowered maxResponseBytes (64 KiB) too', async () => {
    const stats = newStats();
    servers.hostile.route('POST', '/v1/sessions', endless(stats, { prefix: '{"session_id":"' }));
    await expectInvalidResponse(client({ maxResponseBytes: 64 * 1024 }).startSession({ skill: SKILL, tenantUserId: 'u-42' }));
    await expectStoppedReading(stats);
  });

  it('stops at exchangeTempToken’s lowered maxResponseBytes (64 KiB) too', async () => {
    const stats = newStats();
    servers.hostile.route('POST', '/v1/tokens', endless(stats, { prefix: '{"credentials_id":"' }));
    await expectInvalidResponse(exchange({ maxResponseBytes: 64 * 1024 }));
    await expectStoppedReading(stats);
  });
});

describe('the response size cap', () => {
  it('is 1 MiB by default: a well-formed 1.5 MiB session answer is refused as invalid_response', async () => {
    servers.hostile.route('POST', '/v1/sessions', chunked(200, paddedSessionBody(1.5 * MiB)));
    await expectInvalidResponse(client().startSession({ skill: SKILL, tenantUserId: 'u-42' }));
  });

  it('is lowered by maxResponseBytes: a well-formed 2 KiB answer is refused under a 1 KiB cap', async () => {
    servers.hostile.route('POST', '/v1/sessions', chunked(200, paddedSessionBody(2 * 1024)));
    await expectInvalidResponse(client({ maxResponseBytes: 1024 }).startSession({ skill: SKILL, tenantUserId: 'u-42' }));
  });

  it('is raised by maxResponseBytes: a well-formed 1.5 MiB answer is read under a 4 MiB cap', async () => {
    servers.hostile.route('POST', '/v1/sessions', chunked(200, paddedSessionBody(1.5 * MiB)));
    const session = await client({ maxResponseBytes: 4 * MiB }).startSession({ skill: SKILL, tenantUserId: 'u-42' });
    expect(session.id).toBe('s-padded');
  });

  it('is lowered by exchangeTempToken’s maxResponseBytes: a well-formed 2 KiB grant is refused under a 1 KiB cap', async () => {
    const grant = JSON.stringify({
      credentials_id: 'cred-1',
      access_token: 'a'.repeat(2048),
      consent_exp: '2030-01-01T00:00:00Z',
      max_data_retention: '2030-06-01T00:00:00Z',
    });
    servers.hostile.route('POST', '/v1/tokens', chunked(200, grant));
    await expectInvalidResponse(exchange({ maxResponseBytes: 1024 }));
  });
});

describe('an error answer whose body never ends', () => {
  async function expectHttp500(call: Promise<unknown>, stats: StreamStats): Promise<void> {
    const outcome = await settle(call);
    const error = rejection(outcome, 'an HTTP 500 error');
    expect.soft(error.status, describeOutcome(outcome)).toBe(500);
    expect.soft(outcome.ms, 'an endless error page must not hold the call until its timeout').toBeLessThan(PROMPT_MS);
    await expectStoppedReading(stats);
  }

  it('still fails startSession with status 500, at once', async () => {
    const stats = newStats();
    servers.hostile.route('POST', '/v1/sessions', endless(stats, { status: 500, prefix: '{"code":"boom","message":"' }));
    await expectHttp500(client().startSession({ skill: SKILL, tenantUserId: 'u-42' }), stats);
  });

  it('still fails exchangeTempToken with status 500, at once', async () => {
    const stats = newStats();
    servers.hostile.route('POST', '/v1/tokens', endless(stats, { status: 500, prefix: '<html><body>' }));
    await expectHttp500(exchange(), stats);
  });

  it('that declares 200 MB and stalls still fails startSession with status 500, at once', async () => {
    const stats = newStats();
    servers.hostile.route('POST', '/v1/sessions', declaredHuge(stats, { status: 500, prefix: '{"code":"boom","message":"' }));
    await expectHttp500(client().startSession({ skill: SKILL, tenantUserId: 'u-42' }), stats);
  });
});
