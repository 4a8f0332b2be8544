import { describe, expect, it, vi } from 'vitest';
import { OnboardingClient, OnboardingError, type OnboardingClientConfig } from '../src/index.js';
import { APP_KEY, BASE_URL, CLIENT_ID, SKILL, setupMockApi } from './helpers.js';

const { api } = setupMockApi();

const valid = (): OnboardingClientConfig => ({ baseUrl: BASE_URL, clientId: CLIENT_ID, clientAppKey: APP_KEY, onTempToken: vi.fn() });

/** The OnboardingError the constructor throws for `config` (fails the test if it does not throw one). */
function configError(config: unknown): OnboardingError {
  try {
    new OnboardingClient(config as OnboardingClientConfig);
  } catch (error) {
    expect(error).toBeInstanceOf(OnboardingError);
    return error as OnboardingError;
  }
  throw new Error('expected the constructor to throw');
}

describe('the constructor refuses a bad config with invalid_config', () => {
  it.each([
    'http://api.example.com/v1',
    'http://192.168.1.10/v1',
    'http://localhost.example.com/v1',
    'ftp://api.example.com/v1',
    'ws://localhost/v1',
    'api.example.com/v1',
    '/v1',
    '',
  ])('refuses the baseUrl %j', (baseUrl) => {
    expect(configError({ ...valid(), baseUrl }).code).toBe('invalid_config');
  });

  it.each(['clientId', 'clientAppKey', 'onTempToken', 'baseUrl'] as const)('refuses a missing %s', (field) => {
    const config: Record<string, unknown> = { ...valid() };
    delete config[field];

    const error = configError(config);

    expect(error.code).toBe('invalid_config');
    expect(error.message).toContain(field);
  });

  it.each([
    ['an empty clientId', { clientId: '' }],
    ['a blank clientAppKey', { clientAppKey: '   ' }],
    ['a numeric clientId', { clientId: 42 }],
    ['an onTempToken that is not a function', { onTempToken: 'https://backend.example/token' }],
  ])('refuses %s', (_what, patch) => {
    expect(configError({ ...valid(), ...patch }).code).toBe('invalid_config');
  });

  it('refuses no config at all', () => {
    expect(configError(undefined).code).toBe('invalid_config');
    expect(configError(null).code).toBe('invalid_config');
  });

  it('refuses a clientSecret option without ever echoing its value', () => {
    const secret = 'sk_live_do-not-ship-me-9f8e7d';

    for (const config of [{ ...valid(), clientSecret: secret }, { ...valid(), client_secret: secret }]) {
      const error = configError(config);
      expect(error.code).toBe('invalid_config');
      expect(error.message).not.toContain(secret);
      expect(JSON.stringify(error)).not.toContain(secret);
      expect(String(error.cause)).not.toContain(secret);
    }
  });

  it('refuses a clientSecret even when it is empty or undefined', () => {
    expect(configError({ ...valid(), clientSecret: undefined }).code).toBe('invalid_config');
    expect(configError({ ...valid(), clientSecret: '' }).code).toBe('invalid_config');
  });

  it.each([0, -1, Number.NaN, Number.POSITIVE_INFINITY, '1000'])('refuses timeoutMs %s', (timeoutMs) => {
    expect(configError({ ...valid(), timeoutMs }).code).toBe('invalid_config');
  });

  it.each([-1, Number.NaN, 'many'])('refuses retry.limit %s', (limit) => {
    expect(configError({ ...valid(), retry: { limit } }).code).toBe('invalid_config');
  });

  it.each([
    ['a string', 'sessionStorage'],
    ['an object without removeItem', { getItem: () => null, setItem: () => {} }],
    ['an object with a non-function getItem', { getItem: 1, setItem: () => {}, removeItem: () => {} }],
    ['null', null],
  ])('refuses a storage that is %s', (_what, storage) => {
    expect(configError({ ...valid(), storage }).code).toBe('invalid_config');
  });

  it("refuses an uploadTransport other than 'auto', 'xhr' or 'fetch'", () => {
    expect(configError({ ...valid(), uploadTransport: 'websocket' }).code).toBe('invalid_config');
  });

  it('refuses a logger without debug()', () => {
    expect(configError({ ...valid(), logger: {} }).code).toBe('invalid_config');
  });

  it('does not send anything when it refuses', () => {
    configError({ ...valid(), baseUrl: 'http://api.example.com/v1' });

    expect(api.requests).toHaveLength(0);
  });
});

describe('the constructor accepts', () => {
  it.each(['http://localhost:8080/v1', 'http://127.0.0.1:3000/v1', 'http://[::1]:4000/v1', 'https://api.example.com/v1/', 'https://localhost/v1'])(
    'the baseUrl %s',
    (baseUrl) => {
      expect(() => new OnboardingClient({ ...valid(), baseUrl })).not.toThrow();
    },
  );

  it('a trailing slash on baseUrl without doubling it in request URLs', async () => {
    const client = new OnboardingClient({ ...valid(), baseUrl: `${BASE_URL}/` });

    await client.startSession({ skill: SKILL, tenantUserId: 'u-42' });

    expect(api.requests[0]!.url).toBe(`${BASE_URL}/sessions`);
  });

  it('a complete set of optional settings', () => {
    const storage = { getItem: () => null, setItem: () => {}, removeItem: () => {} };
    expect(
      () =>
        new OnboardingClient({
          ...valid(),
          timeoutMs: 5_000,
          uploadTimeoutMs: 60_000,
          retry: { limit: 0, maxRetryAfterMs: 0 },
          storage,
          storageKey: 'k',
          nonceTtlMs: 60_000,
          nonceWarningMs: 0,
          now: () => 0,
          fetch: globalThis.fetch,
          uploadTransport: 'fetch',
          logger: { debug: () => {} },
        }),
    ).not.toThrow();
  });

  it('construction without touching the network or a browser global', () => {
    const fetch = vi.fn();
    new OnboardingClient({ ...valid(), fetch });

    expect(fetch).not.toHaveBeenCalled();
  });
});
