/**
 * Fault injection: a FIFO of one-shot (or `times: n`) faults, each applied to
 * the next request it matches, and the answers of the faults that replace the
 * real one. Faults exist so the SDK's error paths can be tested against the
 * failures real networks and proxies produce.
 */
import { HttpResponse } from 'msw';
import { sleep } from '../internal/abortable.js';
import { defaultErrorForStatus } from './errors.js';
import type { MockEndpoint } from './endpoint.js';

/** Which requests a fault applies to. */
export interface FaultTarget {
  /** Default `'any'`. */
  endpoint?: MockEndpoint | 'any';
  /** Only requests for this step name (steps: the body's `step`; uploads: the step that issued the `step_id`). */
  step?: string;
  /** How many matching requests it applies to; default 1, `Infinity` for all of them. */
  times?: number;
}

/** A fault to inject with `api.inject()`. */
export type MockFault = FaultTarget &
  (
    | {
        /** Drop the connection before processing: state unchanged, fetch rejects. */
        kind: 'network';
      }
    | {
        /** Process fully (nonce spent, step recorded), then drop the connection: the client's retry meets 401 invalid_nonce. */
        kind: 'lost-response';
      }
    | {
        /** Answer `status` without processing. */
        kind: 'status';
        /** The HTTP status answered, e.g. 429 or 503. */
        status: number;
        /** Sent as `Retry-After`: seconds, or an HTTP date string. */
        retryAfter?: number | string;
        /** Default: the documented error body with a code fitting the status. */
        body?: Record<string, unknown>;
      }
    | {
        /** 200 with `{"nonce": ` (broken JSON) as application/json, without processing. */
        kind: 'malformed-json';
      }
    | {
        /** 200 with valid JSON of the wrong shape, without processing. */
        kind: 'wrong-shape';
        /** Default `{ session_id: 42 }`. */
        body?: unknown;
      }
    | {
        /** A proxy's HTML error page as text/html, without processing. */
        kind: 'html';
        /** Default 502. */
        status?: number;
      }
    | {
        /** A body of only `{ message }`, without processing. */
        kind: 'bare-message';
        /** Default 400. */
        status?: number;
        /** The body's `message`. Default a generic one. */
        message?: string;
      }
    | {
        /** Wait, then process normally; the wait ends early (nothing processed) if the client aborts. */
        kind: 'delay';
        /** How long to wait before processing, in ms; `'infinite'` never answers (a hung server). */
        ms: number | 'infinite';
      }
  );

/** The kind of a fault, as recorded in `RecordedRequest.fault`. */
export type FaultKind = MockFault['kind'];

/** Returned by `api.inject()`. */
export interface FaultHandle {
  /** How many more requests the fault will apply to (0 once used up or cancelled). */
  readonly remaining: number;
  /** Removes the fault if it has not been used up. */
  cancel(): void;
}

interface QueuedFault {
  fault: MockFault;
  remaining: number;
}

export class FaultQueue {
  private queue: QueuedFault[] = [];

  add(fault: MockFault): FaultHandle {
    validate(fault);
    const entry: QueuedFault = { fault, remaining: fault.times ?? 1 };
    this.queue.push(entry);
    return {
      get remaining() {
        return entry.remaining;
      },
      cancel: () => {
        entry.remaining = 0;
        this.queue = this.queue.filter((e) => e !== entry);
      },
    };
  }

  /** The first queued fault matching the request, consumed once. */
  take(endpoint: MockEndpoint, step: string | undefined): MockFault | undefined {
    const entry = this.queue.find(({ fault }) => matches(fault, endpoint, step));
    if (!entry) return undefined;
    entry.remaining -= 1;
    if (entry.remaining <= 0) this.queue = this.queue.filter((e) => e !== entry);
    return entry.fault;
  }

  clear(): void {
    for (const entry of this.queue) entry.remaining = 0;
    this.queue = [];
  }
}

