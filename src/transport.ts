import ky, { SchemaValidationError, isHTTPError, isNetworkError, isTimeoutError } from 'ky';
import type { StandardSchemaV1 } from 'ky';
import { OnboardingError, type OnboardingErrorCode } from './errors.js';
import type { Log } from './internal/logger.js';
import { redact } from './internal/redact.js';
import { parseRetryAfter } from './internal/retry-after.js';
import type { ApiErrorBody } from './protocol.js';

/** One call: what to send, where, and what a 200 must look like. */
export interface PostRequest<T> {
  /** Names the operation in messages, e.g. `Submitting step "confirm"`. */
  what: string;
  url: string;
  /** Builds the body for each attempt (a FormData cannot be sent twice). */
  body: () => { json: unknown } | { body: FormData };
  schema: StandardSchemaV1<unknown, T>;
  timeoutMs: number;
  /** The caller's signal: aborting rejects with `aborted` and stops the request. */
  signal?: AbortSignal | undefined;
  /** Replaces fetch for this call (the XHR upload transport). */
  fetch?: typeof globalThis.fetch | undefined;
  /** Runs before every attempt; throwing stops the call (a nonce that died during a Retry-After wait). */
  beforeAttempt?: () => void;
}

/** Everything the transport needs from its owner. */
export interface TransportContext {
  fetch: typeof globalThis.fetch;
  now: () => number;
  retry: { limit: number; maxRetryAfterMs: number };
  /** Current secrets, redacted from anything a server or a runtime says. */
  secrets: () => ReadonlyArray<string | undefined>;
  log: Log;
}

/** Joins the base URL and path segments, each percent-encoded: skill names and ids are never trusted in a URL. */
export function apiUrl(baseUrl: string, ...segments: string[]): string {
  return `${baseUrl}/${segments.map(encodeURIComponent).join('/')}`;
}

/** The SDK code for an HTTP failure whose body named none. */
function codeForStatus(status: number): OnboardingErrorCode {
  if (status === 401 || status === 403) return 'unauthorized';
  if (status === 404) return 'not_found';
  if (status === 429) return 'rate_limited';
  if (status >= 500) return 'server_error';
  return 'http_error';
}

function parseErrorBody(data: unknown): ApiErrorBody | undefined {
  let body = data;
  if (typeof body === 'string') {
    try {
      body = JSON.parse(body);
    } catch {
      return undefined; // an HTML page from a proxy, or plain text
    }
  }
  return typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as ApiErrorBody) : undefined;
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** Maps anything a call can throw to an `OnboardingError`, redacting secrets from foreign text. */
export function toOnboardingError(
  error: unknown,
  what: string,
  ctx: Pick<TransportContext, 'now' | 'secrets'>,
  signal?: AbortSignal,
): OnboardingError {
  if (error instanceof OnboardingError) return error;
  const secrets = ctx.secrets();
  if (signal?.aborted) {
    return new OnboardingError('aborted', `${what} was aborted by the caller.`, { retryable: true });
  }
  if (isHTTPError(error)) {
    const { status } = error.response;
    const body = parseErrorBody(error.data);
    const code = str(body?.code) ?? codeForStatus(status);
    const serverMessage = str(body?.message);
    const retryAfterMs = parseRetryAfter(error.response.headers.get('retry-after'), ctx.now());
    const detail = serverMessage ? `: ${redact(serverMessage, secrets)}` : body ? '' : ' (the body was not the API error JSON)';
    return new OnboardingError(code, `${what} failed with HTTP ${status} ${code}${detail}`, {
      status,
      requestId: str(body?.id),
      // A 5xx or a rate limit may pass if the same call is made later; a 4xx will fail the same way again.
      retryable: status === 408 || status === 429 || status >= 500,
      retryAfterMs,
    });
  }
  if (isTimeoutError(error)) {
    return new OnboardingError('timeout', `${what} timed out; the server may or may not have processed it.`, { retryable: true });
  }
  if (error instanceof SchemaValidationError) {
    const issues = error.issues.map((issue) => ({
      message: issue.message,
      path: issue.path?.map((p) => (typeof p === 'object' ? p.key : p)),
    }));
    return new OnboardingError('invalid_response', `${what} returned a body of the wrong shape.`, { issues });
  }
  if (error instanceof SyntaxError) {
    return new OnboardingError('invalid_response', `${what} returned a body that is not valid JSON.`);
  }
  if (isNetworkError(error) || error instanceof TypeError) {
    const cause = isNetworkError(error) ? error.cause : error;
    const message = cause instanceof Error ? redact(cause.message, secrets) : 'unknown';
    return new OnboardingError('network_error', `${what} could not reach the server (${message}).`, {
      retryable: true,
      cause: cause instanceof Error ? new Error(message) : undefined,
    });
  }
  if (error instanceof Error && error.name === 'AbortError') {
    return new OnboardingError('aborted', `${what} was aborted.`, { retryable: true });
  }
  const message = redact(error instanceof Error ? error.message : String(error), secrets);
  return new OnboardingError('network_error', `${what} failed unexpectedly (${message}).`, { retryable: true });
}

/** Waits, but stops at once when the signal aborts. */
function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Sends one POST and validates the 200 body against `schema`. The only
 * automatic retry is for `429`/`503` with a `Retry-After` the SDK is willing to
 * wait: those answers say the request was not processed, so the nonce is still
 * good. Anything else is handed back, because a POST that may have been
 * processed must not be replayed behind the caller's back.
 */
export async function post<T>(ctx: TransportContext, request: PostRequest<T>): Promise<T> {
  const { what, url, signal } = request;
  for (let attempt = 0; ; attempt++) {
    try {
      if (signal?.aborted) throw signal.reason;
      request.beforeAttempt?.();
      ctx.log(`POST ${url}${attempt ? ` (retry ${attempt})` : ''}`);
      // ky's own retry stays off: it clones the request to retry, which tees a
      // streamed upload body into memory, and its POST policy is not ours.
      return await ky
        .post(url, {
          ...request.body(),
          fetch: request.fetch ?? ctx.fetch,
          timeout: request.timeoutMs,
          retry: 0,
          signal,
          headers: { accept: 'application/json' },
        })
        .json(request.schema);
    } catch (raw) {
      const error = toOnboardingError(raw, what, ctx, signal);
      const wait = error.retryAfterMs;
      const retriable =
        (error.status === 429 || error.status === 503) &&
        wait !== undefined &&
        wait <= ctx.retry.maxRetryAfterMs &&
        attempt < ctx.retry.limit;
      if (!retriable) throw error;
      ctx.log(`${what}: HTTP ${error.status}, retrying in ${wait} ms as the server asked`);
      try {
        await sleep(wait, signal);
      } catch (abort) {
        throw toOnboardingError(abort, what, ctx, signal);
      }
    }
  }
}
