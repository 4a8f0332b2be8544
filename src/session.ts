import type { HandoffInfo, ResolvedConfig } from './config.js';
import { OnboardingError } from './errors.js';
import type { OnboardingEvents, OnboardingOperation } from './events.js';
import { createLog, type Log } from './internal/logger.js';
import { claimNonce } from './internal/nonce-claims.js';
import { redact, redactError } from './internal/redact.js';
import { later } from './internal/timer.js';
import { isSafeId } from './internal/url.js';
import type { SubmitStepBody } from './protocol.js';
import { stepSchema, uploadSchema } from './schemas.js';
import type { SchemaInput, SkillDefinition, StepSchemas, UntypedSteps } from './skill.js';
import { prepareUpload, validateStepData } from './validate.js';
import type { StoredSession } from './storage.js';
import { apiUrl, post, toOnboardingError, type PostRequest, type TransportContext } from './transport.js';
import { createXhrFetch, hasXhr, toNamedFile, type UploadProgress } from './upload.js';

/** Waits for `turn`, but rejects with the signal's reason as soon as it aborts. */
function untilAborted(turn: Promise<unknown>, signal: AbortSignal | undefined): Promise<unknown> {
  if (!signal) return turn;
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    void turn.then(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(undefined);
    });
  });
}

/** Where a session stands. */
export type OnboardingSessionStatus = 'active' | 'completed' | 'expired' | 'failed';

/** Per-call options of `submitStep`. */
export interface SubmitStepOptions {
  /**
   * Aborts the call; rejects with `aborted`. On the completing step, an abort
   * while `onTempToken` runs stops the wait instead: the call resolves with
   * `handedOff: false` and the token is kept for `retryHandoff()`.
   */
  signal?: AbortSignal;
}

/** Options of `retryHandoff`. */
export interface RetryHandoffOptions {
  /** Stops waiting for `onTempToken`; rejects with `aborted`, the token is kept for another try. */
  signal?: AbortSignal;
}

/** What `submitStep` resolves with. */
export interface StepResult {
  /** The server's id of this step; uploads for it go to this id. */
  stepId: string;
  /** The API's status string, e.g. `SESSION_IN_PROGRESS`. */
  status: string;
  /** Step-specific data from the server, untouched (e.g. `redirect_url` for a bank step). */
  data: Record<string, unknown>;
  /** True on the step that returned the temp token. */
  completed: boolean;
  /** On the completing step: whether `onTempToken` succeeded (otherwise call `retryHandoff()`). */
  handedOff: boolean;
}

/** Options of `upload`. */
export interface UploadOptions {
  /** The step the file belongs to. Default: the last submitted step. */
  stepId?: string;
  /** File name to send. Default: the File's own name, or `upload`. */
  fileName?: string;
  /** Reports bytes sent (real progress in browsers; a final report elsewhere). */
  onProgress?: (progress: UploadProgress) => void;
  /** Aborts the upload and stops sending; rejects with `aborted`. */
  signal?: AbortSignal;
}

/** What `upload` resolves with. */
export interface UploadResult {
  /** The step the file was uploaded for. */
  stepId: string;
  /** The API's status string, e.g. `UPLOAD_RECEIVED`. */
  status: string;
  /** The file name sent (after `fileName` and any `prepare` of the step's rules). */
  fileName: string;
  /** Bytes sent (of the prepared file, if the step prepares files). */
  size: number;
  /** MIME type sent; `application/octet-stream` when the file had none. */
  type: string;
}

/** What a session needs from its client; internal. */
export interface SessionContext {
  config: ResolvedConfig;
  transport: Omit<TransportContext, 'secrets' | 'log'>;
  emit: <K extends keyof OnboardingEvents>(type: K, payload: OnboardingEvents[K]) => void;
  /** Makes the session the client's current one (called once, when it is made). */
  claim: (session: OnboardingSession<any>) => void;
  /** Stores the session's resumable state — if it is the client's current session (one storage key per client). */
  persist: (session: OnboardingSession<any>, record: StoredSession) => void;
  /** Called once the session can no longer be resumed (completed, expired, failed). */
  onEnded: (session: OnboardingSession<any>) => void;
}

