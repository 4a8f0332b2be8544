import { OnboardingError } from './errors.js';
import type { OnboardingLogLevel, OnboardingLogger } from './internal/logger.js';
import { CLIENT_DEFAULTS, TRANSPORT_DEFAULTS } from './defaults.js';
import { optionalNumber, requireString, resolveRetry, type Fail, type ResolvedRetry } from './internal/checks.js';
import { isSafeUrl } from './internal/url.js';

/** What `onTempToken` is told besides the token itself. */
export interface HandoffInfo {
  /** The completed session's id. */
  readonly sessionId: string;
  /** The skill the session ran. */
  readonly skill: string;
  /** The id of the step that returned the temp token. */
  readonly stepId: string;
}

/**
 * Where the SDK may keep a session's resumable state (e.g. `sessionStorage`).
 * Only `getItem`/`setItem`/`removeItem` are used, so any adapter works.
 */
export interface StorageLike {
  /**
   * Reads the value stored under `key`.
   * @returns The stored string, or `null` when there is none (as `Storage.getItem`).
   */
  getItem(key: string): string | null;
  /**
   * Stores `value` (a JSON string) under `key`, replacing any previous value.
   * May throw (e.g. quota exceeded): the session then goes on without being
   * resumable, and a bank redirect is refused (its return could not be verified).
   */
  setItem(key: string, value: string): void;
  /** Deletes the value under `key` (a session that ended, a consumed bank redirect); a missing key is not an error. */
  removeItem(key: string): void;
}

/** Bounded, transparent retry of answers that say the request was *not* processed. */
export interface RetryOptions {
  /**
   * Extra attempts after the first for `429`/`503` with `Retry-After`; 0 disables.
   * @default 2
   */
  limit?: number;
  /**
   * Longest single wait honoured, in ms; a longer `Retry-After` is not waited for but reported on the error (`retryAfterMs`).
   * @default 10_000
   */
  maxRetryAfterMs?: number;
}

/** Options of {@link OnboardingClient}. */
export interface OnboardingClientConfig {
  /** API base, e.g. `https://api.example.com/v1`. Must be https, except for localhost/127.0.0.1/[::1]. */
  baseUrl: string;
  /** The tenant application's client id. */
  clientId: string;
  /** The front-end-safe app key. Never logged, emitted or stored by the SDK. */
  clientAppKey: string;
  /**
   * Receives the temp token when the last step completes: post it to your own
   * backend, which exchanges it with its client secret. Called exactly once per
   * completion; if it throws, the token is kept in memory and
   * `session.retryHandoff()` calls it again.
   */
  onTempToken: (tempToken: string, info: HandoffInfo) => void | Promise<void>;
  /**
   * Time limit of each JSON call, in ms: connecting, the headers and the whole body.
   * @default 30_000
   */
  timeoutMs?: number;
  /**
   * Time limit of each upload, in ms; uploads from a phone can take minutes.
   * @default 300_000
   */
  uploadTimeoutMs?: number;
  /**
   * Largest answer body read, in bytes. A larger one (declared or streamed)
   * fails the call as `invalid_response`, so a broken or hostile server cannot
   * grow the page's memory without bound.
   * @default 1_048_576 (1 MiB; the API's answers are a few hundred bytes)
   */
  maxResponseBytes?: number;
  /**
   * How long `submitStep` (on the completing step) and `retryHandoff()` wait for
   * `onTempToken` to settle before resolving with `handedOff: false` (the token
   * is kept for `retryHandoff()`), so a hung backend call never hangs the flow.
   * @default 60_000
   */
  handoffTimeoutMs?: number;
  /**
   * Retry of `429`/`503` answers carrying `Retry-After`.
   * @default { limit: 2, maxRetryAfterMs: 10_000 }
   */
  retry?: RetryOptions;
  /**
   * Opt-in persistence (e.g. `sessionStorage`) so a session survives a reload or
   * a bank redirect; see `client.resumeSession()`. Holds the session id, skill,
   * current nonce and progress — never the app key or the temp token.
   * @default undefined (no persistence)
   */
  storage?: StorageLike;
  /**
   * With `storage`, tabs of one origin that hold the same session coordinate
   * (Web Locks, IndexedDB, BroadcastChannel): each call uses the newest nonce
   * whichever tab got it, the other tabs' snapshots follow, and `onTempToken`
   * runs once. `false` turns it off (each tab then acts alone).
   * @default true
   */
  crossTab?: boolean;
  /**
   * Key under which `storage` keeps the session (and, under `${storageKey}:redirect`, a pending bank redirect).
   * @default `onboarding-sdk:${clientId}`
   */
  storageKey?: string;
  /**
   * Lifetime of a nonce after it was issued, in ms (the API's).
   * @default 1_800_000 (30 minutes)
   */
  nonceTtlMs?: number;
  /**
   * How long before expiry `nonce:expiring` fires, in ms; 0 turns the warning off.
   * @default 300_000 (5 minutes)
   */
  nonceWarningMs?: number;
  /**
   * Clock in ms since the epoch; injectable for tests.
   * @default Date.now
   */
  now?: () => number;
  /**
   * `fetch` to use; injectable for tests and custom runtimes. Looked up at call
   * time, so test tools that patch `globalThis.fetch` later still intercept.
   * @default globalThis.fetch
   */
  fetch?: typeof globalThis.fetch;
  /**
   * How uploads are sent. `'auto'` uses `XMLHttpRequest` where it exists,
   * because only it reports real upload progress over HTTP/1.1, and `fetch`
   * elsewhere (Node, workers).
   * @default 'auto'
   */
  uploadTransport?: 'auto' | 'xhr' | 'fetch';
  /**
   * Debug logger (e.g. `console`); every line is redacted of the app key, the session's nonces and its temp token.
   * @default undefined (silent)
   */
  logger?: OnboardingLogger;
  /**
   * The least severe lines the `logger` gets: `'debug'` for support sessions
   * (every retry wait, storage and tab decision), `'info'` one line per call
   * (method, path, status, duration, attempt; the API's code and request id on
   * failure), `'warn'` failures only, `'silent'` none.
   * @default 'info'
   */
  logLevel?: OnboardingLogLevel;
}

