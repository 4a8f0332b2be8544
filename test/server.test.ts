import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { OnboardingClient } from '../src/index.js';
import { exchangeTempToken, isOnboardingError, OnboardingError, type ExchangeTempTokenOptions } from '../src/server/index.js';
import { createMockOnboardingApi } from '../src/testing/index.js';
import { until } from './helpers.js';
// An independent implementation of the protocol over real HTTP, sharing no code with src/.
// @ts-expect-error -- a plain JS harness without declarations; the part used here is typed below.
import { startStrictServer as startUntyped } from './acceptance/strict-server.mjs';

interface StrictServer {
  url: string;
  credentials: { clientId: string; clientAppKey: string; clientSecret: string };
  close(): Promise<void>;
}
const startStrictServer = startUntyped as (options: { skills: Record<string, { steps: string[] }> }) => Promise<StrictServer>;

const BASE = 'https://api.example.com/v1';
const SKILL = 'xyz_aisp_sbx_#1.0';
const STEPS = ['consent_form', 'bank_redirect', 'confirm'];
const CLIENT_ID = 'backend-test-client';
const APP_KEY = 'front-end-app-key-0001';
const SECRET = 'backend-secret-7f3a9c2e5d1b';
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Runs a whole flow with the browser client and resolves the temp token it hands off. */
async function completeFlow(baseUrl: string, clientId: string, clientAppKey: string): Promise<string> {
  let handedOff: string | undefined;
  const client = new OnboardingClient({
    baseUrl,
    clientId,
    clientAppKey,
    onTempToken: (token) => {
      handedOff = token;
    },
  });
  const session = await client.startSession({ skill: SKILL, tenantUserId: 'u-42' });
  await session.submitStep('consent_form', { iban: 'RO49AAAA1B31007593840000' });
  await session.submitStep('bank_redirect', {});
  const last = await session.submitStep('confirm', { accept: true });
  expect(last.completed).toBe(true);
  if (!handedOff) throw new Error('the flow completed without handing off a temp token');
  return handedOff;
}

/** The rejection of `promise`, which must be an OnboardingError. */
async function failure(promise: Promise<unknown>): Promise<OnboardingError> {
  const error = await promise.then(
    () => expect.unreachable('expected a rejection'),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(OnboardingError);
  expect(isOnboardingError(error)).toBe(true);
  return error as OnboardingError;
}

/** Every text an error exposes: message, stack, JSON and the whole cause chain. */
function exposedText(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current !== undefined && depth < 5; depth++) {
    if (current instanceof Error) {
      parts.push(current.message, current.stack ?? '', JSON.stringify(current), String(current));
      current = current.cause;
    } else {
      parts.push(String(current));
      break;
    }
  }
  return parts.join('\n');
}

function expectNoSecrets(error: unknown, ...secrets: string[]) {
  const text = exposedText(error);
  for (const secret of secrets) expect(text).not.toContain(secret);
}

