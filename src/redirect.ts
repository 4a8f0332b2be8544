import { OnboardingError } from './errors.js';
import { isSafeUrl } from './internal/url.js';

/**
 * Checks an address a step's answer says to visit (e.g. `data.redirect_url` of
 * a bank step) before the page navigates there. The SDK hands `data` over as
 * the server sent it; navigate through this instead of using it directly:
 *
 * ```ts
 * location.assign(safeRedirectUrl(step.data.redirect_url));
 * ```
 *
 * Returns the absolute URL. Throws `OnboardingError` with code
 * `invalid_redirect_url` for anything but an absolute `https:` URL (`http:`
 * only for localhost, 127.0.0.1 and [::1]) without `user:password@`: a
 * `javascript:` or `data:` URL from a compromised answer must never run in the page.
 */
export function safeRedirectUrl(url: unknown): string {
  let parsed: URL | undefined;
  try {
    // No base: a relative or protocol-relative address is refused, not resolved against the page.
    parsed = typeof url === 'string' ? new URL(url) : undefined;
  } catch {
    parsed = undefined;
  }
  if (!parsed || !isSafeUrl(parsed)) {
    throw new OnboardingError(
      'invalid_redirect_url',
      'The redirect address is not an absolute https URL (http only for localhost); it was not followed.',
    );
  }
  return parsed.href;
}
