import mitt, { type Emitter } from 'mitt';
import { MAX_CLOCK_SKEW_MS } from './defaults.js';
import { resolveConfig, type OnboardingClientConfig, type ResolvedConfig } from './config.js';
import { OnboardingError } from './errors.js';
import type { OnboardingEvents, OnboardingEventType, OnboardingWildcardHandler, Unsubscribe } from './events.js';
import { reportError } from './internal/listeners.js';
import { abortable } from './internal/abortable.js';
import { createLog, type Log } from './internal/logger.js';
import { redactError } from './internal/redact.js';
import type { CreateSessionBody } from './protocol.js';
import { sessionSchema } from './schemas.js';
import { OnboardingSessionOf } from './session.js';
import type { OnboardingSession } from './onboarding-session.js';
import type { SessionContext } from './session-types.js';
import type { SkillDefinition, UntypedSteps } from './skill.js';
import { SessionStore } from './storage.js';
import { canShareTabs, tabSync } from './cross-tab.js';
import { handleReturn, type RedirectReturn } from './bank-redirect.js';
import { apiUrl, post, toOnboardingError } from './transport.js';

/** Options of `startSession`. */
export interface StartSessionOptions<S extends string | SkillDefinition<any>> {
  /** A catalog skill name (untyped steps) or a skill from `defineSkill` (typed steps). */
  skill: S;
  /** Opaque id of your end-user; required by the production API. */
  tenantUserId?: string;
  /** Aborts the call; rejects with `aborted`. */
  signal?: AbortSignal;
}

/** The steps type a `startSession` skill argument yields. */
export type StepsOf<S> = S extends SkillDefinition<infer Steps> ? Steps : UntypedSteps;

/**
 * Entry point of the SDK: holds the configuration and the event emitter, and
 * creates or resumes sessions. Safe to construct during SSR: it touches no
 * browser global until a call needs one.
 */
export class OnboardingClient {
  readonly #config: ResolvedConfig;
  readonly #emitter: Emitter<OnboardingEvents> = mitt<OnboardingEvents>();
  readonly #log: Log;
  readonly #store: SessionStore;
  readonly #context: SessionContext<OnboardingSessionOf<any>>;
  // The live session, so a second resume returns it instead of a twin racing on one nonce.
  #active: OnboardingSessionOf<any> | undefined;
  // A start in flight: a double click joins it instead of creating a second session on the server.
  #starting: { key: string; promise: Promise<OnboardingSessionOf<any>>; controller: AbortController; waiting: number } | undefined;

