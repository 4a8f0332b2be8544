/**
 * Attack: ids that walk the URL. The API's `session_id` and `step_id` go into
 * the paths of later calls; an id of `..` or `.` makes `/sessions/../steps`
 * resolve to `/steps`, another endpoint, which then receives the nonce. An
 * empty id or a lone surrogate (which `encodeURIComponent` cannot encode) is
 * no better. The SDK must refuse such an answer as `invalid_response` and
 * send nothing more anywhere else; the same for a step id given to `upload`
 * and for a session id read back from storage.
 */
import { describe, expect, it, vi } from 'vitest';
import { OnboardingClient, isOnboardingError, type OnboardingClientConfig, type OnboardingError } from '../../src/index.js';
import { MemoryStorage } from '../helpers.js';
import { describeOutcome, raw, settle, useServers } from './server.js';

const servers = useServers();

const SKILL = 'xyz_sbx_#3.0';

/** Each bad id, and the JSON text that carries it (a lone surrogate can only be written as an escape). */
const BAD_IDS: Array<[label: string, jsonText: string]> = [
  ["'..'", '".."'],
  ["'.'", '"."'],
  ["'' (empty)", '""'],
  ['a lone surrogate ("\\ud800")', '"\\ud800"'],
];

function client(overrides: Partial<OnboardingClientConfig> = {}): OnboardingClient {
  return new OnboardingClient({
    baseUrl: servers.hostile.baseUrl,
    clientId: 'dot-client',
    clientAppKey: 'dot-app-key-0c7e5a',
    onTempToken: vi.fn(),
    uploadTransport: 'fetch',
    timeoutMs: 3_000,
    ...overrides,
  });
}

function expectRefusedAnswer(outcome: Awaited<ReturnType<typeof settle>>): void {
  expect(outcome.ok, `expected invalid_response, but the call ${describeOutcome(outcome)}`).toBe(false);
  const error = (outcome as { error: OnboardingError }).error;
  expect(isOnboardingError(error), describeOutcome(outcome)).toBe(true);
  expect.soft(error.code, describeOutcome(outcome)).toBe('invalid_response');
  expect.soft(error.retryable).toBe(false);
}


describe.each(BAD_IDS)('a session_id of %s', (_label, idJson) => {
  it('makes startSession reject with invalid_response, and nothing is sent anywhere but POST /sessions', async () => {
    servers.hostile.route('POST', '/v1/sessions', raw(200, `{"session_id":${idJson},"nonce":"n-dot-1","status":"SESSION_CREATED"}`));
    const outcome = await settle(client().startSession({ skill: SKILL, tenantUserId: 'u-42' }));
    if (outcome.ok) {
      // Today's behaviour: the session exists; show where its next step goes.
      await settle(outcome.value.submitStep('product_form', { value: '1' }));
    }
    expect.soft(servers.hostile.postPaths, 'paths the API received').toEqual(['/v1/sessions']);
    expectRefusedAnswer(outcome);
  });
});

describe.each(BAD_IDS)('a step_id of %s', (_label, idJson) => {
  it('makes submitStep reject with invalid_response, and no later call reaches another endpoint', async () => {
    const session = await client().startSession({ skill: SKILL, tenantUserId: 'u-42' });
    const stepsPath = `/v1/sessions/${session.id}/steps`;
    servers.hostile.route('POST', stepsPath, raw(200, `{"step_id":${idJson},"nonce":"n-dot-2","status":"SESSION_IN_PROGRESS","data":{}}`));
    const outcome = await settle(session.submitStep('kyc_documents', {}));
    // Whatever the session's state now, an upload to "the last step" and the next step must not go elsewhere.
    await settle(session.upload(new Blob(['scan'])));
    await settle(session.submitStep('confirm', {}));
    expect.soft(
      servers.hostile.postPaths.filter((p) => p !== '/v1/sessions' && p !== stepsPath),
      'paths other than POST /sessions and this session’s steps',
    ).toEqual([]);
    expectRefusedAnswer(outcome);
  });
});

describe('upload with a dot step id given by the caller', () => {
  it.each(['..', '.'])("rejects stepId '%s' with validation_error and sends nothing", async (stepId) => {
    const session = await client().startSession({ skill: SKILL, tenantUserId: 'u-42' });
    const outcome = await settle(session.upload(new File(['scan'], 'id.pdf', { type: 'application/pdf' }), { stepId }));
    expect.soft(servers.hostile.postPaths, 'paths the API received').toEqual(['/v1/sessions']);
    expect(outcome.ok, `expected validation_error, but the upload ${describeOutcome(outcome)}`).toBe(false);
    const error = (outcome as { error: OnboardingError }).error;
    expect(isOnboardingError(error), describeOutcome(outcome)).toBe(true);
    expect(error.code).toBe('validation_error');
    expect(error.retryable).toBe(false);
  });
});

describe('a stored session whose id was changed to ..', () => {
  it('is refused by resumeSession (null), and nothing is sent', async () => {
    const storage = new MemoryStorage();
    await client({ storage }).startSession({ skill: SKILL, tenantUserId: 'u-42' });
    expect(storage.map.size).toBe(1);
    const [key, stored] = [...storage.map][0]!;
    storage.setItem(key, JSON.stringify({ ...JSON.parse(stored), sessionId: '..' }));

    const resumed = await client({ storage }).resumeSession();
    if (resumed) await settle(resumed.submitStep('product_form', { value: '1' }));

    expect.soft(servers.hostile.postPaths, 'paths the API received').toEqual(['/v1/sessions']);
    expect(resumed).toBeNull();
  });
});
