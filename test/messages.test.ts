/**
 * userMessage: one short, non-technical sentence per failure, by code, with
 * the integrator's translations first and a fallback for codes the SDK does
 * not know.
 */
import { readFileSync } from 'node:fs';
import { runInNewContext } from 'node:vm';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OnboardingError, defaultUserMessages, userMessage, type UserMessages } from '../src/index.js';
import { APP_KEY, PRODUCT_FORM, SKILL, createClient, fileOf, rejectionOf, setupMockApi } from './helpers.js';

const { api } = setupMockApi();

const error = (code: string, options: ConstructorParameters<typeof OnboardingError>[2] = {}) => new OnboardingError(code, `technical message for ${code}`, options);

/** The named members of `OnboardingErrorCode`, read from its declaration. */
function declaredCodes(): string[] {
  const source = readFileSync(new URL('../src/errors.ts', import.meta.url), 'utf8');
  const declaration = source.slice(source.indexOf('export type OnboardingErrorCode'), source.indexOf('(string & {})'));
  return [...declaration.matchAll(/\|\s*'([a-z0-9_]+)'/g)].map((m) => m[1]!);
}

describe('defaultUserMessages', () => {
  it('has a sentence for every code OnboardingErrorCode names, and for default', () => {
    const codes = declaredCodes();
    expect(codes.length).toBeGreaterThan(30);
    expect(Object.keys(defaultUserMessages).sort()).toEqual([...codes, 'default'].sort());
  });

  it('is frozen', () => {
    expect(Object.isFrozen(defaultUserMessages)).toBe(true);
  });

  it('speaks to end users: short sentences with no status, code, protocol word or secret', () => {
    for (const [code, sentence] of Object.entries(defaultUserMessages)) {
      expect(sentence, code).toMatch(/^[A-Z].{10,110}\.$/);
      expect(sentence, code).not.toMatch(/\d|_|http|nonce|token|\bapi\b|json|request|status|error|client|skill|config|redirect|server/i);
    }
  });

  it('tells the user what to do when trying again can help', () => {
    for (const code of ['network_error', 'timeout', 'rate_limited', 'server_error', 'handoff_failed', 'default'] as const) {
      expect(defaultUserMessages[code], code).toMatch(/try again/i);
    }
    for (const code of ['nonce_expired', 'session_failed', 'redirect_state_mismatch'] as const) {
      expect(defaultUserMessages[code], code).toMatch(/start again/i);
    }
    expect(defaultUserMessages.network_error).toMatch(/connection/i);
  });
});

describe('userMessage', () => {
  it('answers an SDK code with its sentence, never with the error’s technical message', () => {
    expect(userMessage(error('nonce_expired', { apiCode: 'expired_nonce', status: 401 }))).toBe(defaultUserMessages.nonce_expired);
    expect(userMessage(error('network_error', { retryable: true }))).toBe(defaultUserMessages.network_error);
    expect(userMessage(error('validation_error'))).not.toContain('technical');
  });

  it('answers an API code it documents with that code’s sentence, whatever the status', () => {
    expect(userMessage(error('invalid_field', { status: 400 }))).toBe(defaultUserMessages.invalid_field);
    expect(userMessage(error('external_api_connection_error', { status: 502, retryable: true }))).toBe(defaultUserMessages.external_api_connection_error);
  });

  it.each([
    [401, false, 'unauthorized'],
    [403, false, 'unauthorized'],
    [404, false, 'not_found'],
    [408, true, 'timeout'],
    [429, true, 'rate_limited'],
    [500, true, 'server_error'],
    [503, true, 'server_error'],
    [409, false, 'http_error'],
    [422, false, 'http_error'],
    [409, true, 'default'],
    [200, false, 'default'],
    [undefined, true, 'default'],
    [undefined, false, 'default'],
  ] as const)('answers an unknown API code with status %s (retryable %s) like %s', (status, retryable, like) => {
    expect(userMessage(error('brand_new_server_code', { status, retryable }))).toBe(defaultUserMessages[like]);
  });

  it('answers anything that is not an OnboardingError with the default sentence', () => {
    for (const value of [new Error('ECONNREFUSED 10.0.0.1'), new TypeError('Failed to fetch'), 'boom', null, undefined, 42, {}, { code: 'timeout', status: 500 }]) {
      expect(userMessage(value)).toBe(defaultUserMessages.default);
    }
  });

  it('reads an OnboardingError from another realm or copy of the SDK by its code', () => {
    const foreign = runInNewContext("const e = new Error('m'); e.name = 'OnboardingError'; e.code = 'timeout'; e.retryable = true; e");
    expect(userMessage(foreign)).toBe(defaultUserMessages.timeout);
    // A malformed look-alike still gets a sentence.
    expect(userMessage({ name: 'OnboardingError', code: 42, status: '500' })).toBe(defaultUserMessages.default);
  });

  it('never reaches Object.prototype for a code the server chose', () => {
    for (const code of ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf']) {
      expect(userMessage(error(code, { status: 400 })), code).toBe(defaultUserMessages.http_error);
      expect(userMessage(error(code), {}), code).toBe(defaultUserMessages.default);
    }
  });

  it('always answers with one of the table’s sentences, whatever the error holds', () => {
    const sentences = new Set(Object.values(defaultUserMessages));
    fc.assert(
      fc.property(
        fc.string(),
        fc.option(fc.integer({ min: 100, max: 599 }), { nil: undefined }),
        fc.boolean(),
        fc.string(),
        (code, status, retryable, message) => {
          const answer = userMessage(new OnboardingError(code, message, { status, retryable, requestId: 'req_123' }));
          expect(sentences.has(answer)).toBe(true);
        },
      ),
    );
  });
});

