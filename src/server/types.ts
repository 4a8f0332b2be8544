// Retry and logger shapes are spelled out here rather than imported from the
// client's config: sharing those modules would pull the client's internal
// types into a declaration chunk shared by both entries.

/** Bounded retry of `429`/`503` answers carrying `Retry-After` (they say nothing was processed). */
export interface ExchangeRetryOptions {
  /**
   * Extra attempts after the first; 0 disables.
   * @default 2
   */
  limit?: number;
  /**
   * Longest single wait honoured, in ms; a longer `Retry-After` is reported on the error instead.
   * @default 10_000
   */
  maxRetryAfterMs?: number;
}

/** A sink for debug lines, e.g. `console`. Same shape as the client's `OnboardingLogger`. */
export interface ExchangeLogger {
  /**
   * Receives the exchange's log lines: one per request (method, path, status,
   * duration, attempt) and each retry wait. A logger that also has `info`,
   * `warn` or `error` methods (e.g. `console`) gets those levels' lines there.
   * @param message The line, prefixed `[onboarding-sdk]` and redacted of the client secret and the temp token.
   * @param details Structured context; string values are redacted too.
   */
  debug(message: string, details?: Record<string, unknown>): void;
}

/** Options of {@link exchangeTempToken}. */
export interface ExchangeTempTokenOptions {
  /** API base, e.g. `https://api.example.com/v1`. Must be https, except for localhost/127.0.0.1/[::1]. */
  baseUrl: string;
  /** The tenant application's client id (the same one the front-end uses). */
  clientId: string;
  /**
   * The tenant's client secret. Backend only: it is sent in the request body and
   * nowhere else, and never appears in an error's message, JSON, `cause` or a log line.
   */
  clientSecret: string;
  /** The temp token the front-end received in `onTempToken`. Single use; redacted like the secret. */
  tempToken: string;
  /** Aborts the exchange; rejects with `aborted`. */
  signal?: AbortSignal;
  /**
   * Timeout of the whole request (headers and body), in ms.
   * @default 30_000
   */
  timeoutMs?: number;
  /**
   * Largest answer body read, in bytes; a larger one fails as `invalid_response`
   * (a broken or hostile upstream cannot grow the backend's memory without bound).
   * @default 1_048_576
   */
  maxResponseBytes?: number;
  /**
   * Retry of `429`/`503` answers carrying `Retry-After`.
   * @default { limit: 2, maxRetryAfterMs: 10_000 }
   */
  retry?: ExchangeRetryOptions;
  /**
   * `fetch` to use; looked up at call time so test tools that patch it still intercept.
   * @default globalThis.fetch
   */
  fetch?: typeof globalThis.fetch;
  /** Optional debug logger; every line is redacted of the secret and the temp token. */
  logger?: ExchangeLogger;
}

/**
 * What `POST /tokens` grants, in camelCase. Store `accessToken` and
 * `credentialsId` with your end-user's record.
 *
 * The two dates are the API's ISO 8601 UTC timestamps as sent (e.g.
 * `'2026-03-01T11:22:54Z'`), checked to be parseable: strings stay lossless and
 * JSON-safe for storage; `new Date(result.consentExpiresAt)` when you need a `Date`.
 */
export interface ExchangedCredentials {
  /** `credentials_id`: identifies the granted credentials at the provider. */
  credentialsId: string;
  /** `access_token`: a secret of your backend, like the client secret. */
  accessToken: string;
  /** `consent_exp`: when the end-user's consent expires (ISO 8601). */
  consentExpiresAt: string;
  /** `max_data_retention`: until when you may keep the data obtained (ISO 8601). */
  maxDataRetention: string;
}
