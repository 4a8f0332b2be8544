import { OnboardingError } from './errors.js';
import type { OnboardingOperation } from './events.js';
import { Handoff } from './handoff.js';
import { createLog } from './internal/logger.js';
import { Listeners } from './internal/listeners.js';
import { SerialQueue } from './internal/queue.js';
import { redactError } from './internal/redact.js';
import { NonceChain, nonceRefusal } from './nonce-chain.js';
import { stepSchema, uploadSchema } from './schemas.js';
import { announce, assertActive, initialState, reduce, toSnapshot, type SessionAction, type SessionState } from './session-state.js';
import type { OnboardingSessionSnapshot, OnboardingSessionStatus } from './session-state.js';
import type { SchemaInput, SkillDefinition, StepSchemas, UntypedSteps } from './skill.js';
import type { RetryHandoffOptions, SessionContext, SessionInit, StepResult, SubmitStepOptions } from './session-types.js';
import { apiUrl, post, toOnboardingError, type PostRequest, type TransportContext } from './transport.js';
import { uploadRequest, type UploadOptions, type UploadResult } from './upload.js';
import { checkStep } from './validate.js';

/**
 * One onboarding flow on the server. It orchestrates: calls run one at a time
 * (SerialQueue), each spends the current nonce of its chain (NonceChain), and
 * every change — a step, an upload, expiry, failure, the handoff — goes
 * through one transition (`#dispatch`) that sets the state, persists it, ends
 * the chain and announces the events, then notifies subscribers once.
 */
export class OnboardingSession<Steps extends StepSchemas = UntypedSteps> {
  /** The server's session id. */
  readonly id: string;
  /** The skill's catalog name. */
  readonly skill: string;

  readonly #ctx: SessionContext<OnboardingSession<any>>;
  readonly #definition: SkillDefinition | undefined;
  readonly #chain: NonceChain;
  readonly #handoff: Handoff;
  readonly #queue: SerialQueue;
  readonly #transport: TransportContext;
  readonly #listeners = new Listeners();
  #state: SessionState;
  #snapshot: OnboardingSessionSnapshot | undefined;

