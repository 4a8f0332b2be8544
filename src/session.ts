import { newState, recordRedirect, withState } from './bank-redirect.js';
import type { TabSync, SharedChain } from './cross-tab.js';
import { OnboardingError } from './errors.js';
import type { OnboardingOperation } from './events.js';
import { Handoff } from './handoff.js';
import { createLog } from './internal/logger.js';
import { Listeners } from './internal/listeners.js';
import { SerialQueue } from './internal/queue.js';
import { toRecord } from './storage.js';
import { redactError } from './internal/redact.js';
import { NonceChain, nonceRefusal } from './nonce-chain.js';
import { stepSchema, uploadSchema } from './schemas.js';
import { announce, assertActive, initialState, reduce, toSnapshot } from './session-state.js';
import type { OnboardingSessionSnapshot, OnboardingSessionStatus, SessionAction, SessionState } from './session-state.js';
import type { SchemaInput, SkillDefinition, StepSchemas, UntypedSteps } from './skill.js';
import type { RetryHandoffOptions, SessionContext, SessionInit, StepResult, SubmitStepOptions } from './session-types.js';
import { apiUrl, post, toOnboardingError, type PostRequest, type TransportContext } from './transport.js';
import { uploadRequest, type UploadOptions, type UploadResult } from './upload.js';
import { checkStep } from './validate.js';
import { safeRedirectUrl } from './redirect.js';

/**
 * One onboarding flow, typed by its steps: name it `OnboardingSession<typeof skill>`
 * (this name is for code generic over steps). Calls run one at a time (SerialQueue),
 * each spends the current nonce of its chain (NonceChain); every change goes through
 * one transition (`#dispatch`): state, persistence, the chain's end, events, subscribers.
 */
export class OnboardingSessionOf<Steps extends StepSchemas = UntypedSteps> {
  /** The server's session id. */
  readonly id: string;
  /** The skill's catalog name. */
  readonly skill: string;

  readonly #ctx: SessionContext<OnboardingSessionOf<any>>;
  readonly #definition: SkillDefinition | undefined;
  readonly #chain: NonceChain;
  readonly #handoff: Handoff;
  readonly #queue: SerialQueue;
  readonly #transport: TransportContext;
  readonly #listeners = new Listeners();
  readonly #sync: TabSync | undefined;
  #state: SessionState;
  #snapshot: OnboardingSessionSnapshot | undefined;
  #returnState: string | undefined;

