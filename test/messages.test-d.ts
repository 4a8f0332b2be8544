/**
 * Compile-time behaviour of userMessage's tables, checked by vitest's
 * typecheck mode inside `npm test` (nothing here runs).
 */
import { describe, expectTypeOf, it } from 'vitest';
import { defaultUserMessages, userMessage, type KnownOnboardingErrorCode, type OnboardingErrorCode, type UserMessages } from '../src/index.js';

describe('defaultUserMessages', () => {
  it('is keyed by every named code and default, read-only', () => {
    expectTypeOf(defaultUserMessages).toEqualTypeOf<Readonly<Record<KnownOnboardingErrorCode | 'default', string>>>();
    // @ts-expect-error -- frozen
    defaultUserMessages.timeout = 'x';
  });
});

describe('KnownOnboardingErrorCode', () => {
  it('is the named members of OnboardingErrorCode, without the open string', () => {
    expectTypeOf<'nonce_expired'>().toExtend<KnownOnboardingErrorCode>();
    expectTypeOf<'invalid_temp_token'>().toExtend<KnownOnboardingErrorCode>();
    expectTypeOf<KnownOnboardingErrorCode>().toExtend<OnboardingErrorCode>();
    expectTypeOf<string>().not.toExtend<KnownOnboardingErrorCode>();
  });

  it('makes a translation that misses a code fail to compile', () => {
    const { timeout: _left_out, ...incomplete } = defaultUserMessages;
    // @ts-expect-error -- `timeout` is missing
    incomplete satisfies Record<KnownOnboardingErrorCode | 'default', string>;
    ({ ...defaultUserMessages }) satisfies Record<KnownOnboardingErrorCode | 'default', string>;
  });
});

describe('userMessage', () => {
  it('takes any error and returns a string', () => {
    expectTypeOf(userMessage).parameter(0).toBeUnknown();
    expectTypeOf(userMessage(new Error('x'))).toBeString();
  });

  it('takes a partial table of named codes, the API’s own codes and default', () => {
    userMessage(null, { nonce_expired: 'Sesiunea a expirat.', default: 'Eroare.' });
    userMessage(null, { some_new_api_code: 'Ceva nou.' });
    const table: UserMessages = { network_error: 'Verificați conexiunea.' };
    userMessage(null, table);
    // @ts-expect-error -- sentences are strings
    userMessage(null, { timeout: 42 });
  });
});
