import { OnboardingError } from './errors.js';
import type { OnboardingEvents, OnboardingOperation } from './events.js';
import type { HandoffStatus } from './handoff.js';
import type { SkillDefinition } from './skill.js';

/** Where a session stands. */
export type OnboardingSessionStatus = 'active' | 'completed' | 'expired' | 'failed';

/**
 * Everything observable about a session, as one value: what `getSnapshot()`
 * returns (frozen, the same object until something changes) and what framework
 * bindings render from.
 */
export interface OnboardingSessionSnapshot {
  /** `active` until the last step (`completed`), the nonce's expiry (`expired`) or a chain out of step with the server (`failed`). */
  readonly status: OnboardingSessionStatus;
  /** The next step to submit, for a defined skill; undefined when done or untyped. */
  readonly currentStep: string | undefined;
  /** 0-based index of the next step (= steps accepted so far). */
  readonly stepIndex: number;
  /** Number of steps of a defined skill; undefined for a plain string skill. */
  readonly totalSteps: number | undefined;
  /** Names of the steps the server accepted, in order. */
  readonly completedSteps: readonly string[];
  /** The id of the last accepted step: the default target of `upload`. */
  readonly lastStepId: string | undefined;
  /** When the current nonce expires (ms since the epoch): for a "continue within N minutes" hint. */
  readonly expiresAt: number;
  /** True once `nonce:expiring` fired for the current nonce. */
  readonly expiring: boolean;
  /** Where the temp token's delivery to `onTempToken` stands. */
  readonly handoff: HandoffStatus;
  /** Uploads the server accepted for the last accepted step. */
  readonly uploads: number;
  /** Uploads that step needs before the next one (its `minFiles`; 0 when none). */
  readonly uploadsRequired: number;
}

/** The session's whole state; the snapshot adds what follows from the skill. */
export interface SessionState {
  readonly status: OnboardingSessionStatus;
  readonly completedSteps: readonly string[];
  /** Server ids of `completedSteps`, index for index (`''` where unknown). */
  readonly stepIds: readonly string[];
  readonly lastStepId: string | undefined;
  readonly expiresAt: number;
  readonly expiring: boolean;
  readonly handoff: HandoffStatus;
  readonly uploads: number;
}

/** The state a new or resumed session starts from. */
export function initialState(
  init: { completedSteps?: readonly string[] | undefined; stepIds?: readonly string[] | undefined; lastStepId?: string | undefined; uploads?: number | undefined },
  expiresAt: number,
): SessionState {
  const completedSteps = Object.freeze([...(init.completedSteps ?? [])]);
  const stepIds = Object.freeze(completedSteps.map((_, i) => init.stepIds?.[i] ?? ''));
  return { status: 'active', completedSteps, stepIds, lastStepId: init.lastStepId, expiresAt, expiring: false, handoff: 'none', uploads: init.uploads ?? 0 };
}

/** Every change a session can go through. */
export type SessionAction =
  | { type: 'step'; step: string; stepId: string; status: string; completed: boolean; expiresAt: number; total: number | undefined }
  | { type: 'upload'; upload: Omit<OnboardingEvents['upload:completed'], 'sessionId'>; expiresAt: number }
  | { type: 'expiring'; msLeft: number }
  | { type: 'end'; status: 'expired' | 'failed' }
  | { type: 'handoff'; handoff: HandoffStatus; error?: OnboardingError | undefined }
  | { type: 'sync'; chain: Pick<SessionState, 'status' | 'completedSteps' | 'stepIds' | 'lastStepId' | 'uploads'>; expiresAt: number };

