/**
 * Every default and limit of the SDK, in one place: the options' JSDoc
 * (`@default`) points here, and nothing else hard-codes a number.
 */

/** Nonces live 30 minutes after they are issued (documented by the API). */
export const NONCE_TTL_MS = 30 * 60 * 1000;

/** setTimeout's ceiling: a longer delay fires at once in browsers (and ky refuses it). */
export const MAX_TIMEOUT_MS = 2_147_483_647;

/** Defaults shared by the browser client and the server helper. */
export const TRANSPORT_DEFAULTS = {
  timeoutMs: 30_000,
  // The API's answers are a few hundred bytes; 1 MiB leaves room for any step's data.
  maxResponseBytes: 1_048_576,
  retry: { limit: 2, maxRetryAfterMs: 10_000 },
} as const;

/** Defaults of the browser client's own options. */
export const CLIENT_DEFAULTS = {
  // Uploads from a phone on a slow uplink take minutes.
  uploadTimeoutMs: 300_000,
  nonceTtlMs: NONCE_TTL_MS,
  nonceWarningMs: 5 * 60_000,
  handoffTimeoutMs: 60_000,
  storageKeyPrefix: 'onboarding-sdk:',
} as const;

/** How far ahead of the clock a stored issue time may be (the clock may have been set back a little since it was written). */
export const MAX_CLOCK_SKEW_MS = 60_000;

/** How many spent nonces the page remembers, so a twin session cannot replay one (see internal/nonce-claims.ts). */
export const MAX_NONCE_CLAIMS = 4096;

/**
 * Least time between two upload progress reports over XHR: WebKit fires one
 * event per 8 KiB sent (~1,000 for 8 MiB), more than a progress bar can show.
 * The first report and the final one (100 %) are never held back.
 */
export const UPLOAD_PROGRESS_INTERVAL_MS = 50;