describe('userMessage with your own sentences', () => {
  const ro: UserMessages = {
    nonce_expired: 'Sesiunea a expirat. Vă rugăm să reîncepeți.',
    server_error: 'Serviciul are probleme. Încercați din nou în câteva minute.',
    invalid_client_secret: 'Serviciul nu este disponibil.',
    default: 'Ceva nu a mers. Încercați din nou.',
  };

  it('uses yours first, for SDK codes, the API’s own codes and default', () => {
    expect(userMessage(error('nonce_expired'), ro)).toBe(ro.nonce_expired);
    expect(userMessage(error('invalid_client_secret', { status: 401 }), ro)).toBe(ro.invalid_client_secret);
    expect(userMessage(new Error('x'), ro)).toBe(ro.default);
    expect(userMessage(error('brand_new_server_code'), ro)).toBe(ro.default);
  });

  it('uses yours for the status fallback too', () => {
    expect(userMessage(error('brand_new_server_code', { status: 503, retryable: true }), ro)).toBe(ro.server_error);
  });

  it('falls back to English for what you did not translate, or left empty', () => {
    expect(userMessage(error('timeout', { retryable: true }), ro)).toBe(defaultUserMessages.timeout);
    expect(userMessage(error('timeout'), { timeout: '' })).toBe(defaultUserMessages.timeout);
  });

  it('ignores inherited properties of your table', () => {
    const table = Object.create({ timeout: 'inherited' }) as UserMessages;
    expect(userMessage(error('timeout'), table)).toBe(defaultUserMessages.timeout);
  });
});

describe('userMessage on the SDK’s real failures', () => {
  it('a dropped connection asks to check the connection', async () => {
    api.inject({ kind: 'network', endpoint: 'sessions' });
    const failure = await rejectionOf(createClient().startSession({ skill: SKILL, tenantUserId: 'u-42' }));
    expect(userMessage(failure)).toBe(defaultUserMessages.network_error);
  });

  it('an API code the SDK does not name, on a 5xx, is a server problem, without the code or the key', async () => {
    api.inject({ kind: 'status', status: 502, endpoint: 'steps', body: { id: 'e1', type: 'api_error', http: 502, code: 'upstream_wobble', message: 'x' } });
    const session = await createClient().startSession({ skill: SKILL, tenantUserId: 'u-42' });
    const failure = await rejectionOf(session.submitStep('product_form', PRODUCT_FORM));
    expect(failure).toMatchObject({ code: 'upstream_wobble', status: 502 });
    const sentence = userMessage(failure);
    expect(sentence).toBe(defaultUserMessages.server_error);
    expect(sentence).not.toContain(APP_KEY);
  });

  it('a wrong app key is "not available right now", not a credentials story', async () => {
    const failure = await rejectionOf(createClient({ clientAppKey: 'wrong-key' }).startSession({ skill: SKILL, tenantUserId: 'u-42' }));
    expect(failure.code).toBe('invalid_client_app_key');
    expect(userMessage(failure)).toBe(defaultUserMessages.invalid_client_app_key);
  });

  it('an upload before any step is a call the session cannot make now', async () => {
    const session = await createClient().startSession({ skill: SKILL, tenantUserId: 'u-42' });
    const failure = await rejectionOf(session.upload(fileOf(16)));
    expect(failure.code).toBe('invalid_state');
    expect(userMessage(failure)).toBe(defaultUserMessages.invalid_state);
  });
});
