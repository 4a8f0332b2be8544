/**
 * Codes the SDK itself raises. The API's own codes (`invalid_nonce`,
 * `invalid_skill_name`, …) are passed through verbatim, so `code` is typed as
 * these plus any string: new server codes still type-check.
 */
export type OnboardingErrorCode =
  | 'network_error'
  | 'timeout'
  | 'aborted'
  | 'invalid_response'
  | 'redirect_refused'
  | 'invalid_redirect_url'
  | 'internal_error'
  | 'nonce_expired'
  | 'session_completed'
  | 'session_failed'
  | 'invalid_config'
  | 'invalid_state'
  | 'validation_error'
  | 'step_out_of_order'
  | 'handoff_failed'
  | 'http_error'
  | 'unauthorized'
  | 'not_found'
  | 'rate_limited'
  | 'server_error'
  // Codes the API documents; listed for autocompletion, not exhaustive.
  | 'invalid_nonce'
  | 'expired_nonce'
  | 'missing_fields'
  | 'invalid_field'
  | 'invalid_step'
  | 'invalid_session_id'
  | 'invalid_skill_name'
  | 'invalid_client_id'
  | 'invalid_client_app_key'
  | 'invalid_temp_token'
  | 'external_api_connection_error'
  | 'external_api_too_many_requests'
  | (string & {});

/** One issue of a schema validation failure (Standard Schema shape, values never included). */
export interface OnboardingValidationIssue {
  /** Human-readable, technical message from the schema library. */
  readonly message: string;
  /** Path to the offending field, e.g. `['address', 'zip']`. */
  readonly path?: ReadonlyArray<PropertyKey>;
}

/** Options accepted by the {@link OnboardingError} constructor. */
export interface OnboardingErrorOptions {
  /** HTTP status, when the server answered. */
  status?: number;
  /** The API error body's `id`: what the provider's support asks for. */
  requestId?: string;
  /** Whether the same call may succeed if made again (the session's nonce was left untouched). */
  retryable?: boolean;
  /** Schema issues for `validation_error` / `invalid_response`. */
  issues?: ReadonlyArray<OnboardingValidationIssue>;
  /** Milliseconds the server asked to wait (`Retry-After`), when it said so. */
  retryAfterMs?: number;
  /** The underlying error; never holds a request carrying a secret. */
  cause?: unknown;
}

/**
 * The one error type integrators catch: every failure of the SDK rejects with
 * it. Messages are technical (for logs and support), not for end-users, and
 * never contain the app key, a nonce or a temp token.
 */
export class OnboardingError extends Error {
  /** Literal name so the guard also works across realms and duplicate copies of the SDK. */
  override readonly name = 'OnboardingError' as const;
  /** The API's `code` verbatim when it sent one, otherwise an SDK code. */
  readonly code: OnboardingErrorCode;
  /** HTTP status when there was a response. */
  readonly status: number | undefined;
  /** The API error body's `id`. */
  readonly requestId: string | undefined;
  /** True when calling the same operation again may succeed. */
  readonly retryable: boolean;
  /** Validation issues (paths and messages only, never the values). */
  readonly issues: ReadonlyArray<OnboardingValidationIssue> | undefined;
  /** Server-requested wait before retrying, in milliseconds. */
  readonly retryAfterMs: number | undefined;

  constructor(code: OnboardingErrorCode, message: string, options: OnboardingErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.status = options.status;
    this.requestId = options.requestId;
    this.retryable = options.retryable ?? false;
    this.issues = options.issues;
    this.retryAfterMs = options.retryAfterMs;
  }

  /** A log-friendly shape; `cause` is left out on purpose (it may be a foreign object). */
  toJSON() {
    const { name, code, message, status, requestId, retryable, issues, retryAfterMs } = this;
    return { name, code, message, status, requestId, retryable, issues, retryAfterMs };
  }
}

/** True for any `OnboardingError`, including one thrown by another copy of the SDK or another realm. */
export function isOnboardingError(value: unknown): value is OnboardingError {
  return (
    value instanceof OnboardingError ||
    (typeof value === 'object' && value !== null && (value as { name?: unknown }).name === 'OnboardingError')
  );
}
