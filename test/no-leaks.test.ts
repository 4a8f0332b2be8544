import { describe, expect, it } from 'vitest';
import type { OnboardingClientConfig } from '../src/index.js';
import {
  APP_KEY,
  PRODUCT_FORM,
  SKILL,
  STEPS,
  MemoryStorage,
  createClient,
  fileOf,
  issuedNonces,
  setupMockApi,
  submitSteps,
  until,
} from './helpers.js';

const { api } = setupMockApi();

/**
 * A client whose every log line, event and error (message, JSON, string form,
 * stack, cause) is captured as text, so a test can search all of it.
 */
function watched(overrides: Partial<OnboardingClientConfig> = {}) {
  const seen: string[] = [];
  const recordError = (error: unknown) => {
    const e = error as Error & { cause?: unknown };
    seen.push(`error.message: ${e.message}`, `error.json: ${JSON.stringify(e)}`, `error.string: ${String(e)}`, `error.stack: ${e.stack}`);
    seen.push(`error.cause: ${String(e.cause)}`, `error.cause.message: ${(e.cause as Error | undefined)?.message}`);
  };
  const client = createClient({
    logger: { debug: (message, details) => seen.push(`log: ${message} ${JSON.stringify(details ?? {})}`) },
    ...overrides,
  });
  client.on('*', (type, payload) => {
    seen.push(`event ${type}: ${JSON.stringify(payload)}`);
    if (type === 'error') recordError((payload as { error: unknown }).error);
  });
  /** Runs a call that may fail, capturing its error. */
  const attempt = async <T>(call: Promise<T>): Promise<T | undefined> => {
    try {
      return await call;
    } catch (error) {
      recordError(error);
      return undefined;
    }
  };
  return { client, seen, attempt };
}

/** Every secret of this test: the app key, every nonce sent or issued (seen by the client or not), every temp token. */
function secrets(): string[] {
  const nonces = [...issuedNonces(api), ...api.requests.map((r) => r.nonce).filter((n): n is string => !!n)];
  return [APP_KEY, ...new Set(nonces), ...api.issuedTempTokens];
}

function expectNoSecretIn(seen: string[]) {
  expect(seen.length).toBeGreaterThan(0);
  const all = secrets();
  expect(all.length).toBeGreaterThan(1);
  const leaks = seen.filter((text) => all.some((secret) => text.includes(secret)));
  expect(leaks).toEqual([]);
}