function matches(fault: MockFault, endpoint: MockEndpoint, step: string | undefined): boolean {
  const endpointOk = fault.endpoint === undefined || fault.endpoint === 'any' || fault.endpoint === endpoint;
  return endpointOk && (fault.step === undefined || fault.step === step);
}

const MAX_TIMEOUT_MS = 2 ** 31 - 1;

/** Fails at `inject()` time rather than as a confusing answer later. */
function validate(fault: MockFault): void {
  const times = fault.times ?? 1;
  if (!(times === Infinity || (Number.isInteger(times) && times > 0))) {
    throw new RangeError(`inject: times must be a positive integer or Infinity, got ${times}`);
  }
  const status = 'status' in fault ? fault.status : undefined;
  if (status !== undefined && !(Number.isInteger(status) && status >= 200 && status <= 599)) {
    throw new RangeError(`inject: status must be an HTTP status 200-599, got ${status}`);
  }
  // Past 2^31-1 ms, setTimeout fires at once: ask for 'infinite' instead.
  if (fault.kind === 'delay' && fault.ms !== 'infinite' && !(fault.ms >= 0 && fault.ms <= MAX_TIMEOUT_MS)) {
    throw new RangeError(`inject: delay ms must be 0-${MAX_TIMEOUT_MS} or 'infinite', got ${fault.ms}`);
  }
}

/** Faults whose answer replaces the real one (the others act on the connection or the timing). */
export type AnswerFault = Extract<MockFault, { kind: 'status' | 'malformed-json' | 'wrong-shape' | 'html' | 'bare-message' }>;

export function isAnswerFault(fault: MockFault): fault is AnswerFault {
  return ['status', 'malformed-json', 'wrong-shape', 'html', 'bare-message'].includes(fault.kind);
}

const BROKEN_JSON = '{"nonce": ';
const PROXY_REASONS: Record<number, string> = { 502: 'Bad Gateway', 503: 'Service Temporarily Unavailable', 504: 'Gateway Time-out' };

/** The fault's answer, and what to record as its body. `headers` carry CORS so a browser page can read it. */
export function faultAnswer(fault: AnswerFault, headers: Headers): { response: Response; body: unknown } {
  switch (fault.kind) {
    case 'status': {
      const body = fault.body ?? defaultErrorForStatus(fault.status);
      if (fault.retryAfter !== undefined) headers.set('retry-after', String(fault.retryAfter));
      return { response: HttpResponse.json(body, { status: fault.status, headers }), body };
    }
    case 'malformed-json':
      headers.set('content-type', 'application/json');
      return { response: new HttpResponse(BROKEN_JSON, { status: 200, headers }), body: BROKEN_JSON };
    case 'wrong-shape': {
      const body = fault.body === undefined ? { session_id: 42 } : fault.body;
      headers.set('content-type', 'application/json');
      return { response: new HttpResponse(JSON.stringify(body), { status: 200, headers }), body };
    }
    case 'html': {
      const status = fault.status ?? 502;
      const title = `${status} ${PROXY_REASONS[status] ?? 'Error'}`;
      const page = `<html><head><title>${title}</title></head><body><center><h1>${title}</h1></center><hr><center>nginx</center></body></html>`;
      return { response: HttpResponse.html(page, { status, headers }), body: page };
    }
    case 'bare-message': {
      const body = { message: fault.message ?? 'Bad Request' };
      return { response: HttpResponse.json(body, { status: fault.status ?? 400, headers }), body };
    }
  }
}

/**
 * Resolves `true` after `ms`, or `false` as soon as `signal` aborts. Not msw's
 * `delay()`: that one cannot be cancelled, so an aborted request would leave
 * its timer (and the handler) running; here the timer is cleared.
 */
export function waitUnlessAborted(ms: number | 'infinite', signal: AbortSignal): Promise<boolean> {
  return sleep(ms === 'infinite' ? 'forever' : ms, signal).then(
    () => true,
    () => false,
  );
}