  /** @internal Sessions are made by `client.startSession()` / `client.resumeSession()`. */
  constructor(ctx: SessionContext<OnboardingSession<any>>, init: SessionInit) {
    const { config } = ctx;
    this.#ctx = ctx;
    this.id = init.id;
    this.skill = init.skill;
    this.#definition = init.definition;
    this.#chain = new NonceChain(config, config.storage, init.nonce, init.nonceIssuedAt, {
      onWarning: (msLeft) => this.#dispatch({ type: 'expiring', msLeft }),
      onDue: () => this.#expireIfDue(),
    });
    const secrets = this.#chain.secrets;
    this.#transport = { ...ctx.transport, secrets: () => secrets, log: createLog(config.logger, () => secrets) };
    this.#handoff = new Handoff(config, secrets, (handoff, error) => this.#dispatch({ type: 'handoff', handoff, error }));
    // An expiry that fell due while a call was out is decided once the call settled.
    this.#queue = new SerialQueue(() => this.#expireIfDue());
    this.#state = initialState(init, this.#chain.expiresAt);
    ctx.claim(this);
    this.#persist();
    this.#chain.arm();
  }

  /** The session's state as one frozen value: the same object until something changes. */
  getSnapshot(): OnboardingSessionSnapshot {
    return (this.#snapshot ??= toSnapshot(this.#state, this.#definition?.stepNames));
  }

  /** Calls `listener` once after every change of the snapshot; returns the function that unsubscribes. */
  subscribe(listener: () => void): () => void {
    return this.#listeners.add(listener);
  }

  // Getters for what a flow reads most; getSnapshot() has them all in one value.
  /** See {@link OnboardingSessionSnapshot.status}. */
  get status(): OnboardingSessionStatus { return this.#state.status; }
  /** The id of the last submitted step: the default target of `upload`. */
  get lastStepId(): string | undefined { return this.#state.lastStepId; }
  /** Names of the steps the server has accepted, in order. */
  get completedSteps(): readonly string[] { return this.#state.completedSteps; }
  /** 0-based index of the next step to submit (= steps done so far). */
  get stepIndex(): number { return this.#state.completedSteps.length; }
  /** Number of steps of a defined skill; undefined for a plain string skill. */
  get totalSteps(): number | undefined { return this.getSnapshot().totalSteps; }
  /** The next step to submit for a defined skill; undefined when done or untyped. */
  get currentStep(): (keyof Steps & string) | undefined { return this.getSnapshot().currentStep as (keyof Steps & string) | undefined; }
  /** When the current nonce expires (ms since the epoch). */
  get expiresAt(): number { return this.#state.expiresAt; }
  /** True after completion while `onTempToken` has not yet succeeded. */
  get handoffPending(): boolean { return this.#handoff.pending; }

  /**
   * Submits one step's data. For a defined skill the data is validated first
   * (nothing is sent and the nonce is not spent if it is invalid) and steps must
   * come in the skill's order.
   */
  submitStep<K extends keyof Steps & string>(step: K, data: SchemaInput<Steps[K]>, options: SubmitStepOptions = {}): Promise<StepResult> {
    return this.#run('submitStep', options.signal, async () => {
      const payload = await checkStep(this.#definition, this.#state.completedSteps.length, step, data);
      const sentAt = this.#ctx.config.now();
      const res = await this.#post({
        what: `Submitting step "${step}"`,
        url: apiUrl(this.#ctx.config.baseUrl, 'sessions', this.id, 'steps'),
        json: { client_id: this.#ctx.config.clientId, nonce: this.#spend(), skill: this.skill, step, data: payload },
        schema: stepSchema(),
        signal: options.signal,
        timeoutMs: this.#ctx.config.timeoutMs,
      });
      const { step_id: stepId, status, nonce, temp_token: token } = res;
      const completed = token !== undefined;
      if (nonce !== undefined) this.#chain.rotate(nonce, sentAt);
      else if (!completed) {
        // A step that neither continues the chain nor completes leaves no way forward.
        this.#dispatch({ type: 'end', status: 'failed' });
        throw new OnboardingError('invalid_response', `Submitting step "${step}" returned neither a nonce nor a temp token.`);
      }
      if (completed) {
        this.#chain.hold(token);
        this.#handoff.start(token, { sessionId: this.id, skill: this.skill, stepId });
      }
      this.#dispatch({ type: 'step', step, stepId, status, completed, expiresAt: this.#chain.expiresAt, total: this.totalSteps });
      // On completion, resolves once onTempToken settled (so `handedOff` is the truth) or the wait was given up.
      const handedOff = completed && (await this.#handoff.deliver(options.signal)) === undefined;
      return { stepId, status, data: res.data ?? {}, completed, handedOff };
    });
  }

  /**
   * Uploads a file for a step as multipart (`client_id`, `nonce`, `file`). The
   * file is streamed, never read into memory; in browsers progress is real.
   */
  upload(file: Blob, options: UploadOptions = {}): Promise<UploadResult> {
    return this.#run('upload', options.signal, async () => {
      const { config, emit } = this.#ctx;
      const { stepId, named, fetch, form, done } = await uploadRequest(file, options, {
        config,
        definition: this.#definition,
        state: this.#state,
        onProgress: (progress) => emit('upload:progress', { sessionId: this.id, stepId, ...progress }),
        log: this.#transport.log,
      });
      const sentAt = config.now();
      const nonce = this.#spend();
      const res = await this.#post({
        what: `Uploading to step ${stepId}`,
        url: apiUrl(config.baseUrl, 'steps', stepId, 'upload'),
        form: () => form(nonce),
        schema: uploadSchema(),
        signal: options.signal,
        timeoutMs: config.uploadTimeoutMs,
        fetch,
      });
      if (res.nonce !== undefined) this.#chain.rotate(res.nonce, sentAt);
      done();
      const result: UploadResult = { stepId, status: res.status, fileName: named.name, size: named.size, type: named.type };
      this.#dispatch({ type: 'upload', upload: result, expiresAt: this.#chain.expiresAt });
      return result;
    });
  }

  /**
   * Calls `onTempToken` again with the kept token after it threw, rejected or
   * did not settle within `handoffTimeoutMs`. Resolves once it succeeds (at
   * once if it already did); rejects with `handoff_failed` if it fails again
   * (or `aborted`), keeping the token for another try. While a delivery is in
   * progress a call joins it (so do not await it from inside `onTempToken`).
   */
  async retryHandoff(options: RetryHandoffOptions = {}): Promise<void> {
    if (this.#state.status !== 'completed') throw new OnboardingError('invalid_state', 'There is nothing to hand off: the session is not completed.');
    const error = await this.#handoff.deliver(options.signal);
    if (error) throw error;
  }

  /** Stops the session's expiry timers, e.g. when a UI component unmounts. The session stays resumable from storage. */
  dispose(): void {
    this.#chain.disarm();
  }

  /** Runs one public operation after the previous one; the one boundary every failure crosses, mapped and redacted once. */
  #run<T>(operation: OnboardingOperation, signal: AbortSignal | undefined, task: () => Promise<T>): Promise<T> {
    const checked = () => {
      assertActive(this.#state.status, operation);
      return task();
    };
    return this.#queue.run(signal, checked).catch((raw: unknown) => {
      const error = redactError(toOnboardingError(raw, operation, this.#transport, signal), this.#chain.secrets);
      this.#ctx.emit('error', { sessionId: this.id, operation, error });
      throw error;
    });
  }

  /** The current nonce, unless the clock says it is dead: then the session expires and nothing is sent. */
  #spend(): string {
    if (this.#chain.dead) {
      this.#dispatch({ type: 'end', status: 'expired' });
      throw new OnboardingError('nonce_expired', 'The session expired (its nonce is older than its lifetime); start a new one.');
    }
    return this.#chain.spend();
  }

  /** Sends one call of the chain; a refusal of its nonce ends the session, named in the SDK's words. */
  async #post<T>(request: Omit<PostRequest<T>, 'beforeAttempt'>): Promise<T> {
    try {
      // A retry after a Retry-After wait re-checks the nonce first.
      return await post(this.#transport, { ...request, beforeAttempt: () => void this.#spend() });
    } catch (error) {
      const refused = nonceRefusal(error as OnboardingError, request.what);
      if (refused) this.#dispatch({ type: 'end', status: refused.code === 'nonce_expired' ? 'expired' : 'failed' });
      throw refused ?? error;
    }
  }

  /** Expires the session if its nonce is dead by the clock — unless a call is out, whose answer decides first. */
  #expireIfDue(): void {
    if (!this.#queue.busy && this.#state.status === 'active' && this.#chain.dead) this.#dispatch({ type: 'end', status: 'expired' });
  }

  /** The one transition: state, persistence, the chain's end, events, subscribers. */
  #dispatch(action: SessionAction): void {
    const previous = this.#state;
    const next = reduce(previous, action);
    const changed = next !== previous;
    if (changed) {
      this.#state = next;
      this.#snapshot = undefined;
      if (next.status !== 'active' && previous.status === 'active') {
        this.#chain.end();
        this.#ctx.onEnded(this, this.#chain.secrets);
      } else this.#persist();
    }
    if (changed || action.type === 'handoff') announce(action, next, this.id, this.skill, this.#ctx.emit);
    if (changed) this.#listeners.notify();
  }

  #persist(): void {
    const { status, lastStepId, completedSteps, stepIds } = this.#state;
    const nonce = this.#chain.current;
    if (status !== 'active' || nonce === undefined) return;
    const { baseUrl, clientId } = this.#ctx.config;
    this.#ctx.persist(this, {
      ...{ v: 1, baseUrl, clientId, sessionId: this.id, skill: this.skill, nonce, nonceIssuedAt: this.#chain.issuedAt },
      ...{ lastStepId, completedSteps: [...completedSteps], stepIds: [...stepIds] },
    }, this.#chain.secrets);
  }
}