describe('no secret in any event, error or log line', () => {
  it('of full flows with uploads, storage and a resume', async () => {
    const storage = new MemoryStorage();
    const first = watched({ storage });
    const session = await first.client.startSession({ skill: SKILL, tenantUserId: 'u-42' });
    await submitSteps(session, ['product_form', 'kyc_documents']);
    await session.upload(fileOf(1_000), { onProgress: (p) => first.seen.push(`progress ${JSON.stringify(p)}`) });
    const second = watched({ storage });
    const resumed = (await second.client.resumeSession())!;
    await resumed.upload(fileOf(2_000, 'selfie.png', 'image/png'));
    await submitSteps(resumed, ['bank_redirect', 'confirm']);

    expect(resumed.status).toBe('completed');
    expect(first.seen.some((line) => line.startsWith('log:'))).toBe(true);
    expectNoSecretIn([...first.seen, ...second.seen]);
  });

  it('of dropped connections and a lost response', async () => {
    const { client, seen, attempt } = watched();
    const session = await client.startSession({ skill: SKILL, tenantUserId: 'u-42' });
    api.inject({ kind: 'network', endpoint: 'steps' });
    await attempt(session.submitStep('product_form', PRODUCT_FORM));
    await session.submitStep('product_form', PRODUCT_FORM);
    api.inject({ kind: 'network', endpoint: 'upload' });
    await attempt(session.upload(fileOf(10)));
    api.inject({ kind: 'lost-response', endpoint: 'steps' });
    await attempt(session.submitStep('kyc_documents', {}));
    await attempt(session.submitStep('kyc_documents', {}));
    await attempt(session.submitStep('kyc_documents', {}));

    expect(session.status).toBe('failed');
    expectNoSecretIn(seen);
  });

  it('of Retry-After retries, refusals and exhausted retries', async () => {
    const { client, seen, attempt } = watched({ retry: { limit: 1, maxRetryAfterMs: 50 } });
    api.inject({ kind: 'status', status: 503, retryAfter: 0, endpoint: 'sessions' });
    const session = await client.startSession({ skill: SKILL, tenantUserId: 'u-42' });
    api.inject({ kind: 'status', status: 429, retryAfter: 0, endpoint: 'steps' });
    await session.submitStep('product_form', PRODUCT_FORM);
    api.inject({ kind: 'status', status: 429, retryAfter: 3600, endpoint: 'steps' });
    await attempt(session.submitStep('kyc_documents', {}));
    api.inject({ kind: 'status', status: 503, retryAfter: 0, endpoint: 'steps', times: 2 });
    await attempt(session.submitStep('kyc_documents', {}));

    expectNoSecretIn(seen);
  });

  it('of API errors, HTML pages, bad JSON and wrong shapes', async () => {
    const { client, seen, attempt } = watched();
    const session = await client.startSession({ skill: SKILL, tenantUserId: 'u-42' });
    for (const fault of [
      { kind: 'status', status: 500 },
      { kind: 'html', status: 502 },
      { kind: 'malformed-json' },
      { kind: 'wrong-shape', body: { step_id: 1, nonce: 2, temp_token: 3 } },
      { kind: 'bare-message', status: 400 },
    ] as const) {
      api.inject({ ...fault, endpoint: 'steps' });
      await attempt(session.submitStep('product_form', PRODUCT_FORM));
    }
    await attempt(session.submitStep('confirm', {}));

    expectNoSecretIn(seen);
  });

  it('of a server that echoes the app key and the current nonce in its error messages', async () => {
    const { client, seen, attempt } = watched();
    api.inject({ kind: 'bare-message', status: 401, message: `unknown client_app_key ${APP_KEY}`, endpoint: 'sessions' });
    await attempt(client.startSession({ skill: SKILL, tenantUserId: 'u-42' }));
    const session = await client.startSession({ skill: SKILL, tenantUserId: 'u-42' });
    const nonce = issuedNonces(api).at(-1)!;
    api.inject({
      kind: 'status',
      status: 400,
      endpoint: 'steps',
      body: { id: 'e-1', type: 'invalid_request', http: 400, code: 'invalid_field', message: `nonce ${nonce} with key ${APP_KEY} rejected` },
    });
    await attempt(session.submitStep('product_form', PRODUCT_FORM));

    expect(seen.some((line) => line.includes('rejected'))).toBe(true);
    expectNoSecretIn(seen);
  });

  it('of timeouts and aborts', async () => {
    const { client, seen, attempt } = watched({ timeoutMs: 100, uploadTimeoutMs: 100 });
    const session = await client.startSession({ skill: SKILL, tenantUserId: 'u-42' });
    api.inject({ kind: 'delay', ms: 'infinite', endpoint: 'steps' });
    await attempt(session.submitStep('product_form', PRODUCT_FORM));
    await session.submitStep('product_form', PRODUCT_FORM);
    api.inject({ kind: 'delay', ms: 'infinite', endpoint: 'upload' });
    await attempt(session.upload(fileOf(10)));
    const controller = new AbortController();
    api.inject({ kind: 'delay', ms: 'infinite', endpoint: 'steps' });
    const aborted = attempt(session.submitStep('kyc_documents', {}, { signal: controller.signal }));
    await until(() => api.requests.at(-1)?.step === 'kyc_documents');
    controller.abort();
    await aborted;
    await attempt(session.upload(fileOf(10), { signal: AbortSignal.abort() }));

    expectNoSecretIn(seen);
  });

  it('of nonce expiry by the clock and by the server', async () => {
    let now = Date.now();
    const byClock = watched({ now: () => now, nonceWarningMs: 0 });
    const first = await byClock.client.startSession({ skill: SKILL, tenantUserId: 'u-42' });
    now += 31 * 60_000;
    await byClock.attempt(first.submitStep('product_form', PRODUCT_FORM));
    const byServer = watched();
    const second = await byServer.client.startSession({ skill: SKILL, tenantUserId: 'u-42' });
    api.clock.advance(31 * 60_000);
    await byServer.attempt(second.submitStep('product_form', PRODUCT_FORM));
    await byServer.attempt(second.submitStep('product_form', PRODUCT_FORM));

    expect(first.status).toBe('expired');
    expect(second.status).toBe('expired');
    expectNoSecretIn([...byClock.seen, ...byServer.seen]);
  });

  it('of a failed handoff whose error names the temp token, and its retry', async () => {
    let calls = 0;
    const { client, seen, attempt } = watched({
      onTempToken: async (token) => {
        calls += 1;
        if (calls === 1) throw new Error(`POST /api/onboarding failed for ${token} (key ${APP_KEY})`);
      },
    });
    const session = await client.startSession({ skill: SKILL, tenantUserId: 'u-42' });
    await submitSteps(session, STEPS);
    await attempt(session.retryHandoff());

    expect(calls).toBe(2);
    expectNoSecretIn(seen);
  });
});
