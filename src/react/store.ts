import type { OnboardingClient } from '../client.js';
import { OnboardingError, isOnboardingError } from '../errors.js';
import { Listeners } from '../internal/listeners.js';
import type { OnboardingSession } from '../onboarding-session.js';
import type { OnboardingSessionSnapshot } from '../session-state.js';
import type { OnboardingStatus, SkillInput } from './types.js';

type AnySession = OnboardingSession<any>;

/** The state half of what the hook returns: one frozen value per change, for `useSyncExternalStore`. */
export interface FlowView {
  readonly status: OnboardingStatus;
  readonly session: AnySession | null;
  readonly snapshot: OnboardingSessionSnapshot | null;
  readonly error: OnboardingError | null;
  readonly redirectParams: Readonly<Record<string, string>> | null;
}

/**
 * One flow (a client, a skill, a user) kept outside React. React StrictMode
 * mounts, unmounts and re-mounts components and runs their effects twice, so
 * React state cannot be where "is a session being created?" is answered:
 * here it is, once per flow, and every hook and effect that asks shares the
 * answer. The session itself stays the source of truth for everything after.
 */
export class FlowStore {
  readonly #client: OnboardingClient;
  readonly #tenantUserId: string | undefined;
  readonly #listeners = new Listeners();
  #session: AnySession | null = null;
  #offSession: (() => void) | undefined;
  // Looking for a stored session (`create: false`) or starting one; what a second caller joins.
  #opening: { create: boolean; promise: Promise<AnySession | null> } | undefined;
  #error: OnboardingError | null = null;
  #redirectParams: Readonly<Record<string, string>> | null = null;
  #view: FlowView | undefined;

  constructor(client: OnboardingClient, tenantUserId: string | undefined) {
    this.#client = client;
    this.#tenantUserId = tenantUserId;
    // Failures outside any action (a handoff whose onTempToken threw does not reject the step) reach `error` too.
    client.on('error', ({ sessionId, error }) => {
      if (sessionId !== undefined && sessionId === this.#session?.id) this.#setError(error);
    });
  }

  /** For `useSyncExternalStore`: called after every change of the flow or of its session's snapshot. */
  subscribe = (listener: () => void): (() => void) => this.#listeners.add(listener);

  /** For `useSyncExternalStore`: the same object until something changed, as React requires. */
  getSnapshot = (): FlowView => {
    const snapshot = this.#session?.getSnapshot() ?? null;
    // Rebuilt only when the store changed (#view cleared) or the session has a new snapshot: a stable value for React.
    if (this.#view?.snapshot === snapshot) return this.#view;
    const status = this.#opening ? 'starting' : (snapshot?.status ?? 'idle');
    return (this.#view = Object.freeze({ status, session: this.#session, snapshot, error: this.#error, redirectParams: this.#redirectParams }));
  };

  /** The session, or a new one: idempotent while one is starting, active or completed. */
  start(skill: SkillInput, resume: boolean): Promise<AnySession> {
    const live = this.#live();
    if (live) return Promise.resolve(live);
    if (this.#opening?.create) return this.#opening.promise as Promise<AnySession>;
    // An expired or failed session is over: its successor replaces it.
    this.#adopt(null);
    return this.#begin(skill, { create: true, resume }) as Promise<AnySession>;
  }

  /** The stored session, if there is one; never creates. What a mount with `resume` and no `autoStart` does. */
  resume(skill: SkillInput): Promise<AnySession | null> {
    if (this.#session) return Promise.resolve(this.#session);
    return this.#opening?.promise ?? this.#begin(skill, { create: false, resume: true });
  }

  /** Runs one action on the session (or the one being started), recording its failure in `error`. */
  async act<T>(run: (session: AnySession) => Promise<T>): Promise<T> {
    this.#setError(null);
    try {
      const session = this.#session ?? (await this.#opening?.promise);
      if (!session) throw new OnboardingError('invalid_state', 'There is no session yet: call start() first.');
      return await run(session);
    } catch (raw) {
      throw this.#setError(toOnboardingError(raw));
    }
  }

  #begin(skill: SkillInput, { create, resume }: { create: boolean; resume: boolean }): Promise<AnySession | null> {
    // A look for a stored session in flight: a start waits for it and creates only if it found none.
    const looking = this.#opening?.promise;
    const entry = { create, promise: Promise.resolve<AnySession | null>(null) };
    entry.promise = (async () => {
      try {
        let session = looking ? await looking.catch(() => null) : null;
        if (!session && resume && !looking) session = await this.#findStored(skill);
        if (!session && create) session = await this.#client.startSession({ skill, tenantUserId: this.#tenantUserId });
        if (session) this.#adopt(session);
        return session;
      } catch (raw) {
        throw this.#setError(toOnboardingError(raw));
      } finally {
        if (this.#opening === entry) {
          this.#opening = undefined;
          this.#changed();
        }
      }
    })();
    this.#opening = entry;
    this.#error = null;
    this.#changed();
    return entry.promise;
  }

  /**
   * The session kept in the client's `storage`, or null. On a bank's return
   * address (a `state` in the query) it is `client.handleRedirect()` that
   * resumes it — which checks and consumes the state once, even under
   * StrictMode — and the bank's parameters are kept for `redirectParams`.
   */
  async #findStored(skill: SkillInput): Promise<AnySession | null> {
    if (typeof location !== 'undefined' && new URL(location.href).searchParams.has('state')) {
      const { session, params } = await this.#client.handleRedirect(location.href, { skill });
      this.#redirectParams = Object.freeze(params);
      return session;
    }
    return this.#client.resumeSession({ skill });
  }

  #live(): AnySession | null {
    const status = this.#session?.status;
    return status === 'active' || status === 'completed' ? this.#session : null;
  }

  #adopt(session: AnySession | null): void {
    if (session === this.#session) return;
    this.#offSession?.();
    this.#session = session;
    this.#offSession = session?.subscribe(() => this.#listeners.notify());
    this.#changed();
  }

  #setError<E extends OnboardingError | null>(error: E): E {
    if (error !== this.#error) {
      this.#error = error;
      this.#changed();
    }
    return error;
  }

  #changed(): void {
    this.#view = undefined;
    this.#listeners.notify();
  }
}

/** Anything a flow's caller threw, as the one error type integrators catch. */
function toOnboardingError(raw: unknown): OnboardingError {
  return isOnboardingError(raw) ? raw : new OnboardingError('internal_error', 'useOnboarding: an unexpected failure (see `cause`).', { cause: raw });
}

const stores = new WeakMap<OnboardingClient, Map<string, FlowStore>>();

/**
 * The one store of a client, skill and user — the same key `startSession`
 * joins double starts by. Kept per client (and collected with it), so a
 * remount, a second component or StrictMode's replayed render finds the flow
 * where it was. Creating a store sends nothing.
 */
export function storeFor(client: OnboardingClient, skill: SkillInput, tenantUserId: string | undefined): FlowStore {
  let byKey = stores.get(client);
  if (!byKey) stores.set(client, (byKey = new Map()));
  const key = JSON.stringify([typeof skill === 'string' ? skill : skill.name, tenantUserId ?? null]);
  let store = byKey.get(key);
  if (!store) byKey.set(key, (store = new FlowStore(client, tenantUserId)));
  return store;
}
