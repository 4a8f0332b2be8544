import ky, { type KyInstance } from 'ky';
import { OnboardingError, type OnboardingErrorCode } from './errors.js';
import type { Log } from './internal/logger.js';
import { abortable, sleep } from './internal/abortable.js';
import { readCapped } from './internal/read-capped.js';
import { forms, holdsSecret, redact, secretForms } from './internal/redact.js';
import { parseRetryAfter } from './internal/retry-after.js';
import { isSafeId } from './internal/url.js';
import type { ApiErrorBody } from './protocol.js';
import type { StandardSchemaV1 } from './skill.js';

/** One call: what to send, where, and what a 200 must look like. */
export interface PostRequest<T> {
  /** Names the operation in messages, e.g. `Submitting step "confirm"`. */
  what: string;
  url: string;
  /** A JSON body, serialised once before the first attempt… */
  json?: unknown;
  /** …or a multipart body, built for each attempt (a FormData cannot be sent twice). */
  form?: () => FormData;
  schema: StandardSchemaV1<unknown, T>;
  /** Bounds the whole attempt: connecting, the headers and every byte of the body. */
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
  /** Largest answer body read; more fails the call. */
  maxResponseBytes: number;
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

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined; // an HTML page from a proxy, or plain text
  }
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** A server's word that is kept only when it echoes no secret: a code or id is never half-redacted. */
function clean(value: unknown, secrets: ReadonlyArray<string | undefined>): string | undefined {
  const text = str(value);
  return text !== undefined && !holdsSecret(text, secrets) ? text : undefined;
}

/** The error for a non-2xx answer; `text` is undefined when the body was too large to read. */
function httpError(what: string, response: Response, text: string | undefined, ctx: TransportContext): OnboardingError {
  const { status } = response;
  const secrets = ctx.secrets();
  const parsed = text === undefined ? undefined : parseJson(text);
  const body = typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as ApiErrorBody) : undefined;
  const apiCode = clean(body?.code, secrets);
  const code = apiCode ?? codeForStatus(status);
  const serverMessage = str(body?.message);
  const detail = serverMessage ? `: ${redact(serverMessage, secrets)}` : body ? '' : ' (the body was not the API error JSON)';
  return new OnboardingError(code, `${what} failed with HTTP ${status} ${code}${detail}`, {
    status,
    requestId: clean(body?.id, secrets),
    apiCode,
    apiType: clean(body?.type, secrets),
    // A 5xx or a rate limit may pass if the same call is made later; a 4xx will fail the same way again.
    retryable: status === 408 || status === 429 || status >= 500,
    retryAfterMs: parseRetryAfter(response.headers.get('retry-after'), ctx.now()),
  });
}

/** A 2xx the SDK cannot use; its `status` says the server accepted the call (so a nonce it carried is spent). */
const invalidResponse = (what: string, why: string, status: number, issues?: OnboardingError['issues']) =>
  new OnboardingError('invalid_response', `${what} returned ${why}.`, { status, issues });

/**
 * Checks a 200 body: the schema, then what the SDK will put in URLs and events.
 * A session or step id goes into the next call's path, so `..` or `%2F` must
 * never get there; an id or status that echoes a secret would leak it into
 * events and storage.
 */
