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
  | 'redirect_state_mismatch'
  | 'internal_error'
  | 'nonce_expired'
  | 'session_completed'
  | 'session_failed'
  | 'invalid_config'
  | 'invalid_state'
  | 'validation_error'
  | 'step_out_of_order'
  | 'uploads_missing'
  | 'handoff_failed'
  | 'http_error'
  | 'unauthorized'
  | 'not_found'
  | 'rate_limited'
  | 'server_error'
  // Codes the API documents; listed for autocompletion, not exhaustive.
  | 'missing_fields'
  | 'invalid_field'
  | 'invalid_step'
  | 'invalid_skill_name'
  | 'invalid_client_id'
  | 'invalid_client_app_key'
  | 'invalid_temp_token'
  | 'external_api_connection_error'
  | 'external_api_too_many_requests'
  | (string & {});

/**
 * The named members of {@link OnboardingErrorCode}, without the open `string`:
 * what a table keyed by code can be checked against, e.g.
 * `satisfies Record<KnownOnboardingErrorCode | 'default', string>` for a
 * translation of `userMessage`'s sentences that tsc keeps complete.
 */
export type KnownOnboardingErrorCode = OnboardingErrorCode extends infer C ? (C extends string ? (string extends C ? never : C) : never) : never;

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
  /** The API error body's `code`, when it sent one. */
  apiCode?: string | undefined;
  /** The API error body's `type` (`invalid_request`, `unauthorized`, …), when it sent one. */
  apiType?: string | undefined;
  /** Whether the same call, made again unchanged, may succeed (see {@link OnboardingError.retryable}). */
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
  /**
   * What went wrong. The SDK's own code for the conditions it names
   * (`nonce_expired` whoever found the expiry, `session_failed` for a chain out
   * of step with the server, …), otherwise the API's `code` verbatim.
   */
  readonly code: OnboardingErrorCode;
  /** HTTP status when there was a response. */
  readonly status: number | undefined;
  /** The API error body's `id`: what the provider's support asks for. */
  readonly requestId: string | undefined;
  /** The API error body's `code` whenever it sent one, also when `code` names the condition in the SDK's words. */
  readonly apiCode: string | undefined;
  /** The API error body's `type`, when it sent one. */
  readonly apiType: string | undefined;
  /**
   * True when the same call, made again unchanged, may succeed: the failure was
   * the network's, the clock's (`timeout`), the caller's (`aborted`), a 5xx or a
   * rate limit (`429`), or a handoff (`retryHandoff()`). A retry is always safe:
   * if the first attempt was processed after all, its nonce is spent and the
   * retry fails cleanly with `session_failed` — nothing is ever processed twice.
   * False when the same call would fail the same way (bad input or config, a
   * refused or malformed answer, a session that ended).
   */
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
    this.apiCode = options.apiCode;
    this.apiType = options.apiType;
    this.retryable = options.retryable ?? false;
    this.issues = options.issues;
    this.retryAfterMs = options.retryAfterMs;
  }

  /** A log-friendly shape; `cause` is left out on purpose (it may be a foreign object). */
  toJSON() {
    const { name, code, message, status, requestId, apiCode, apiType, retryable, issues, retryAfterMs } = this;
    return {
      /** Always `'OnboardingError'`, so a parsed log line can be recognised. */
      name,
      /** What went wrong: the SDK's code, or the API's `code` verbatim (see {@link OnboardingError.code}). */
      code,
      /** The technical message (for logs and support, not for end-users). */
      message,
      /** HTTP status when there was a response. */
      status,
      /** The API error body's `id`: what the provider's support asks for. */
      requestId,
      /** The API error body's `code`, when it sent one. */
      apiCode,
      /** The API error body's `type`, when it sent one. */
      apiType,
      /** Whether the same call, made again unchanged, may succeed. */
      retryable,
      /** Validation issues (paths and messages only, never the values). */
      issues,
      /** Server-requested wait before retrying, in milliseconds. */
      retryAfterMs,
    };
  }
}

/** True for any `OnboardingError`, including one thrown by another copy of the SDK or another realm. */
export function isOnboardingError(value: unknown): value is OnboardingError {
  return (
    value instanceof OnboardingError ||
    (typeof value === 'object' && value !== null && (value as { name?: unknown }).name === 'OnboardingError')
  );
}
