/** Public types of the testing kit (options, what it records, its read-only views). */
import type { HttpHandler } from 'msw';
import type { MockClock } from './clock.js';
import type { MockScenario, MockScenarioOptions } from './scenarios.js';
import type { FaultHandle, FaultKind, MockFault } from './faults.js';
import type { RecordedFile } from './body.js';
import type { MockEndpoint } from './endpoint.js';
import type { MockBank, MockBankStep } from './bank-types.js';

export type { MockEndpoint } from './endpoint.js';

/** One skill the fake API knows: its steps in order, and what each step answers. */
export interface MockSkill {
  /** Step names in the order the API requires them; the last one completes the session. */
  steps: readonly string[];
  /**
   * The `data` object answered for a step, by step name (default `{}`); e.g.
   * `{ bank_redirect: { redirect_url: 'https://bank.example/sca' } }` for a
   * fixed address of your own (or use `bank` for the kit's own bank page).
   * A copy is sent each time, so a test mutating an answer cannot change the next one.
   */
  responses?: Readonly<Record<string, Record<string, unknown>>>;
  /**
   * The steps that take file uploads, e.g. `['kyc_documents']` (for a typed
   * skill: `Object.keys(kyc.uploads)`). An upload is accepted only for the
   * session's most recently submitted step, and only if that step is listed
   * here; anything else answers 400 `invalid_step`, as the real API would. The
   * last step cannot be listed: it completes the session, which then takes no
   * uploads.
   * @default [] (no step takes uploads)
   */
  uploads?: readonly string[];
  /**
   * Makes one step the PSD2 bank redirect, played by the kit, e.g.
   * `{ step: 'bank_redirect' }`: that step requires `data.return_url` and
   * answers `data.redirect_url`, the kit's fake bank page, which sends the user
   * back with the `outcome` (see `MockBankStep`, `api.bank`). By default a
   * later step is refused with `sca_not_completed` until the user came back
   * approving (`requireApproval`).
   * @default undefined (no step goes to the kit's bank; a static `responses` redirect_url still works)
   */
  bank?: MockBankStep;
}

/** Options of `createMockOnboardingApi`. */
export interface MockOnboardingApiOptions {
  /** The API base the handlers answer under, e.g. `https://api.example.com/v1` (a trailing `/` is ignored). */
  baseUrl: string;
  /** The skills catalog, by skill name (names may contain `#`; they travel in bodies, never URLs). */
  skills: Readonly<Record<string, MockSkill>>;
  /**
   * The `client_id` your `OnboardingClient` sends; any other gets 401
   * `invalid_client_id`. Required (with `clientAppKey`): creating the kit
   * without it throws, so a test whose client reads an unset environment
   * variable fails instead of passing against a kit that accepts anything.
   * Leave it out only together with `acceptAnyCredentials: true`.
   */
  clientId?: string;
  /**
   * The `client_app_key` your `OnboardingClient` sends; any other gets 401
   * `invalid_client_app_key`. Required, like `clientId`.
   */
  clientAppKey?: string;
  /**
   * The `client_secret` your backend's token exchange sends; `/tokens` with any
   * other gets 401 `invalid_client_secret`. Optional, since front-end tests
   * never call `/tokens`: without it (and without `acceptAnyCredentials`),
   * every `/tokens` call gets 401 `invalid_client_secret` with a message
   * saying to pass `clientSecret`.
   */
  clientSecret?: string;
  /**
   * `true`: a credential the kit was not given (`clientId`, `clientAppKey`,
   * `clientSecret`) is not checked, any value is accepted; those given are
   * still checked. For tests that are not about credentials at all. Prefer
   * passing the credentials: a kit that accepts anything cannot catch a client
   * configured from an unset environment variable.
   * @default false
   */
  acceptAnyCredentials?: boolean;
  /**
   * How long a nonce stays valid after it was issued.
   * @default NONCE_TTL_MS (30 minutes, documented)
   */
  nonceTtlMs?: number;
  /**
   * Time source of the kit. `api.clock` shifts it further.
   * @default () => Date.now() (looked up at each call, so vitest's fake timers move it)
   */
  now?: () => number;
  /**
   * `'real'`: time follows `now`. `'manual'`: time stands still at its value at
   * creation and only moves through `api.clock.advance`/`set`.
   * @default 'real'
   */
  clock?: 'real' | 'manual';
  /**
   * `true`: upload answers carry a fresh nonce (the used one is spent).
   * `false`: they carry none and the current nonce stays valid. PROTOCOL §4
   * allows both, and the SDK must handle both.
   * @default true
   */
  uploadRotatesNonce?: boolean;
  /**
   * `false`: the last step answers `temp_token` without a nonce. `true`: with a
   * (useless) fresh nonce too.
   * @default false
   */
  lastStepNonce?: boolean;
  /**
   * `true`: `POST /sessions` without `tenant_user_id` gets 400
   * `missing_fields`, as in production (the client must pass `tenantUserId`
   * to `startSession`). `false`: it is optional, as in the documentation's
   * example request.
   * @default true
   */
  requireTenantUserId?: boolean;
  /**
   * The page origins allowed to call the API from a browser, e.g.
   * `['https://app.example']` (scheme, host and port, no path or trailing `/`).
   * Answers to a listed `Origin` carry `access-control-allow-origin` with it; a
   * preflight from any other origin gets 403 without CORS headers, and any
   * other request (processed as usual, like a real server does) gets its
   * answer without `access-control-allow-origin`, so a browser refuses it to
   * the page. A request without `Origin` (Node, a backend) gets no
   * `access-control-allow-origin` either; it does not need one.
   * @default undefined — any origin is allowed: answers echo the request's
   * `Origin` (or `*` without one)
   */
  allowedOrigins?: readonly string[];
}

