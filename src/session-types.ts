import type { HandoffInfo, ResolvedConfig } from './config.js';
import type { TabSync, TabSyncHost } from './cross-tab.js';
import type { OnboardingEvents } from './events.js';
import type { SkillDefinition } from './skill.js';
import type { StoredSession } from './storage.js';
import type { TransportContext } from './transport.js';

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
  /** Step-specific data from the server, untouched (e.g. `redirect_url` for a bank step: navigate through `safeRedirectUrl`). */
  data: Record<string, unknown>;
  /** True on the step that returned the temp token. */
  completed: boolean;
  /** On the completing step: whether `onTempToken` succeeded (otherwise call `retryHandoff()`). */
  handedOff: boolean;
}

/** What a session needs from its client; internal. */
export interface SessionContext<S = { readonly id: string }> {
  config: ResolvedConfig;
  transport: Omit<TransportContext, 'secrets' | 'log'>;
  emit: <K extends keyof OnboardingEvents>(type: K, payload: OnboardingEvents[K]) => void;
  /** Makes the session the client's current one (called once, when it is made). */
  claim: (session: S) => void;
  /** Stores the session's resumable state — if it is the client's current session (one storage key per client). */
  persist: (session: S, record: StoredSession, held: readonly string[]) => void;
  /** Coordinates the session with other tabs; undefined without `storage`, with `crossTab: false`, or where the runtime cannot. */
  sync?: ((id: string, host: TabSyncHost) => TabSync | undefined) | undefined;
  /** Called once the session can no longer be resumed (completed, expired, failed). */
  onEnded: (session: S, held: readonly string[]) => void;
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
  uploads?: number | undefined;
}