/** Internal state a session starts from (new or resumed). */
export interface SessionInit {
  id: string;
  skill: string;
  definition: SkillDefinition | undefined;
  nonce: string;
  nonceIssuedAt: number;
  lastStepId?: string | undefined;
  completedSteps?: string[];
  /** Server ids of `completedSteps`, index for index (`''` where unknown). */
  stepIds?: string[];
}

/**
 * One onboarding flow on the server. It owns the nonce chain: every call takes
 * the current nonce, every answer carrying one replaces it, and calls are run
 * one at a time so two of them can never send the same nonce.
 */
export class OnboardingSession<Steps extends StepSchemas = UntypedSteps> {
  /** The server's session id. */
  readonly id: string;
  /** The skill's catalog name. */
  readonly skill: string;

  readonly #ctx: SessionContext;
  readonly #definition: SkillDefinition | undefined;
  #status: OnboardingSessionStatus = 'active';
  #nonce: string | undefined;
  #nonceIssuedAt: number;
  #lastStepId: string | undefined;
  readonly #completedSteps: string[];
  readonly #stepIds: string[];
  // Every secret this session has held (app key, nonces, temp token): an error mapped after a rotation or the end must still redact the one it sent.
  readonly #secrets: string[];
  // This session's claim on its nonces, page-wide: a twin of it (same stored session) may never send one of them.
  readonly #owner = {};
  #queue: Promise<unknown> = Promise.resolve();
  // True while a call is out; the expiry timer then leaves the verdict to the server's answer.
  #busy = false;
  #timers: ReturnType<typeof setTimeout>[] = [];
  // The temp token lives here only between completion and a successful handoff.
  #tempToken: string | undefined;
  #handoffInfo: HandoffInfo | undefined;
  #handoff: Promise<OnboardingError | undefined> | undefined;
  readonly #transport: TransportContext;
  readonly #log: Log;

  /** @internal Sessions are made by `client.startSession()` / `client.resumeSession()`. */
  constructor(ctx: SessionContext, init: SessionInit) {
    this.#ctx = ctx;
    this.id = init.id;
    this.skill = init.skill;
    this.#definition = init.definition;
    this.#nonce = init.nonce;
    this.#secrets = [ctx.config.clientAppKey, init.nonce];
    this.#nonceIssuedAt = init.nonceIssuedAt;
    this.#lastStepId = init.lastStepId;
    this.#completedSteps = [...(init.completedSteps ?? [])];
    this.#stepIds = this.#completedSteps.map((_, i) => init.stepIds?.[i] ?? '');
    const secrets = () => this.#secrets;
    this.#log = createLog(ctx.config.logger, secrets);
    this.#transport = { ...ctx.transport, secrets, log: this.#log };
    ctx.claim(this);
    this.#persist();
    this.#scheduleExpiry();
  }

  /** `active` until the last step (`completed`), the nonce's expiry (`expired`) or a broken chain (`failed`). */
  get status(): OnboardingSessionStatus {
    return this.#status;
  }

  /** The id of the last submitted step: the default target of `upload`. */
  get lastStepId(): string | undefined {
    return this.#lastStepId;
  }

