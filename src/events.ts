import type { OnboardingError } from './errors.js';

/**
 * Every event the client emits, with its payload. Payloads carry ids and
 * progress only — never the app key, a nonce or the temp token — so they can be
 * forwarded to analytics as they are.
 */
// A type alias (not an interface) so it satisfies mitt's Record<EventType, unknown> constraint.
export type OnboardingEvents = {
  /** A session was created on the server. */
  'session:created': {
    /** The server's id of the session. */
    sessionId: string;
    /** The skill the session runs (its catalog name). */
    skill: string;
  };
  /** A session was restored from `storage` (after a reload or a bank redirect). */
  'session:resumed': {
    /** The server's id of the session. */
    sessionId: string;
    /** The skill the session runs (its catalog name). */
    skill: string;
    /** How many steps the server had accepted before the session was stored. */
    stepsCompleted: number;
  };
  /** A step was accepted by the server. `index` is 0-based; `total` is known for defined skills. */
  'step:submitted': {
    /** The server's id of the session. */
    sessionId: string;
    /** The step's name, as passed to `submitStep`. */
    step: string;
    /** The server's id of this step; uploads for it go to this id. */
    stepId: string;
    /** The API's status string, e.g. `SESSION_IN_PROGRESS`. */
    status: string;
    /** True on the step that returned the temp token (`session:completed` follows). */
    completed: boolean;
    /** 0-based position of the step among the session's accepted steps. */
    index: number;
    /** Number of steps of a defined skill; undefined for a plain string skill. */
    total: number | undefined;
  };
  /** Bytes of an upload sent so far. */
  'upload:progress': {
    /** The server's id of the session. */
    sessionId: string;
    /** The server's id of the step the file is uploaded for. */
    stepId: string;
    /** Bytes of the file sent so far. */
    loaded: number;
    /** Size of the file in bytes; constant through one upload, so `loaded / total` is the fraction done. */
    total: number;
  };
  /** An upload was accepted by the server. */
  'upload:completed': {
    /** The server's id of the session. */
    sessionId: string;
    /** The server's id of the step the file was uploaded for. */
    stepId: string;
    /** The API's status string, e.g. `UPLOAD_RECEIVED`. */
    status: string;
    /** The file name sent (after `fileName` and any `prepare` of the step's rules). */
    fileName: string;
    /** Bytes sent (of the prepared file, if the step prepares files). */
    size: number;
    /** MIME type sent; `application/octet-stream` when the file had none. */
    type: string;
  };
  /** The last step returned the temp token. Fires before the handoff to `onTempToken`. */
  'session:completed': {
    /** The server's id of the session. */
    sessionId: string;
    /** The skill the session ran (its catalog name). */
    skill: string;
  };
  /** `onTempToken` returned without throwing: the token is delivered; the session no longer offers it to `retryHandoff()` (it keeps it only to redact it from later messages). */
  'handoff:completed': {
    /** The server's id of the session. */
    sessionId: string;
  };
  /** The current nonce expires soon: the user should continue (or the flow will need a restart). */
  'nonce:expiring': {
    /** The server's id of the session. */
    sessionId: string;
    /** When the current nonce expires, in ms since the epoch: for a "continue within N minutes" hint. */
    expiresAt: number;
    /** Milliseconds left before the nonce expires (about `nonceWarningMs`). */
    msLeft: number;
  };
  /** The nonce expired (by the clock or by the server's word): the session cannot continue. */
  'session:expired': {
    /** The server's id of the session. */
    sessionId: string;
  };
  /** The session is out of step with the server (a lost answer spent its nonce) or broke the protocol: start a new one. */
  'session:failed': {
    /** The server's id of the session. */
    sessionId: string;
  };
  /**
   * Another tab acted on this session (same origin, same `storage`): this tab's
   * snapshot now shows its progress. `session:completed`, `session:expired` or
   * `session:failed` follow when that ended the session (and `onTempToken` ran there, not here).
   */
  'session:synced': {
    /** The server's id of the session. */
    sessionId: string;
    /** The session's status after the other tab's action. */
    status: 'active' | 'completed' | 'expired' | 'failed';
    /** 0-based index of the next step (= steps accepted so far), as in the snapshot. */
    stepIndex: number;
  };
  /** Any failure, including a failed handoff. The same error the call rejected with. */
  error: {
    /** The server's id of the session; undefined when `startSession` failed before one existed. */
    sessionId: string | undefined;
    /** The public operation that failed. */
    operation: OnboardingOperation;
    /** The error the operation rejected with. */
    error: OnboardingError;
  };
};

/** Which public operation an `error` event comes from. */
export type OnboardingOperation = 'startSession' | 'submitStep' | 'upload' | 'handoff';

/** Names of {@link OnboardingEvents}. */
export type OnboardingEventType = keyof OnboardingEvents;

/** A handler for `'*'`: receives every event with its type. */
export type OnboardingWildcardHandler = <K extends OnboardingEventType>(type: K, payload: OnboardingEvents[K]) => void;

/** Call it to stop listening. */
export type Unsubscribe = () => void;