  /** @internal Sessions are made by `client.startSession()` / `client.resumeSession()`. */
  constructor(ctx: SessionContext<OnboardingSessionOf<any>>, init: SessionInit) {
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
    this.#transport = { ...ctx.transport, secrets: () => secrets, log: createLog(config.logger, () => secrets, config.logLevel) };
    this.#handoff = new Handoff(config, secrets, (handoff, error) => this.#dispatch({ type: 'handoff', handoff, error }));
    // An expiry that fell due while a call was out is decided once the call settled.
    this.#queue = new SerialQueue(() => this.#expireIfDue());
    this.#state = initialState(init, this.#chain.expiresAt);
    ctx.claim(this);
    this.#persist();
    this.#chain.arm();
    const current = () => ({ ...this.#state, nonce: this.#chain.current, issuedAt: this.#chain.issuedAt });
    this.#sync = ctx.sync?.(this.id, { adopt: (chain) => this.#adopt(chain), current, log: this.#transport.log });
  }

  /** The session's state as one frozen value: the same object until something changes. */
  getSnapshot(): OnboardingSessionSnapshot {
    return (this.#snapshot ??= toSnapshot(this.#state, this.#definition));
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
      const payload = await checkStep(this.#definition, this.#state.completedSteps.length, this.#state.uploads, step, data);
      const { baseUrl, clientId, timeoutMs, now } = this.#ctx.config;
      const sentAt = now();
      const json = { client_id: clientId, nonce: this.#spend(), skill: this.skill, step, data: payload };
      const url = apiUrl(baseUrl, 'sessions', this.id, 'steps');
      const res = await this.#post({ what: `Submitting step "${step}"`, url, json, schema: stepSchema(), signal: options.signal, timeoutMs });
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
      const onProgress = (progress: { loaded: number; total: number }) => emit('upload:progress', { sessionId: this.id, stepId, ...progress });
      const { stepId, named, fetch, form, done } = await uploadRequest(file, options, { config, definition: this.#definition, state: this.#state, onProgress, log: this.#transport.log });
      const sentAt = config.now();
      const nonce = this.#spend();
      const url = apiUrl(config.baseUrl, 'steps', stepId, 'upload');
      const res = await this.#post({ what: `Uploading to step ${stepId}`, url, form: () => form(nonce), schema: uploadSchema(), signal: options.signal, timeoutMs: config.uploadTimeoutMs, fetch });
      if (res.nonce !== undefined) this.#chain.rotate(res.nonce, sentAt);
      done();
      const result: UploadResult = { stepId, status: res.status, fileName: named.name, size: named.size, type: named.type };
      this.#dispatch({ type: 'upload', upload: result, expiresAt: this.#chain.expiresAt });
      return result;
    });
  }

  /**
   * Calls `onTempToken` again with the kept token after it threw, rejected or timed out; resolves once it succeeds.
   * Rejects with `handoff_failed` (or `aborted`), keeping the token; joins a delivery in progress (do not await it inside `onTempToken`).
   */
  async retryHandoff(options: RetryHandoffOptions = {}): Promise<void> {
    if (this.#state.status !== 'completed') throw new OnboardingError('invalid_state', 'There is nothing to hand off: the session is not completed.');
    const error = await this.#handoff.deliver(options.signal);
    if (error) throw error;
  }

  /** `base` with a single-use, unguessable `state` bound to this session: the bank step's return address. */
  returnUrl(base: string): string {
    return withState(base, (this.#returnState ??= this.#chain.hold(newState())));
  }

  /** Leaves for the bank: checks `url` (else `invalid_redirect_url`), records the pending redirect in `storage`, navigates. */
  followRedirect(url: unknown): void {
    const href = safeRedirectUrl(url);
    assertActive(this.#state.status, 'followRedirect');
    recordRedirect(this.#ctx.config, this.id, this.#returnState);
    location.assign(href);
  }

  /** Stops the session's expiry timers and its news from other tabs, e.g. when a UI component unmounts. The session stays resumable from storage. */
  dispose(): void {
    this.#chain.disarm();
    this.#sync?.close();
  }

  /** Runs one public operation after the previous one; the one boundary every failure crosses, mapped and redacted once. */
  #run<T>(operation: OnboardingOperation, signal: AbortSignal | undefined, task: () => Promise<T>): Promise<T> {
    const checked = () => (assertActive(this.#state.status, operation), task());
    const sync = this.#sync;
    return this.#queue.run(signal, sync ? () => sync.run(signal, checked) : checked).catch((raw: unknown) => {
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
      const ended = next.status !== 'active' && previous.status === 'active';
      if (ended) {
        this.#chain.end();
        this.#ctx.onEnded(this, this.#chain.secrets);
      } else this.#persist();
      // Progress is shared (never what another tab did, back to it; nor this tab's own handoff or warning).
      if (action.type === 'step' || action.type === 'upload' || action.type === 'end') this.#sync?.share();
      if (ended) this.#sync?.close();
    }
    if (changed || action.type === 'handoff') announce(action, next, this.id, this.skill, this.#ctx.emit);
    if (changed) this.#listeners.notify();
  }

  /** Takes on what another tab did: its nonce (read under the lock) and its progress, or the end of the session. */
  #adopt(chain: SharedChain): void {
    if (this.#state.status !== 'active') return;
    this.#chain.rotate(chain.nonce, chain.issuedAt);
    this.#dispatch({ type: 'sync', chain, expiresAt: chain.issuedAt + this.#ctx.config.nonceTtlMs });
  }

  #persist(): void { // without storage no record is built
    const record = this.#ctx.config.storage && toRecord(this.#ctx.config, this.id, this.skill, this.#state, this.#chain);
    if (record) this.#ctx.persist(this, record, this.#chain.secrets);
  }
}