/** The config after defaults, as the rest of the SDK sees it. */
export interface ResolvedConfig extends Required<Omit<OnboardingClientConfig, 'storage' | 'logger' | 'retry'>> {
  storage: StorageLike | undefined;
  logger: OnboardingLogger | undefined;
  retry: ResolvedRetry;
}

const invalid: Fail = (message) => {
  throw new OnboardingError('invalid_config', message);
};

/** Checks a base URL and returns it without a trailing slash. Exported for the server helper. */
export function resolveBaseUrl(value: unknown): string {
  if (typeof value !== 'string' || value === '') invalid('`baseUrl` is required.');
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    invalid('`baseUrl` must be an absolute URL.');
  }
  // Plain http would expose the app key and nonces on the wire; only a dev machine may use it.
  // A `user:password@` would be echoed by every message that names the URL: refused, never shown.
  if (!isSafeUrl(url)) {
    invalid('`baseUrl` must use https (http only for localhost, 127.0.0.1 and [::1]) and carry no user or password.');
  }
  if (url.search || url.hash) invalid('`baseUrl` must not carry a query or a fragment.');
  return url.href.replace(/\/+$/, '');
}

/** Validates the constructor's input and merges the defaults once. */
export function resolveConfig(input: OnboardingClientConfig): ResolvedConfig {
  if (typeof input !== 'object' || input === null) invalid('The client needs a config object.');
  const raw = input as unknown as Record<string, unknown>;
  // A client secret in a browser is a leak waiting to happen: refuse it outright, and never echo it.
  if ('clientSecret' in raw || 'client_secret' in raw) {
    invalid('`clientSecret` must never be given to the browser SDK; exchange the temp token on your backend (onboarding-sdk/server).');
  }
  const baseUrl = resolveBaseUrl(raw.baseUrl);
  const clientId = requireString(raw, 'clientId', invalid);
  const clientAppKey = requireString(raw, 'clientAppKey', invalid);
  if (typeof input.onTempToken !== 'function') invalid('`onTempToken` is required: it receives the temp token to post to your backend.');
  const storage = input.storage;
  if (
    storage !== undefined &&
    (typeof storage?.getItem !== 'function' || typeof storage.setItem !== 'function' || typeof storage.removeItem !== 'function')
  ) {
    invalid('`storage` must provide getItem, setItem and removeItem.');
  }
  const uploadTransport = input.uploadTransport ?? 'auto';
  if (!['auto', 'xhr', 'fetch'].includes(uploadTransport)) invalid("`uploadTransport` must be 'auto', 'xhr' or 'fetch'.");
  const fetchImpl = input.fetch ?? globalThis.fetch;
  if (typeof fetchImpl !== 'function') invalid('No `fetch` is available; pass one in the `fetch` option.');
  if (input.logger !== undefined && typeof input.logger?.debug !== 'function') invalid('`logger` must have a `debug` method.');
  if (input.logLevel !== undefined && !['debug', 'info', 'warn', 'error', 'silent'].includes(input.logLevel)) invalid("`logLevel` must be 'debug', 'info', 'warn', 'error' or 'silent'.");
  if (input.now !== undefined && typeof input.now !== 'function') invalid('`now` must be a function returning ms since the epoch.');
  return {
    baseUrl,
    clientId,
    clientAppKey,
    onTempToken: input.onTempToken,
    timeoutMs: optionalNumber(raw, 'timeoutMs', TRANSPORT_DEFAULTS.timeoutMs, invalid),
    uploadTimeoutMs: optionalNumber(raw, 'uploadTimeoutMs', CLIENT_DEFAULTS.uploadTimeoutMs, invalid),
    maxResponseBytes: optionalNumber(raw, 'maxResponseBytes', TRANSPORT_DEFAULTS.maxResponseBytes, invalid),
    handoffTimeoutMs: optionalNumber(raw, 'handoffTimeoutMs', CLIENT_DEFAULTS.handoffTimeoutMs, invalid),
    nonceTtlMs: optionalNumber(raw, 'nonceTtlMs', CLIENT_DEFAULTS.nonceTtlMs, invalid),
    nonceWarningMs: optionalNumber(raw, 'nonceWarningMs', CLIENT_DEFAULTS.nonceWarningMs, invalid, true),
    retry: resolveRetry(input.retry, invalid),
    storage,
    storageKey: input.storageKey ?? CLIENT_DEFAULTS.storageKeyPrefix + clientId,
    crossTab: input.crossTab !== false,
    now: input.now ?? (() => Date.now()),
    // Bound late so test tools that patch globalThis.fetch after construction still intercept.
    fetch: input.fetch ?? ((...args) => globalThis.fetch(...args)),
    uploadTransport,
    logger: input.logger,
    logLevel: input.logLevel ?? 'info',
  };
}