/** The one place state changes: pure, so every transition reads in one switch. */
export function reduce(state: SessionState, action: SessionAction): SessionState {
  switch (action.type) {
    case 'step':
      return {
        ...state,
        // Frozen: the snapshot hands these arrays out, and a caller's push must not move the session.
        completedSteps: Object.freeze([...state.completedSteps, action.step]),
        stepIds: Object.freeze([...state.stepIds, action.stepId]),
        lastStepId: action.stepId,
        uploads: 0,
        expiresAt: action.expiresAt,
        expiring: action.expiresAt === state.expiresAt && state.expiring,
        ...(action.completed && { status: 'completed', handoff: 'pending' }),
      };
    case 'upload':
      // Counted only for the last step: uploads to an earlier step (an explicit stepId) do not move it.
      return {
        ...state,
        uploads: state.uploads + (action.upload.stepId === state.lastStepId ? 1 : 0),
        expiresAt: action.expiresAt,
        expiring: action.expiresAt === state.expiresAt && state.expiring,
      };
    case 'expiring':
      return state.status === 'active' ? { ...state, expiring: true } : state;
    case 'end':
      return state.status === 'active' ? { ...state, status: action.status } : state;
    case 'handoff':
      return state.handoff === action.handoff ? state : { ...state, handoff: action.handoff };
    case 'sync': {
      // Another tab's progress; its handoff is its own (this tab's stays `none`).
      const { status, completedSteps, stepIds, lastStepId, uploads } = action.chain;
      const same = status === state.status && completedSteps.length === state.completedSteps.length && uploads === state.uploads && action.expiresAt === state.expiresAt;
      return state.status !== 'active' || same
        ? state
        : { ...state, status, completedSteps: Object.freeze([...completedSteps]), stepIds: Object.freeze([...stepIds]), lastStepId, uploads, expiresAt: action.expiresAt };
    }
  }
}

type Emit = <K extends keyof OnboardingEvents>(type: K, payload: OnboardingEvents[K]) => void;

/**
 * The events a transition announces, in order. Called when the state changed,
 * and for every upload and handoff action (an upload that rotated no nonce, a
 * second failed handoff, still happened).
 */
export function announce(action: SessionAction, next: SessionState, sessionId: string, skill: string, emit: Emit): void {
  switch (action.type) {
    case 'step': {
      const { step, stepId, status, completed, total } = action;
      emit('step:submitted', { sessionId, step, stepId, status, completed, index: next.completedSteps.length - 1, total });
      if (completed) emit('session:completed', { sessionId, skill });
      return;
    }
    case 'upload':
      return emit('upload:completed', { sessionId, ...action.upload });
    case 'expiring':
      return emit('nonce:expiring', { sessionId, expiresAt: next.expiresAt, msLeft: action.msLeft });
    case 'end':
      return emit(action.status === 'expired' ? 'session:expired' : 'session:failed', { sessionId });
    case 'sync':
      emit('session:synced', { sessionId, status: next.status, stepIndex: next.completedSteps.length });
      if (next.status === 'completed') emit('session:completed', { sessionId, skill });
      else if (next.status !== 'active') emit(next.status === 'expired' ? 'session:expired' : 'session:failed', { sessionId });
      return;
    case 'handoff':
      if (action.handoff === 'delivered') emit('handoff:completed', { sessionId });
      if (action.error) emit('error', { sessionId, operation: 'handoff', error: action.error });
  }
}

/** The public view of a state: frozen, with what follows from the skill's step names. */
export function toSnapshot(state: SessionState, definition: SkillDefinition | undefined): OnboardingSessionSnapshot {
  const { status, completedSteps, lastStepId, expiresAt, expiring, handoff, uploads } = state;
  const stepIndex = completedSteps.length;
  const stepNames = definition?.stepNames;
  const uploadsRequired = (stepIndex && definition?.uploads[stepNames![stepIndex - 1]!]?.minFiles) || 0;
  return Object.freeze({
    ...{ status, currentStep: stepNames?.[stepIndex], stepIndex, totalSteps: stepNames?.length, completedSteps },
    ...{ lastStepId, expiresAt, expiring, handoff, uploads, uploadsRequired },
  });
}

/** Refuses an operation on a session that ended, with the code its end means; nothing is sent. */
export function assertActive(status: OnboardingSessionStatus, operation: OnboardingOperation | 'followRedirect'): void {
  const what = operation === 'upload' ? 'upload a file' : operation === 'followRedirect' ? 'leave for the bank' : 'submit a step';
  if (status === 'completed') throw new OnboardingError('session_completed', `Cannot ${what}: the session is completed.`);
  if (status === 'expired') throw new OnboardingError('nonce_expired', `Cannot ${what}: the session expired; start a new one.`);
  if (status === 'failed') throw new OnboardingError('session_failed', `Cannot ${what}: the session is out of step with the server; start a new one.`);
}
