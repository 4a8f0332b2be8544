import type { OnboardingError } from './errors.js';

/**
 * Every event the client emits, with its payload. Payloads carry ids and
 * progress only — never the app key, a nonce or the temp token — so they can be
 * forwarded to analytics as they are.
 */
// A type alias (not an interface) so it satisfies mitt's Record<EventType, unknown> constraint.
export type OnboardingEvents = {
  /** A session was created on the server. */
  'session:created': { sessionId: string; skill: string };
  /** A session was restored from `storage` (after a reload or a bank redirect). */
  'session:resumed': { sessionId: string; skill: string; stepsCompleted: number };
  /** A step was accepted by the server. `index` is 0-based; `total` is known for defined skills. */
  'step:submitted': {
    sessionId: string;
    step: string;
    stepId: string;
    status: string;
    completed: boolean;
    index: number;
    total: number | undefined;
  };
  /** Bytes of an upload sent so far. */
  'upload:progress': { sessionId: string; stepId: string; loaded: number; total: number };
  /** An upload was accepted by the server. */
  'upload:completed': { sessionId: string; stepId: string; status: string; fileName: string; size: number; type: string };
  /** The last step returned the temp token. Fires before the handoff to `onTempToken`. */
  'session:completed': { sessionId: string; skill: string };
  /** `onTempToken` returned without throwing: the token is delivered; the session no longer offers it to `retryHandoff()` (it keeps it only to redact it from later messages). */
  'handoff:completed': { sessionId: string };
  /** The current nonce expires soon: the user should continue (or the flow will need a restart). */
  'nonce:expiring': { sessionId: string; expiresAt: number; msLeft: number };
  /** The nonce expired (by the clock or by the server's word): the session cannot continue. */
  'session:expired': { sessionId: string };
  /** The session is out of step with the server (a lost answer spent its nonce) or broke the protocol: start a new one. */
  'session:failed': { sessionId: string };
  /**
   * Another tab acted on this session (same origin, same `storage`): this tab's
   * snapshot now shows its progress. `session:completed`, `session:expired` or
   * `session:failed` follow when that ended the session (and `onTempToken` ran there, not here).
   */
  'session:synced': { sessionId: string; status: 'active' | 'completed' | 'expired' | 'failed'; stepIndex: number };
  /** Any failure, including a failed handoff. The same error the call rejected with. */
  error: { sessionId: string | undefined; operation: OnboardingOperation; error: OnboardingError };
};

/** Which public operation an `error` event comes from. */
export type OnboardingOperation = 'startSession' | 'submitStep' | 'upload' | 'handoff';

/** Names of {@link OnboardingEvents}. */
export type OnboardingEventType = keyof OnboardingEvents;

/** A handler for `'*'`: receives every event with its type. */
export type OnboardingWildcardHandler = <K extends OnboardingEventType>(type: K, payload: OnboardingEvents[K]) => void;

/** Call it to stop listening. */
export type Unsubscribe = () => void;