async function accept<T>(what: string, res: { text: string; status: number }, schema: StandardSchemaV1<unknown, T>, ctx: TransportContext): Promise<T> {
  const { text, status } = res;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw invalidResponse(what, 'a body that is not valid JSON', status);
  }
  const result = await schema['~standard'].validate(value);
  if (result.issues) {
    const issues = result.issues.map((issue) => ({
      message: issue.message,
      path: issue.path?.map((p) => (typeof p === 'object' ? p.key : p)),
    }));
    throw invalidResponse(what, 'a body of the wrong shape', status, issues);
  }
  const fields = result.value as Record<string, unknown>;
  for (const key of ['session_id', 'step_id']) {
    if (fields[key] !== undefined && !isSafeId(fields[key])) throw invalidResponse(what, `a ${key} that is not a safe id`, status);
  }
  const known = secretForms(ctx.secrets());
  const fresh = [fields.nonce, fields.temp_token].filter((s): s is string => typeof s === 'string' && s !== '');
  let freshForms: string[] | undefined;
  for (const key of ['session_id', 'step_id', 'status']) {
    const value = fields[key];
    if (typeof value !== 'string') continue;
    const holds = (form: string) => value.includes(form);
    // A secret's every form is at least as long as the secret: a value shorter than all fresh ones cannot hold them.
    const mayHoldFresh = fresh.some((s) => value.length >= s.length);
    if (known.some(holds) || (mayHoldFresh && (freshForms ??= fresh.flatMap(forms)).some(holds))) {
      throw invalidResponse(what, `a ${key} holding a secret`, status);
    }
  }
  return result.value;
}

/** ky, made once on first use: its defaults are merged once, not on every call. */
let api: KyInstance | undefined;

/** The reason an attempt's own controller aborts with when its time is up (a plain object: an Error would capture a stack on every call). */
const DEADLINE = { deadline: true };

/**
 * One attempt, bounded as a whole by `timeoutMs`: the timer covers the body as
 * well as the headers, so a server trickling its answer cannot stretch a call.
 * Redirects are never followed: a 3xx could carry the app key, a nonce or a
 * file to another origin, and its target's answer is not the API's.
 */
async function attempt<T>(ctx: TransportContext, request: PostRequest<T>, json: string | undefined, seen: { status?: number | undefined }): Promise<T> {
  const { what, signal: caller, timeoutMs } = request;
  const controller = new AbortController();

  const timer = setTimeout(() => controller.abort(DEADLINE), timeoutMs);
  const onAbort = () => controller.abort(caller?.reason);
  caller?.addEventListener('abort', onAbort, { once: true });
  const { signal } = controller;
  // fetch rejects only when no answer could be had, and a body read fails only when the answer
  // could not be read: a network failure by definition, unless it was an abort or the SDK's own refusal.
  const network = (cause: unknown): never => {
    if (signal.aborted || cause instanceof OnboardingError) throw cause;
    const message = cause instanceof Error ? redact(cause.message, ctx.secrets()) : 'unknown';
    throw new OnboardingError('network_error', `${what} could not reach the server (${message}).`, {
      retryable: true,
      cause: new Error(message),
    });
  };
  const send = request.fetch ?? ctx.fetch;
  try {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (json !== undefined) headers['content-type'] = 'application/json';
    const init: RequestInit = { method: 'POST', headers, body: json ?? request.form?.(), signal, redirect: 'manual' };
    // ky is the call path the design card names, and all it does here is make the call: fetch
    // gets the url, the init and the JSON string or the FormData as they are (re-wrapping ky's
    // Request costs every call ~40 µs, and ky 1 clones it for retries, which tees a streamed
    // upload into memory). ky's retry, timeout and HTTPError stay off: the deadline, the cap,
    // redirects and the error mapping are this module's, and a POST that may have been
    // processed is never replayed here. A fetch that ignores its signal still cannot outlive
    // the deadline: the wait for it is abortable.
    const response = await (api ??= ky.create({ timeout: false, retry: 0, throwHttpErrors: false })).post(request.url, {
      fetch: () => abortable(send(request.url, init), signal).catch(network),
    });
    seen.status = response.status;
    // Response.error() from a custom fetch: no answer was had.
    if (response.type === 'error') network(new TypeError('the fetch answered with a network error'));
    if (response.redirected || response.type === 'opaqueredirect' || (response.status >= 300 && response.status < 400)) {
      void response.body?.cancel().catch(() => {});
      throw new OnboardingError(
        'redirect_refused',
        `${what} was answered with a redirect (HTTP ${response.status || '3xx'}); the SDK follows none, so nothing was sent elsewhere.`,
        { status: response.status || undefined },
      );
    }
    const text = await readCapped(response, ctx.maxResponseBytes, signal).catch(network);
    if (!response.ok) throw httpError(what, response, text, ctx);
    if (text === undefined) throw invalidResponse(what, `a body larger than ${ctx.maxResponseBytes} bytes`, response.status);
    return await accept(what, { text, status: response.status }, request.schema, ctx);
  } catch (error) {
    if (signal.reason === DEADLINE) {
      throw new OnboardingError('timeout', `${what} timed out after ${timeoutMs} ms; the server may or may not have processed it.`, {
        retryable: true,
      });
    }
    throw error;
  } finally {
    clearTimeout(timer);
    caller?.removeEventListener('abort', onAbort);
  }
}