  /** Names of the steps the server has accepted, in order. */
  get completedSteps(): readonly string[] {
    return [...this.#completedSteps];
  }

  /** 0-based index of the next step to submit (= steps done so far). */
  get stepIndex(): number {
    return this.#completedSteps.length;
  }

  /** Number of steps of a defined skill; undefined for a plain string skill. */
  get totalSteps(): number | undefined {
    return this.#definition?.stepNames.length;
  }

  /** The next step to submit for a defined skill; undefined when done or untyped. */
  get currentStep(): (keyof Steps & string) | undefined {
    return this.#definition?.stepNames[this.#completedSteps.length] as (keyof Steps & string) | undefined;
  }

  /** When the current nonce expires (ms since the epoch): for a "continue within N minutes" hint. */
  get expiresAt(): number {
    return this.#nonceIssuedAt + this.#ctx.config.nonceTtlMs;
  }

  /** True after completion while `onTempToken` has not yet succeeded. */
  get handoffPending(): boolean {
    return this.#tempToken !== undefined;
  }

  /**
   * Submits one step's data. For a defined skill the data is validated first
   * (nothing is sent and the nonce is not spent if it is invalid) and steps must
   * come in the skill's order.
   */
  submitStep<K extends keyof Steps & string>(
    step: K,
    data: SchemaInput<Steps[K]>,
    options: SubmitStepOptions = {},
  ): Promise<StepResult> {
    return this.#run('submitStep', options.signal, async () => {
      if (typeof step !== 'string' || step === '') {
        throw new OnboardingError('validation_error', '`step` must be a non-empty string.');
      }
      if (typeof data !== 'object' || data === null || Array.isArray(data)) {
        throw new OnboardingError('validation_error', `The data of step "${step}" must be a plain object.`);
      }
      let payload = data as Record<string, unknown>;
      const definition = this.#definition;
      if (definition) {
        const expected = definition.stepNames[this.#completedSteps.length];
        if (step !== expected) {
          throw new OnboardingError(
            'step_out_of_order',
            expected
              ? `Step "${step}" cannot be submitted now: the next step of ${definition.name} is "${expected}".`
              : `Step "${step}" cannot be submitted: all steps of ${definition.name} are done.`,
          );
        }
        payload = await validateStepData(definition, step, payload);
      }
      const nonce = this.#usableNonce();
      const body: SubmitStepBody = { client_id: this.#ctx.config.clientId, nonce, skill: this.skill, step, data: payload };
      const sentAt = this.#ctx.config.now();
      const res = await this.#post({
        what: `Submitting step "${step}"`,
        url: apiUrl(this.#ctx.config.baseUrl, 'sessions', this.id, 'steps'),
        json: body,
        schema: stepSchema(),
        signal: options.signal,
        timeoutMs: this.#ctx.config.timeoutMs,
      });
      this.#completedSteps.push(step);
      this.#stepIds.push(res.step_id);
      this.#lastStepId = res.step_id;
      const completed = res.temp_token !== undefined;
      if (res.nonce !== undefined) this.#setNonce(res.nonce, sentAt);
      else if (!completed) {
        // A step that neither continues the chain nor completes leaves no way forward.
        this.#fail();
        throw new OnboardingError('invalid_response', `Submitting step "${step}" returned neither a nonce nor a temp token.`);
      }
      const result: StepResult = { stepId: res.step_id, status: res.status, data: res.data ?? {}, completed, handedOff: false };
      if (!completed) this.#persist();
      this.#ctx.emit('step:submitted', {
        sessionId: this.id,
        step,
        stepId: res.step_id,
        status: res.status,
        completed,
        index: this.#completedSteps.length - 1,
        total: this.totalSteps,
      });
      if (completed) {
        this.#tempToken = res.temp_token;
        this.#secrets.push(res.temp_token!);
        this.#handoffInfo = { sessionId: this.id, skill: this.skill, stepId: res.step_id };
        this.#end('completed');
        this.#ctx.emit('session:completed', { sessionId: this.id, skill: this.skill });
        // Resolves once onTempToken settled, so `handedOff` is the truth — or when the wait is given up
        // (handoffTimeoutMs, the caller's abort): a hung callback must not hang the flow.
        result.handedOff = (await this.#deliver(options.signal)) === undefined;
      }
      return result;
    });
  }

  /**
   * Uploads a file for a step as multipart (`client_id`, `nonce`, `file`). The
   * file is streamed, never read into memory; in browsers progress is real.
   */
  upload(file: Blob, options: UploadOptions = {}): Promise<UploadResult> {
    return this.#run('upload', options.signal, async () => {
      if (typeof Blob === 'undefined' || !(file instanceof Blob)) {
        throw new OnboardingError('validation_error', '`upload` needs a Blob or File.');
      }
      const stepId = options.stepId ?? this.#lastStepId;
      if (!stepId) throw new OnboardingError('invalid_state', 'No step has been submitted yet: pass `stepId` or submit the step first.');
      // It goes into the URL's path: `..` or `/` would send the file to another endpoint.
      if (!isSafeId(stepId)) throw new OnboardingError('validation_error', '`stepId` is not a step id the API hands out.');
      let named = toNamedFile(file, options.fileName);
      if (this.#definition) {
        const stepName = this.#completedSteps[this.#stepIds.lastIndexOf(stepId)];
        // A typed skill's upload rules must never be skipped because a step id is unknown.
        if (!stepName) throw new OnboardingError('invalid_state', `Step ${stepId} is not a step this session submitted.`);
        named = await prepareUpload(this.#definition, stepName, named);
      }
      const mode = this.#ctx.config.uploadTransport;
      const useXhr = mode === 'xhr' || (mode === 'auto' && hasXhr());
      if (useXhr && !hasXhr()) throw new OnboardingError('invalid_state', "uploadTransport is 'xhr' but this runtime has no XMLHttpRequest.");
      const nonce = this.#usableNonce();
      const form = () => {
        const body = new FormData();
        body.append('client_id', this.#ctx.config.clientId);
        body.append('nonce', nonce);
        body.append('file', named, named.name);
        return body;
      };
      const report = (progress: UploadProgress) => {
        try {
          options.onProgress?.(progress);
        } catch {
          // A UI callback's bug must not turn an upload the server received into a failure.
          this.#log('onProgress threw');
        }
        this.#ctx.emit('upload:progress', { sessionId: this.id, stepId, ...progress });
      };
      // One FormData per attempt: a body already sent cannot be sent again.
      let current: FormData | undefined;
      const sentAt = this.#ctx.config.now();
      const { uploadTimeoutMs, maxResponseBytes } = this.#ctx.config;
      const res = await this.#post({
        what: `Uploading to step ${stepId}`,
        url: apiUrl(this.#ctx.config.baseUrl, 'steps', stepId, 'upload'),
        form: () => (current = form()),
        schema: uploadSchema(),
        signal: options.signal,
        timeoutMs: uploadTimeoutMs,
        fetch: useXhr ? (input, init) => createXhrFetch(current!, report, named.size, maxResponseBytes)(input, init) : undefined,
      });
      if (res.nonce !== undefined) this.#setNonce(res.nonce, sentAt);
      this.#persist();
      // Where no real progress exists (fetch), the final report still arrives; XHR may stop short of the last byte.
      report({ loaded: named.size, total: named.size });
      const result: UploadResult = { stepId, status: res.status, fileName: named.name, size: named.size, type: named.type };
      this.#ctx.emit('upload:completed', { sessionId: this.id, ...result });
      return result;
    });
  }

  /**
   * Calls `onTempToken` again with the kept token after it threw or rejected.
   * Resolves once it succeeds (at once if it already did); rejects with
   * `handoff_failed` if it fails again, keeping the token for another try.
   * While a delivery is in progress, a call joins it rather than starting a
   * second one (so do not await it from inside `onTempToken`). A delivery that
   * does not settle within `handoffTimeoutMs` rejects with `handoff_failed` and
   * is given up: the next call starts a new one with the same token.
   */
  async retryHandoff(options: RetryHandoffOptions = {}): Promise<void> {
    if (this.#status !== 'completed') {
      throw new OnboardingError('invalid_state', 'There is nothing to hand off: the session is not completed.');
    }
    const error = await this.#deliver(options.signal);
    if (error) throw error;
  }

  /** Stops the session's expiry timers, e.g. when a UI component unmounts. The session stays resumable from storage. */
  dispose(): void {
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers = [];
  }

  /**
   * Runs one public operation after the previous one finished; maps and reports
   * its failure. An abort while waiting for its turn rejects at once.
   */
  #run<T>(operation: OnboardingOperation, signal: AbortSignal | undefined, fn: () => Promise<T>): Promise<T> {
    const previous = this.#queue;
    const run = (async () => {
      try {
        await untilAborted(previous, signal);
        this.#assertActive(operation);
        this.#busy = true;
        try {
          return await fn();
        } finally {
          this.#busy = false;
          this.#expireIfDue();
        }
      } catch (raw) {
        // The one boundary every failure crosses: whatever raised it, no secret gets past here.
        const error = redactError(toOnboardingError(raw, operation, this.#transport, signal), this.#secrets);
        this.#ctx.emit('error', { sessionId: this.id, operation, error });
        throw error;
      }
    })();
    // The next call waits for this one and for the one it was waiting on (which an abort skipped).
    this.#queue = Promise.allSettled([previous, run]);
    return run;
  }

  #assertActive(operation: OnboardingOperation): void {
    const what = operation === 'upload' ? 'upload a file' : 'submit a step';
    if (this.#status === 'completed') throw new OnboardingError('session_completed', `Cannot ${what}: the session is completed.`);
    if (this.#status === 'expired') throw new OnboardingError('nonce_expired', `Cannot ${what}: the session expired; start a new one.`);
    if (this.#status === 'failed') throw new OnboardingError('session_failed', `Cannot ${what}: the session is out of step with the server; start a new one.`);
  }

  /** The current nonce, unless the clock says it is dead or a twin of this session already sent it: then nothing is sent. */
  #usableNonce(): string {
    if (this.#ctx.config.now() >= this.expiresAt || this.#nonce === undefined) {
      this.#expire();
      throw new OnboardingError('nonce_expired', 'The session expired (its nonce is older than its lifetime); start a new one.');
    }
    if (!claimNonce(this.#nonce, this.#owner)) {
      throw new OnboardingError(
        'invalid_state',
        'Another OnboardingSession object on this page already uses this session (the stored session was resumed twice, e.g. by two clients on one storage); continue with that one.',
      );
    }
    return this.#nonce;
  }

  /** Sends one call of the chain; a retry after a `Retry-After` wait re-checks the nonce first. */
  async #post<T>(request: Omit<PostRequest<T>, 'beforeAttempt'>): Promise<T> {
    try {
      return await post(this.#transport, { ...request, beforeAttempt: () => void this.#usableNonce() });
    } catch (raw) {
      const error = toOnboardingError(raw, request.what, this.#transport, request.signal);
      if (error.code === 'expired_nonce') this.#expire();
      else if (error.code === 'invalid_nonce' || error.code === 'invalid_session_id') {
        // The server no longer accepts our nonce: most likely it processed an
        // earlier call whose answer was lost. No retry can repair that.
        this.#fail();
        throw new OnboardingError(
          error.code,
          `${request.what} was refused (${error.code}): the session is out of step with the server, probably because an earlier answer was lost. Start a new session.`,
          { status: error.status, requestId: error.requestId, retryable: false },
        );
      }
      throw error;
    }
  }

  /** `issuedAt` is when the request was sent: the server's clock started no later, so ours must not start later either. */
  #setNonce(nonce: string, issuedAt: number): void {
    this.#nonce = nonce;
    this.#secrets.push(nonce);
    this.#nonceIssuedAt = issuedAt;
    this.#scheduleExpiry();
  }

  /** Arms the warning and expiry timers; `rearm` after a clamped timer fired early, when a past warning must not fire twice. */
  #scheduleExpiry(rearm = false): void {
    this.dispose();
    if (this.#status !== 'active') return;
    const { nonceWarningMs, now } = this.#ctx.config;
    const left = this.expiresAt - now();
    const expiresAt = this.expiresAt;
    if (nonceWarningMs > 0 && left > 0 && !(rearm && left <= nonceWarningMs)) {
      this.#timers.push(
        later(left - nonceWarningMs, () =>
          this.#ctx.emit('nonce:expiring', { sessionId: this.id, expiresAt, msLeft: Math.max(0, expiresAt - now()) }),
        ),
      );
    }
    // Timers are clamped to setTimeout's ceiling: one that fires before the expiry re-arms itself.
    this.#timers.push(later(left, () => (now() >= this.expiresAt ? this.#expireIfDue() : this.#scheduleExpiry(true))));
  }

  /** Expires the session if its nonce is dead by the clock — unless a call is out, whose answer decides first. */
  #expireIfDue(): void {
    if (!this.#busy && this.#ctx.config.now() >= this.expiresAt) this.#expire();
  }

  #expire(): void {
    if (this.#end('expired')) this.#ctx.emit('session:expired', { sessionId: this.id });
  }

  #fail(): void {
    this.#end('failed');
  }

  /** Leaves `active` for good: no timers, no stored state, no nonce in memory. False if it had already ended. */
  #end(status: Exclude<OnboardingSessionStatus, 'active'>): boolean {
    if (this.#status !== 'active') return false;
    this.#status = status;
    this.#nonce = undefined;
    this.dispose();
    this.#ctx.onEnded(this);
    return true;
  }

  #persist(): void {
    if (this.#status !== 'active' || this.#nonce === undefined) return;
    const { baseUrl, clientId } = this.#ctx.config;
    this.#ctx.persist(this, {
      v: 1,
      baseUrl,
      clientId,
      sessionId: this.id,
      skill: this.skill,
      nonce: this.#nonce,
      nonceIssuedAt: this.#nonceIssuedAt,
      lastStepId: this.#lastStepId,
      completedSteps: this.#completedSteps,
      stepIds: this.#stepIds,
    });
  }

  /**
   * Hands the token to `onTempToken` at most once at a time; drops it once
   * delivered. The wait is bounded by `handoffTimeoutMs` and `signal`; a wait
   * given up also gives up the attempt, so the next retry calls again.
   */
  #deliver(signal?: AbortSignal): Promise<OnboardingError | undefined> {
    const token = this.#tempToken;
    const info = this.#handoffInfo;
    if (token === undefined || info === undefined) return Promise.resolve(undefined);
    let attempt = this.#handoff;
    if (!attempt) {
      // The callback runs a microtask later, after the marker is set: a callback
      // that calls retryHandoff() itself joins this attempt instead of starting a second delivery.
      const started = Promise.resolve().then(() => this.#callOnTempToken(token, info));
      this.#handoff = attempt = started;
      void started.then(() => {
        if (this.#handoff === started) this.#handoff = undefined;
      });
    }
    const current = attempt;
    return new Promise((resolve) => {
      const done = (error: OnboardingError | undefined, giveUp = false) => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        if (giveUp && this.#handoff === current) this.#handoff = undefined;
        resolve(error);
      };
      const kept = 'the temp token is kept in memory: call session.retryHandoff()';
      const timer = later(this.#ctx.config.handoffTimeoutMs, () => {
        const error = new OnboardingError('handoff_failed', `onTempToken did not settle within ${this.#ctx.config.handoffTimeoutMs} ms; ${kept}.`, {
          retryable: true,
        });
        this.#ctx.emit('error', { sessionId: this.id, operation: 'handoff', error });
        done(error, true);
      });
      const onAbort = () => done(new OnboardingError('aborted', `Waiting for onTempToken was aborted; ${kept}.`, { retryable: true }), true);
      if (signal?.aborted) return onAbort();
      signal?.addEventListener('abort', onAbort, { once: true });
      void current.then((error) => done(error));
    });
  }

  async #callOnTempToken(token: string, info: HandoffInfo): Promise<OnboardingError | undefined> {
    try {
      await this.#ctx.config.onTempToken(token, info);
      // A given-up attempt that settles late still delivered the token: drop it, once.
      if (this.#tempToken === undefined) return undefined;
      this.#tempToken = undefined;
      this.#ctx.emit('handoff:completed', { sessionId: this.id });
      return undefined;
    } catch (cause) {
      const message = cause instanceof Error ? redact(cause.message, this.#secrets) : 'a non-Error value was thrown';
      const error = new OnboardingError(
        'handoff_failed',
        `onTempToken failed (${message}); the temp token is kept in memory: call session.retryHandoff().`,
        { retryable: true, cause: new Error(message) },
      );
      this.#log('handoff failed', { sessionId: this.id });
      this.#ctx.emit('error', { sessionId: this.id, operation: 'handoff', error });
      return error;
    }
  }
}