/** A request the kit received, in order of arrival. */
export interface RecordedRequest {
  /** Which endpoint it hit. */
  endpoint: MockEndpoint;
  /** Always `POST` (preflights are answered but not recorded). */
  method: string;
  /** The full URL, as sent (percent-encoding kept). */
  url: string;
  /** The session addressed: the URL's id for steps, the step's owner for uploads, the new session for `sessions`. */
  sessionId?: string;
  /** The `step_id` of an upload's URL. */
  stepId?: string;
  /** The step name: the body's `step` for steps, the owning step for uploads. */
  step?: string;
  /**
   * The parsed JSON body; for uploads `{ client_id, nonce, file: { name, type, size, blob } }`;
   * the raw text when the body could not be parsed.
   */
  body: unknown;
  /** The nonce the request carried, if any. */
  nonce?: string;
  /** The status answered; `0` while in flight or when no response reached the client (network, lost-response, aborted delay). */
  responseStatus: number;
  /**
   * The body answered (JSON parsed, otherwise text). For a `lost-response` fault,
   * the body the kit produced and then dropped (e.g. the nonce the client never saw).
   */
  responseBody?: unknown;
  /** The fault applied to this request, if one was. */
  fault?: FaultKind;
}

/** A file the kit accepted for a step. */
export interface MockUpload extends RecordedFile {
  /** The `step_id` the file was uploaded for. */
  stepId: string;
}

/** Status of a fake session, as the API's `status` strings. */
export type MockSessionStatus = 'SESSION_CREATED' | 'SESSION_IN_PROGRESS' | 'SESSION_COMPLETED';

/** A read-only snapshot of a session held by the kit. */
export interface MockSession {
  /** The `session_id` answered at creation. */
  readonly id: string;
  /** The skill named at creation; every step must name the same one. */
  readonly skill: string;
  /** The `tenant_user_id` sent at creation, if any. */
  readonly tenantUserId?: string;
  /** The API's status string for the session, as its last answer said. */
  readonly status: MockSessionStatus;
  /** Accepted steps, in order; `stepIds[i]` is the `step_id` answered for `completedSteps[i]`. */
  readonly completedSteps: readonly string[];
  /** The `step_id` answered for each accepted step (uploads must target one of these). */
  readonly stepIds: readonly string[];
  /** Files received for this session's steps, in order. */
  readonly uploads: readonly MockUpload[];
  /** The nonce the session accepts next (absent once none is outstanding). */
  readonly nonce?: string;
  /** When the current nonce was issued, on the kit's clock. */
  readonly nonceIssuedAt?: number;
  /** Issued with the last step. */
  readonly tempToken?: string;
}

/** The fake API returned by `createMockOnboardingApi`. */
export interface MockOnboardingApi {
  /** msw handlers: `setupServer(...api.handlers)` or `setupWorker(...api.handlers)`. Stay valid across `reset()`. */
  readonly handlers: HttpHandler[];
  /** Requests received (CORS preflights excepted), in order of arrival. A fresh array each read. */
  readonly requests: readonly RecordedRequest[];
  /** Snapshots of the sessions, in order of creation. */
  readonly sessions: readonly MockSession[];
  /** Every temp token issued, in order. */
  readonly issuedTempTokens: readonly string[];
  /** The kit's clock: `api.clock.advance(31 * 60_000)` makes the next request with a current nonce get 401 `expired_nonce`. */
  readonly clock: MockClock;
  /**
   * The fake bank of the skills' `bank` steps: `api.bank.next({ outcome: 'deny' })`,
   * `api.bank.visits`, `api.bank.returns`, `api.bank.lastReturnUrl`. Its page
   * requests are recorded there, not in `requests`, and take no faults.
   */
  readonly bank: MockBank;
  /** Queues a fault for the next matching request(s); faults apply in the order they were injected. */
  inject(fault: MockFault): FaultHandle;
  /**
   * Sets up a named scenario — `'sca-refused'`, `'expiry-mid-flow'`,
   * `'lost-answer'`, `'rate-limited'` (see `MockScenario`) — in one call;
   * returns the fault it queued, if any.
   */
  scenario(name: MockScenario, options?: MockScenarioOptions): FaultHandle | undefined;
  /** Forgets sessions, tokens, recorded requests, pending faults and the bank's tickets, queue and records, and undoes clock shifts. */
  reset(): void;
}
