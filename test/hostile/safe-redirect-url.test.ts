/**
 * Attack: a step's answer carries `data.redirect_url` for the bank's page, and
 * the SDK hands `data` over untouched. A compromised or spoofed answer puts a
 * `javascript:` or `data:` URL there, or a plain-http or protocol-relative
 * one. `safeRedirectUrl` is what an integrator navigates through: it returns
 * an absolute https URL (http only on the developer's own machine) and
 * throws `invalid_redirect_url` for anything else.
 */
import { describe, expect, it } from 'vitest';
import { isOnboardingError, safeRedirectUrl } from '../../src/index.js';

function thrown(value: unknown): unknown {
  try {
    safeRedirectUrl(value);
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('safeRedirectUrl', () => {
  it.each(['https://bank.example/sca?x=1', 'http://localhost:5173/x', 'http://127.0.0.1/x'])('returns %s as it is', (url) => {
    expect(safeRedirectUrl(url)).toBe(url);
  });

  it.each([
    ['a javascript: URL', 'javascript:alert(1)'],
    ['a javascript: URL with a leading space and capitals', ' JavaScript:alert(1)'],
    ['a data: URL', 'data:text/html,<script>alert(1)</script>'],
    ['a plain-http URL of a remote host', 'http://bank.example/'],
    ['a protocol-relative URL', '//evil.example'],
    ['a relative path', '/sca?state=abc'],
    ['a relative path without a slash', 'sca?state=abc'],
    ['an https URL with user:password@', 'https://user:pw@bank.example/'],
    ['an empty string', ''],
  ])('throws invalid_redirect_url for %s', (_label, url) => {
    const error = thrown(url);
    expect(isOnboardingError(error), `safeRedirectUrl(${JSON.stringify(url)}) did not throw an OnboardingError: ${String(error)}`).toBe(true);
    expect((error as { code: string }).code).toBe('invalid_redirect_url');
  });

  it.each([
    ['undefined', undefined],
    ['null', null],
    ['a number', 42],
    ['an object whose toString is an https URL', { toString: () => 'https://bank.example/' }],
    ['an array holding an https URL', ['https://bank.example/']],
  ])('throws invalid_redirect_url for a non-string: %s', (_label, value) => {
    const error = thrown(value);
    expect(isOnboardingError(error), `safeRedirectUrl(${_label}) did not throw an OnboardingError: ${String(error)}`).toBe(true);
    expect((error as { code: string }).code).toBe('invalid_redirect_url');
  });
});