  /** Throws `OnboardingError` (`invalid_config`) for a missing field, a non-https remote `baseUrl` or a `clientSecret`. */
  constructor(config: OnboardingClientConfig) {
    this.#config = resolveConfig(config);
    this.#log = createLog(this.#config.logger, () => [this.#config.clientAppKey], this.#config.logLevel);
    this.#store = new SessionStore(this.#config.storage, this.#config.storageKey, this.#log);
    const { fetch, now, retry, maxResponseBytes } = this.#config;
    this.#context = {
      config: this.#config,
      transport: { fetch, now, retry, maxResponseBytes },
      emit: (type, payload) => this.#emitter.emit(type, payload),
      // A new or resumed session becomes the client's current one.
      claim: (session) => {
        this.#active = session;
      },
      // One storage key per client: only the current session writes or clears it, so an older one never overwrites it.
      persist: (session, record, held) => {
        if (this.#active === session) this.#store.save(record, held);
      },
      // Tabs coordinate only where they can share a session at all: through `storage`.
      sync: this.#config.storage && this.#config.crossTab && canShareTabs() ? (id, host) => tabSync(id, host, this.#config) : undefined,
      onEnded: (session, held) => {
        if (this.#active !== session) return;
        this.#active = undefined;
        // Only its own record: another client on the same storage may have written a newer one.
        this.#store.clear(session.id, held);
      },
    };
  }

  /**
   * Subscribes to an event (or `'*'` for all, called with the type and payload).
   * Returns the function that unsubscribes. A throwing handler never breaks a flow.
   */
  on<K extends OnboardingEventType>(type: K, handler: (payload: OnboardingEvents[K]) => void): Unsubscribe;
  on(type: '*', handler: OnboardingWildcardHandler): Unsubscribe;
  on(type: OnboardingEventType | '*', handler: (...args: any[]) => void): Unsubscribe {
    const safe = (...args: unknown[]) => {
      try {
        handler(...args);
      } catch (error) {
        // A listener's bug must not lose the user's step or temp token; surface it like the platform does.
        this.#log('an event handler threw', { type: String(type) }, 'error');
        reportError(error);
      }
    };
    this.#emitter.on(type as any, safe as any);
    return () => this.#emitter.off(type as any, safe as any);
  }

  /**
   * Creates a session on the server; its nonce chain starts here. A second
   * call with the same skill and user while one is in flight (a double click,
   * React StrictMode's second effect) joins it: one session on the server, the
   * same object for both callers. Each caller's `signal` ends its own wait; the
   * request itself stops once every caller that joined it has aborted.
   */
  startSession<S extends string | SkillDefinition<any>>(options: StartSessionOptions<S>): Promise<OnboardingSession<StepsOf<S>>> {
    const skill = options?.skill;
    const key = JSON.stringify([typeof skill === 'object' && skill !== null ? (skill as SkillDefinition).name : skill, options?.tenantUserId]);
    const signal = options?.signal;
    const aborted = () => new OnboardingError('aborted', 'Creating a session was aborted by the caller.', { retryable: true });
    // Nothing is sent for a caller who already gave up.
    if (signal?.aborted) return Promise.reject(aborted());
    let entry = this.#starting;
    if (entry?.key !== key || entry.controller.signal.aborted) {
      // One request for every caller that joins it; it stops only when all of them gave up.
      const controller = new AbortController();
      const promise = this.#start({ ...options, signal: controller.signal });
      const created = (entry = this.#starting = { key, promise, controller, waiting: 0 });
      const settled = () => {
        if (this.#starting === created) this.#starting = undefined;
      };
      promise.then(settled, settled);
    }
    const joined = entry;
    // A caller without a signal waits for good: the request then never stops early.
    joined.waiting++;
    if (!signal) return joined.promise;
    const onAbort = () => {
      if (--joined.waiting === 0) joined.controller.abort(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    return abortable(joined.promise, signal)
      .catch((error: unknown) => {
        throw signal.aborted ? aborted() : error;
      })
      .finally(() => signal.removeEventListener('abort', onAbort));
  }

  async #start<S extends string | SkillDefinition<any>>(options: StartSessionOptions<S>): Promise<OnboardingSession<StepsOf<S>>> {
    const secrets = [this.#config.clientAppKey];
    const transport = { ...this.#context.transport, secrets: () => secrets, log: this.#log };
    const signal = options?.signal;
    try {
      const skill = options?.skill;
      const definition = typeof skill === 'object' && skill !== null ? (skill as SkillDefinition) : undefined;
      const name = definition ? definition.name : skill;
      if (typeof name !== 'string' || name.trim() === '') {
        throw new OnboardingError('validation_error', '`skill` must be a catalog skill name or a skill from defineSkill().');
      }
      const { tenantUserId } = options;
      if (tenantUserId !== undefined && (typeof tenantUserId !== 'string' || tenantUserId.trim() === '')) {
        throw new OnboardingError('validation_error', '`tenantUserId` must be a non-empty string when given.');
      }
      const body: CreateSessionBody = {
        client_id: this.#config.clientId,
        client_app_key: this.#config.clientAppKey,
        skill: name,
        ...(tenantUserId !== undefined && { tenant_user_id: tenantUserId }),
      };
      const url = apiUrl(this.#config.baseUrl, 'sessions');
      const sentAt = this.#config.now();
      const res = await post(transport, {
        what: 'Creating a session',
        url,
        json: body,
        schema: sessionSchema(),
        signal,
        timeoutMs: this.#config.timeoutMs,
      });
      // The new session becomes the one that owns `storage`; an older one keeps working but no longer writes it.
      const session = new OnboardingSessionOf<StepsOf<S>>(this.#context, {
        id: res.session_id,
        skill: name,
        definition,
        nonce: res.nonce,
        nonceIssuedAt: sentAt,
      });
      this.#emitter.emit('session:created', { sessionId: session.id, skill: name });
      return session;
    } catch (raw) {
      const error = redactError(toOnboardingError(raw, 'Creating a session', transport, signal), secrets);
      this.#emitter.emit('error', { sessionId: undefined, operation: 'startSession', error });
      throw error;
    }
  }

  /**
   * On the page the bank sent the user back to (in the same tab or a new one):
   * checks the address's `state` against the redirect this browser is waiting
   * for (`session.followRedirect()`), consumes it, removes it from the address
   * bar and resumes the session. Rejects with `redirect_state_mismatch`, having
   * sent nothing, for a return with no pending redirect or a wrong or used
   * `state`. Calling it twice in one page (React StrictMode) gives one result.
   */
  handleRedirect<S extends string | SkillDefinition<any> = string>(
    url?: string,
    options: { skill?: S } = {},
  ): Promise<RedirectReturn<OnboardingSession<StepsOf<S>>>> {
    const resume = async (id: string) => {
      const session = await this.resumeSession(options);
      return session?.id === id ? session : null;
    };
    return Promise.resolve()
      .then(() => handleReturn(this.#config, url ?? location.href, resume))
      .catch((raw: unknown) => {
        throw toOnboardingError(raw, 'Handling the bank return', { secrets: () => [this.#config.clientAppKey] });
      });
  }

  /**
   * Restores the session kept in `storage` (after a reload or the user's return
   * from a bank's page), or resolves `null` when there is none, it belongs to
   * another client, it is corrupt, or its nonce has expired. Pass the same skill
   * definition to get typed steps back.
   */
  async resumeSession<S extends string | SkillDefinition<any> = string>(
    options: { skill?: S } = {},
  ): Promise<OnboardingSession<StepsOf<S>> | null> {
    const given = options.skill;
    const definition = typeof given === 'object' && given !== null ? (given as SkillDefinition) : undefined;
    const wanted = definition?.name ?? (typeof given === 'string' ? given : undefined);
    // A start in flight is about to be the live session: wait for it rather than resume what it replaces.
    await this.#starting?.promise.catch(() => {});
    // The live session, never a twin of it: two objects would race on one nonce.
    const live = this.#active;
    if (live?.status === 'active') return wanted === undefined || wanted === live.skill ? live : null;
    const record = this.#store.load(this.#config.baseUrl, this.#config.clientId);
    if (!record) return null;
    const now = this.#config.now();
    // A record from the future was not written by this SDK's clock: trusting it would disable the expiry guard.
    if (record.nonceIssuedAt > now + MAX_CLOCK_SKEW_MS) {
      this.#log('storage: removed a stored session issued in the future', { sessionId: record.sessionId });
      this.#store.clear(record.sessionId);
      return null;
    }
    if (now >= record.nonceIssuedAt + this.#config.nonceTtlMs) {
      this.#log('storage: the stored session expired', { sessionId: record.sessionId });
      this.#store.clear(record.sessionId);
      this.#emitter.emit('session:expired', { sessionId: record.sessionId });
      return null;
    }
    if (wanted !== undefined && wanted !== record.skill) return null;
    const session = new OnboardingSessionOf<StepsOf<S>>(this.#context, {
      id: record.sessionId,
      skill: record.skill,
      definition,
      nonce: record.nonce,
      nonceIssuedAt: record.nonceIssuedAt,
      lastStepId: record.lastStepId,
      completedSteps: record.completedSteps,
      stepIds: record.stepIds,
      uploads: record.uploads,
    });
    this.#emitter.emit('session:resumed', {
      sessionId: session.id,
      skill: session.skill,
      stepsCompleted: record.completedSteps.length,
    });
    return session;
  }
}

