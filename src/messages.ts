/**
 * Short, non-technical sentences for end users, by error code. Imported only
 * by whoever calls `userMessage`: the client never loads this module, so
 * `import { OnboardingClient }` does not pay for the sentences.
 */
import { isOnboardingError, type KnownOnboardingErrorCode, type OnboardingErrorCode } from './errors.js';

/**
 * Sentences by error code, for {@link userMessage}: any subset of the SDK's
 * codes and the API's documented ones, any other code the API sends, and
 * `default` for everything else. Missing or empty entries fall back to
 * {@link defaultUserMessages}.
 */
export type UserMessages = Readonly<Partial<Record<OnboardingErrorCode | 'default', string>>>;

/**
 * The English sentence for every named code, plus `default`. Each says what
 * happened in the user's words and what they can do; none holds a status, an
 * id, a nonce or a token. Typed as a complete record, so adding a code to
 * `OnboardingErrorCode` without a sentence here fails the type check.
 */
export const defaultUserMessages: Readonly<Record<KnownOnboardingErrorCode | 'default', string>> = /* @__PURE__ */ Object.freeze({
  network_error: 'We couldn’t connect. Check your internet connection and try again.',
  timeout: 'This is taking longer than expected. Check your internet connection and try again.',
  aborted: 'This was cancelled. Please try again.',
  invalid_response: 'Something went wrong on our side. Please try again later.',
  redirect_refused: 'Something went wrong on our side. Please try again later.',
  invalid_redirect_url: 'We couldn’t take you to your bank. Please start again.',
  redirect_state_mismatch: 'We couldn’t continue after your visit to your bank. Please start again.',
  internal_error: 'Something went wrong. Please try again later.',
  nonce_expired: 'Your session has expired. For your security, please start again.',
  session_completed: 'You have already completed this. There is nothing more to do.',
  session_failed: 'We lost track of your progress. Please start again.',
  invalid_config: 'This service is not available right now. Please try again later.',
  invalid_state: 'This can’t be done right now. Please reload the page and try again.',
  validation_error: 'Some of your details need another look. Please check them and try again.',
  step_out_of_order: 'Please complete the previous steps first.',
  uploads_missing: 'Please upload all the required documents before you continue.',
  handoff_failed: 'You’re all done, but we couldn’t save the result yet. Please try again.',
  http_error: 'We couldn’t complete this action. Please try again later.',
  unauthorized: 'This service is not available right now. Please try again later.',
  not_found: 'We couldn’t find your application. Please start again.',
  rate_limited: 'Too many attempts. Please wait a moment and try again.',
  server_error: 'Our service is having trouble right now. Please try again in a few minutes.',
  missing_fields: 'Some required details are missing. Please fill them in and try again.',
  invalid_field: 'Some of your details don’t look right. Please check them and try again.',
  invalid_step: 'Something went wrong with this step. Please start again.',
  invalid_skill_name: 'This service is not available right now. Please try again later.',
  invalid_client_id: 'This service is not available right now. Please try again later.',
  invalid_client_app_key: 'This service is not available right now. Please try again later.',
  invalid_temp_token: 'We couldn’t complete your application. Please start again.',
  external_api_connection_error: 'We couldn’t reach your bank or a partner service. Please try again in a few minutes.',
  external_api_too_many_requests: 'Your bank or a partner service is busy. Please wait a moment and try again.',
  default: 'Something went wrong. Please try again.',
});

const own = (table: object, key: string): string | undefined => {
  // Codes come from the server: `constructor` or `__proto__` must not reach Object.prototype.
  if (!Object.prototype.hasOwnProperty.call(table, key)) return undefined;
  const value = (table as Record<string, unknown>)[key];
  return typeof value === 'string' && value !== '' ? value : undefined;
};

/** The named code whose sentence fits a status, for a code the table does not know. */
function codeForStatus(status: number | undefined, retryable: boolean): KnownOnboardingErrorCode | 'default' {
  if (status === undefined || status < 400) return 'default';
  if (status === 401 || status === 403) return 'unauthorized';
  if (status === 404) return 'not_found';
  if (status === 408) return 'timeout';
  if (status === 429) return 'rate_limited';
  if (status >= 500) return 'server_error';
  return retryable ? 'default' : 'http_error';
}

/**
 * A short sentence to show the end user for a failure: never the error's
 * technical `message`, never a status, id or secret.
 *
 * Looked up by the error's `code` in `messages`, then in
 * {@link defaultUserMessages}. A code neither knows (the API's own, passed
 * through verbatim) is answered by its HTTP status — 401/403 as
 * `unauthorized`, 404 `not_found`, 408 `timeout`, 429 `rate_limited`, 5xx
 * `server_error`, another 4xx `http_error` (`default` when `retryable`) —
 * and anything else, including a value that is not an `OnboardingError`, by
 * `default`. At each step `messages` comes first, so a translation of the
 * named codes and `default` covers every error.
 *
 * @example
 * showAlert(userMessage(error));
 * showAlert(userMessage(error, { nonce_expired: 'Sesiunea a expirat. Vă rugăm să reîncepeți.' }));
 */
export function userMessage(error: unknown, messages: UserMessages = {}): string {
  const pick = (code: string) => own(messages, code) ?? own(defaultUserMessages, code);
  if (!isOnboardingError(error)) return pick('default')!;
  const code = typeof error.code === 'string' ? error.code : '';
  const status = typeof error.status === 'number' ? error.status : undefined;
  return pick(code) ?? pick(codeForStatus(status, error.retryable === true)) ?? pick('default')!;
}