describe('exchangeTempToken against the testing kit', () => {
  const api = createMockOnboardingApi({
    baseUrl: BASE,
    skills: { [SKILL]: { steps: STEPS } },
    clientId: CLIENT_ID,
    clientAppKey: APP_KEY,
    clientSecret: SECRET,
  });
  const server = setupServer(...api.handlers);
  const options = (tempToken: string, extra: Partial<ExchangeTempTokenOptions> = {}): ExchangeTempTokenOptions => ({
    baseUrl: BASE,
    clientId: CLIENT_ID,
    clientSecret: SECRET,
    tempToken,
    ...extra,
  });
  const tokenRequests = () => api.requests.filter((r) => r.endpoint === 'tokens');

  beforeAll(() => server.listen({ onUnhandledFrame: 'error' }));
  afterEach(() => {
    api.reset();
    server.resetHandlers();
  });
  afterAll(() => server.close());

  it('exchanges the temp token of a completed flow once, and the second exchange is refused with invalid_temp_token 401', async () => {
    const tempToken = await completeFlow(BASE, CLIENT_ID, APP_KEY);
    expect(api.issuedTempTokens).toEqual([tempToken]);

    const granted = await exchangeTempToken(options(tempToken));
    expect(granted).toEqual({
      credentialsId: expect.stringMatching(UUID),
      accessToken: expect.any(String),
      consentExpiresAt: expect.stringMatching(ISO),
      maxDataRetention: expect.stringMatching(ISO),
    });
    expect(Object.keys(granted).sort()).toEqual(['accessToken', 'consentExpiresAt', 'credentialsId', 'maxDataRetention']);
    expect(Date.parse(granted.consentExpiresAt)).toBeGreaterThan(Date.now());
    expect(tokenRequests()).toHaveLength(1);
    expect(tokenRequests()[0]).toMatchObject({
      method: 'POST',
      url: `${BASE}/tokens`,
      body: { client_id: CLIENT_ID, client_secret: SECRET, temp_token: tempToken },
      responseStatus: 200,
    });

    const again = await failure(exchangeTempToken(options(tempToken)));
    expect(again).toMatchObject({ code: 'invalid_temp_token', status: 401, retryable: false });
    expect(again.requestId).toMatch(UUID);
    expect(again.message).toMatch(/HTTP 401 invalid_temp_token/);
    expectNoSecrets(again, SECRET, tempToken);
  });

  it('refuses a wrong client secret with 401 and leaves the temp token exchangeable', async () => {
    const tempToken = await completeFlow(BASE, CLIENT_ID, APP_KEY);
    const wrongSecret = 'not-the-secret-123456';
    const error = await failure(exchangeTempToken(options(tempToken, { clientSecret: wrongSecret })));
    expect(error).toMatchObject({ code: 'invalid_client_secret', status: 401, retryable: false });
    expect(error.requestId).toMatch(UUID);
    expectNoSecrets(error, wrongSecret, tempToken, SECRET);

    await expect(exchangeTempToken(options(tempToken))).resolves.toMatchObject({ credentialsId: expect.stringMatching(UUID) });
  });

  it('refuses an unknown temp token with invalid_temp_token 401', async () => {
    const error = await failure(exchangeTempToken(options('never-issued-temp-token')));
    expect(error).toMatchObject({ code: 'invalid_temp_token', status: 401 });
    expectNoSecrets(error, SECRET, 'never-issued-temp-token');
  });

  it('rejects a 200 of the wrong shape with invalid_response, naming the fields but not their values', async () => {
    const tempToken = api.issuedTempTokens[0] ?? 'temp-token-unused-here';
    api.inject({ endpoint: 'tokens', kind: 'wrong-shape', body: { credentials_id: 42, access_token: SECRET } });
    const error = await failure(exchangeTempToken(options(tempToken)));
    expect(error.code).toBe('invalid_response');
    expect(error.status).toBe(200); // the server answered: it accepted the call
    const paths = error.issues?.map((i) => i.path?.join('.'));
    expect(paths).toEqual(expect.arrayContaining(['credentials_id', 'consent_exp', 'max_data_retention']));
    expectNoSecrets(error, SECRET, tempToken);
    expect(JSON.stringify(error.issues)).not.toContain(SECRET);
  });

  it('rejects timestamps that are not dates with invalid_response', async () => {
    api.inject({
      endpoint: 'tokens',
      kind: 'wrong-shape',
      body: { credentials_id: 'c-1', access_token: 'a-1', consent_exp: 'soon', max_data_retention: '2030-01-01T00:00:00Z' },
    });
    const error = await failure(exchangeTempToken(options('some-temp-token-value')));
    expect(error.code).toBe('invalid_response');
    expect(error.issues).toEqual([{ message: expect.any(String), path: ['consent_exp'] }]);
  });

  it('rejects a body that is not JSON with invalid_response', async () => {
    api.inject({ endpoint: 'tokens', kind: 'malformed-json' });
    const error = await failure(exchangeTempToken(options('some-temp-token-value')));
    expect(error.code).toBe('invalid_response');
  });

  it('rejects a dropped connection with a retryable network_error', async () => {
    const tempToken = await completeFlow(BASE, CLIENT_ID, APP_KEY);
    api.inject({ endpoint: 'tokens', kind: 'network' });
    const error = await failure(exchangeTempToken(options(tempToken)));
    expect(error).toMatchObject({ code: 'network_error', retryable: true, status: undefined });
    expectNoSecrets(error, SECRET, tempToken);
    // Nothing was processed, so the same token still works.
    await expect(exchangeTempToken(options(tempToken))).resolves.toMatchObject({ accessToken: expect.any(String) });
  });

  it('maps a proxy HTML page to an error with the status and no API code', async () => {
    api.inject({ endpoint: 'tokens', kind: 'html', status: 502 });
    const error = await failure(exchangeTempToken(options('some-temp-token-value')));
    expect(error).toMatchObject({ code: 'server_error', status: 502, retryable: true, requestId: undefined });
  });

  it('retries a 503 that carries Retry-After, then succeeds', async () => {
    const tempToken = await completeFlow(BASE, CLIENT_ID, APP_KEY);
    api.inject({ endpoint: 'tokens', kind: 'status', status: 503, retryAfter: 0 });
    await expect(exchangeTempToken(options(tempToken))).resolves.toMatchObject({ credentialsId: expect.stringMatching(UUID) });
    expect(tokenRequests().map((r) => r.responseStatus)).toEqual([503, 200]);
  });

  it('redacts the secret and the temp token when the server echoes them', async () => {
    const tempToken = 'echoed-temp-token-abcdef';
    api.inject({
      endpoint: 'tokens',
      kind: 'bare-message',
      status: 400,
      message: `bad pair client_secret=${SECRET} temp_token=${tempToken}`,
    });
    const error = await failure(exchangeTempToken(options(tempToken)));
    expect(error.status).toBe(400);
    expect(error.message).toContain('[redacted]');
    expectNoSecrets(error, SECRET, tempToken);
  });

  it('never writes the secret or the temp token to the logger', async () => {
    const tempToken = await completeFlow(BASE, CLIENT_ID, APP_KEY);
    const debug = vi.fn();
    api.inject({ endpoint: 'tokens', kind: 'status', status: 503, retryAfter: 0 });
    await exchangeTempToken(options(tempToken, { logger: { debug } }));
    api.inject({ endpoint: 'tokens', kind: 'bare-message', status: 400, message: `echo ${SECRET} ${tempToken}` });
    await failure(exchangeTempToken(options(tempToken, { logger: { debug } })));
    expect(debug).toHaveBeenCalled();
    const logged = JSON.stringify(debug.mock.calls);
    expect(logged).not.toContain(SECRET);
    expect(logged).not.toContain(tempToken);
  });

  it('rejects with aborted when the caller aborts, and with timeout when the API does not answer', async () => {
    api.inject({ endpoint: 'tokens', kind: 'delay', ms: 'infinite' });
    const controller = new AbortController();
    const pending = exchangeTempToken(options('some-temp-token-value', { signal: controller.signal }));
    await until(() => tokenRequests().length === 1);
    controller.abort();
    expect(await failure(pending)).toMatchObject({ code: 'aborted' });

    api.inject({ endpoint: 'tokens', kind: 'delay', ms: 'infinite' });
    const slow = await failure(exchangeTempToken(options('some-temp-token-value', { timeoutMs: 50 })));
    expect(slow).toMatchObject({ code: 'timeout', retryable: true });
  });

  it('uses the given fetch', async () => {
    const tempToken = await completeFlow(BASE, CLIENT_ID, APP_KEY);
    const spy = vi.fn((...args: Parameters<typeof fetch>) => fetch(...args));
    await exchangeTempToken(options(tempToken, { fetch: spy }));
    expect(spy).toHaveBeenCalledTimes(1);
    const [input] = spy.mock.calls[0]!;
    expect(input instanceof Request ? input.url : String(input)).toBe(`${BASE}/tokens`);
  });

  it.each<[string, Record<string, unknown>]>([
    ['no baseUrl', { baseUrl: undefined }],
    ['a relative baseUrl', { baseUrl: '/v1' }],
    ['a plain-http remote baseUrl', { baseUrl: 'http://api.example.com/v1' }],
    ['no clientId', { clientId: undefined }],
    ['an empty clientSecret', { clientSecret: '' }],
    ['a clientSecret that is not a string', { clientSecret: 12345678 }],
    ['a blank tempToken', { tempToken: '   ' }],
    ['a zero timeoutMs', { timeoutMs: 0 }],
    ['a timeoutMs beyond setTimeout', { timeoutMs: 2 ** 31 }],
    ['a negative retry limit', { retry: { limit: -1 } }],
    ['a fetch that is not a function', { fetch: 'fetch' }],
    ['a signal that is not an AbortSignal', { signal: {} }],
    ['a logger without debug', { logger: {} }],
  ])('rejects %s with invalid_config and sends nothing', async (_, override) => {
    const error = await failure(exchangeTempToken({ ...options('valid-temp-token-123'), ...override } as ExchangeTempTokenOptions));
    expect(error).toMatchObject({ code: 'invalid_config', status: undefined, retryable: false });
    expectNoSecrets(error, SECRET, 'valid-temp-token-123');
    expect(api.requests).toHaveLength(0);
  });

  it('rejects a missing options object with invalid_config', async () => {
    expect(await failure(exchangeTempToken(undefined as unknown as ExchangeTempTokenOptions))).toMatchObject({ code: 'invalid_config' });
  });

  it('never echoes a secret pasted into the wrong field', async () => {
    const error = await failure(exchangeTempToken(options('valid-temp-token-123', { baseUrl: SECRET })));
    expect(error.code).toBe('invalid_config');
    expectNoSecrets(error, SECRET);
  });
});

describe('exchangeTempToken against an independent HTTP implementation of the API', () => {
  let strict: StrictServer;
  beforeAll(async () => {
    strict = await startStrictServer({ skills: { [SKILL]: { steps: STEPS } } });
  });
  afterAll(() => strict?.close());

  it('exchanges a real flow temp token once over loopback, and refuses it the second time', async () => {
    const { clientId, clientAppKey, clientSecret } = strict.credentials;
    const tempToken = await completeFlow(strict.url, clientId, clientAppKey);
    const exchange = () => exchangeTempToken({ baseUrl: strict.url, clientId, clientSecret, tempToken });

    const granted = await exchange();
    expect(granted.credentialsId).toMatch(UUID);
    expect(granted.accessToken).toMatch(/^acc_/);
    expect(granted.consentExpiresAt).toMatch(ISO);
    expect(granted.maxDataRetention).toMatch(ISO);

    const again = await failure(exchange());
    expect(again).toMatchObject({ code: 'invalid_temp_token', status: 401, retryable: false });
    expect(again.requestId).toEqual(expect.any(String));
    expectNoSecrets(again, clientSecret, tempToken);
  });
});