/** Maps anything a call can throw to an `OnboardingError`, redacting secrets from foreign text. */
export function toOnboardingError(error: unknown, what: string, ctx: Pick<TransportContext, 'secrets'>, signal?: AbortSignal): OnboardingError {
  if (error instanceof OnboardingError) return error;
  if (signal?.aborted) {
    return new OnboardingError('aborted', `${what} was aborted by the caller.`, { retryable: true });
  }
  if (error instanceof Error && error.name === 'AbortError') {
    return new OnboardingError('aborted', `${what} was aborted.`, { retryable: true });
  }
  // Not a network failure: a bug, or a runtime refusing what it was given. Retrying would fail the same way.
  const message = redact(error instanceof Error ? `${error.name}: ${error.message}` : String(error), ctx.secrets());
  return new OnboardingError('internal_error', `${what} failed unexpectedly (${message}).`);
}

/**
 * Sends one POST and validates the 200 body against `schema`. The only
 * automatic retry is for `429`/`503` with a `Retry-After` the SDK is willing to
 * wait: those answers say the request was not processed, so the nonce is still
 * good. Anything else is handed back, because a POST that may have been
 * processed must not be replayed behind the caller's back.
 */
export async function post<T>(ctx: TransportContext, request: PostRequest<T>): Promise<T> {
  const { what, signal } = request;
  let json: string | undefined;
  if (request.form === undefined) {
    try {
      json = JSON.stringify(request.json);
    } catch (cause) {
      // A BigInt or a cycle in the caller's data: a local mistake, nothing was sent.
      throw new OnboardingError('validation_error', `${what}: the data cannot be sent as JSON (${(cause as Error).message}).`);
    }
  }
  for (let n = 0; ; n++) {
    const seen: { status?: number; sent?: boolean } = {};
    const started = ctx.now();
    // Built only for a logger: without one a call allocates no line.
    const line = (outcome: string, details: Record<string, unknown>, level: 'info' | 'warn') => {
      if (ctx.log.off) return;
      // The path only: ids kept (support needs them), no origin or query.
      const path = request.url.replace(/^[^:]+:\/\/[^/]+|[?#].*/g, '');
      const durationMs = ctx.now() - started;
      ctx.log(`POST ${path} ${outcome} in ${durationMs} ms`, { method: 'POST', path, attempt: n + 1, durationMs, status: seen.status, ...details }, level);
    };
    try {
      if (signal?.aborted) throw signal.reason;
      request.beforeAttempt?.();
      seen.sent = true;
      const result = await attempt(ctx, request, json, seen);
      line(String(seen.status), {}, 'info');
      return result;
    } catch (raw) {
      const error = toOnboardingError(raw, what, ctx, signal);
      const { code, apiCode, requestId } = error;
      if (seen.sent) line(`failed: ${code}${seen.status ? ` (HTTP ${seen.status})` : ''}`, { code, apiCode, requestId }, 'warn');
      const wait = error.retryAfterMs;
      const retriable =
        (error.status === 429 || error.status === 503) && wait !== undefined && wait <= ctx.retry.maxRetryAfterMs && n < ctx.retry.limit;
      if (!retriable) throw error;
      ctx.log(`${what}: retrying in ${wait} ms as the server asked`, { attempt: n + 2, waitMs: wait }, 'info');
      try {
        await sleep(wait, signal);
      } catch (abort) {
        throw toOnboardingError(abort, what, ctx, signal);
      }
    }
  }
}
