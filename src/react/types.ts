import type { OnboardingError } from '../errors.js';
import type { OnboardingSession } from '../onboarding-session.js';
import type { OnboardingSessionSnapshot } from '../session-state.js';
import type { RetryHandoffOptions, StepResult, SubmitStepOptions } from '../session-types.js';
import type { SchemaInput, SkillDefinition, StepsIn } from '../skill.js';
import type { UploadOptions, UploadResult } from '../upload.js';

/**
 * Where the flow stands, in one value a component can switch on: `idle` and
 * `starting` before there is a session, then the session's own status. How
 * the temp token's delivery stands is `snapshot.handoff`.
 */
export type OnboardingStatus = 'idle' | 'starting' | 'active' | 'completed' | 'expired' | 'failed';

/** A skill as `startSession` takes it: a catalog name (untyped steps) or a `defineSkill` result (typed steps). */
export type SkillInput = string | SkillDefinition<any>;

/** Options of {@link useOnboarding}. */
export interface UseOnboardingOptions<S extends SkillInput> {
  /** The skill to run; a `defineSkill` result types `submitStep`'s step names and data. */
  skill: S;
  /** Opaque id of your end-user, sent when a session is created; part of what makes two hooks share one flow. */
  tenantUserId?: string | undefined;
  /**
   * Continue the session kept in the client's `storage` (after a reload or a
   * bank redirect) instead of creating a second one. On mount the hook looks
   * for it (`status` is `starting` meanwhile, `idle` when there is none), and
   * `start()` tries it before creating a session.
   * @default false
   */
  resume?: boolean | undefined;
  /**
   * Start on mount, as if the component called `start()` in an effect; for a
   * screen whose only purpose is the flow. Off by default because creating a
   * session is a server call: most apps wait for a click.
   * @default false
   */
  autoStart?: boolean | undefined;
}

/**
 * What {@link useOnboarding} gives a component: the flow's state, re-rendered
 * on every change of the session, and its actions. Actions are stable across
 * renders; each rejects with an `OnboardingError` and also records it in
 * `error`, so a component may either await them or just render `error`.
 */
export interface UseOnboardingResult<S extends SkillInput> {
  /** See {@link OnboardingStatus}. */
  readonly status: OnboardingStatus;
  /** The live session, for what the hook does not wrap (`returnUrl`, `followRedirect`); null until started. */
  readonly session: OnboardingSession<S> | null;
  /** `session.getSnapshot()`: current step, progress, uploads, expiry, handoff; null until started. */
  readonly snapshot: OnboardingSessionSnapshot | null;
  /**
   * The last failure — of an action, of the start, or of the handoff to
   * `onTempToken` (which does not reject the completing step). Cleared when
   * the next action begins.
   */
  readonly error: OnboardingError | null;
  /**
   * On the page a bank returned to (with `resume`): the return address's other
   * query parameters (e.g. the bank's `error`), once the hook resumed the
   * session through `client.handleRedirect()`; null otherwise. A return whose
   * `state` does not match rejects into `error` (`redirect_state_mismatch`).
   */
  readonly redirectParams: Readonly<Record<string, string>> | null;
  /**
   * Resumes (with `resume`) or creates the session. Idempotent: while a start
   * is in flight, or a session is active or completed, it returns that one —
   * which is what keeps StrictMode's double effects and double clicks at one
   * session. After `expired` or `failed` it starts a new session.
   */
  start(): Promise<OnboardingSession<S>>;
  /** `session.submitStep`, typed by the skill; waits for a start in flight. */
  submitStep<K extends keyof StepsIn<S> & string>(step: K, data: SchemaInput<StepsIn<S>[K]>, options?: SubmitStepOptions): Promise<StepResult>;
  /** `session.upload`; waits for a start in flight. */
  upload(file: Blob, options?: UploadOptions): Promise<UploadResult>;
  /** `session.retryHandoff`: calls `onTempToken` again after it failed. Never called by the hook on its own. */
  retryHandoff(options?: RetryHandoffOptions): Promise<void>;
}
