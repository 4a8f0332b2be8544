/**
 * The documented error body (PROTOCOL §5). Protocol rules throw `MockApiError`;
 * the handlers turn it into `{ id, type, http, code, message }` with the status.
 */
import type { ApiErrorType } from '../protocol.js';
import { randomUuid } from './random.js';

/** The documented error body, with every field present (the kit always sends all of them). */
export interface MockErrorBody {
  /** A unique id of this error, as the API gives for support requests. */
  id: string;
  /** The API's error family (e.g. `invalid_request`, `authentication_error`). */
  type: ApiErrorType;
  /** The HTTP status, repeated in the body as the API does. */
  http: number;
  /** The API's error code, e.g. `invalid_nonce`. */
  code: string;
  /** A human-readable explanation, for developers. */
  message: string;
}

/** A protocol violation detected by the kit; never escapes the handlers. */
export class MockApiError extends Error {
  constructor(
    readonly status: number,
    readonly type: ApiErrorType,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'MockApiError';
  }

  /** A fresh body each time: every error answer gets its own support `id`, as the real API's would. */
  toBody(): MockErrorBody {
    return errorBody(this.status, this.type, this.code, this.message);
  }
}

export function errorBody(status: number, type: ApiErrorType, code: string, message: string): MockErrorBody {
  return { id: randomUuid(), type, http: status, code, message };
}

/** 400 invalid_request. */
export const badRequest = (code: string, message: string) => new MockApiError(400, 'invalid_request', code, message);
/** 401 unauthorized. */
export const unauthorized = (code: string, message: string) => new MockApiError(401, 'unauthorized', code, message);
/** 404 invalid_request (the documented type for 404s). */
export const notFound = (code: string, message: string) => new MockApiError(404, 'invalid_request', code, message);

/**
 * The body a `status` fault answers when the test gives none: the documented
 * shape with the documented code that best fits the status, so the SDK's
 * error mapping is exercised as with a real answer.
 */
export function defaultErrorForStatus(status: number): MockErrorBody {
  const [type, code]: [ApiErrorType, string] =
    status === 429
      ? ['external_api_error', 'external_api_too_many_requests']
      : status === 502 || status === 503 || status === 504
        ? ['external_api_error', 'external_api_connection_error']
        : status >= 500
          ? ['internal_server_error', 'internal_server_error']
          : status === 401 || status === 403
            ? ['unauthorized', 'unauthorized']
            : status === 404
              ? ['invalid_request', 'not_found']
              : ['invalid_request', 'invalid_request'];
  return errorBody(status, type, code, `injected fault: HTTP ${status}`);
}
