/**
 * `useOnboarding`: React state and actions over an `OnboardingClient`.
 *
 * StrictMode-safe by design. React 18/19 StrictMode mounts, unmounts and
 * re-mounts every component in development, running effects twice, and may
 * call render-time initialisers twice. So nothing that talks to the API runs
 * in render or depends on an effect running once: the flow lives in one
 * controller per (client, skill), kept outside React, whose `start()` is
 * idempotent (an in-flight or finished start is reused). Effects only
 * subscribe and unsubscribe. The temp-token handoff is the SDK's
 * `onTempToken`, called once per completion; the hook never calls it again on
 * its own (`retryHandoff` is an explicit user action).
 *
 * Components that use the hook with the same client and skill share one flow
 * (e.g. a progress header and the current step's form).
 */
import { useEffect, useMemo, useSyncExternalStore } from 'react';
import type {
  OnboardingClient,
  OnboardingError,
  OnboardingSession,
  SchemaInput,
  SkillDefinition,
  StepResult,
  StepSchemas,
  UploadResult,
} from 'onboarding-sdk';

/** Where the flow stands, for the UI. */
export type OnboardingStatus =
  | 'idle' //          nothing started (autoStart off, or after reset)
  | 'starting' //      creating or resuming the session
  | 'ready' //         waiting for the user's next step
  | 'submitting' //    a step is being sent
  | 'uploading' //     a file is being sent (see `uploadProgress`)
  | 'handing-off' //   the last step is done; onTempToken is running
  | 'done' //          onTempToken succeeded
  | 'handoff-failed' // onTempToken threw: offer `retryHandoff()`
  | 'expired' //       the nonce expired: offer `reset()`
  | 'failed'; //       the session is out of step with the server: offer `reset()`

export interface OnboardingUploadProgress {
  fileName: string;
  loaded: number;
  total: number;
  /** 0…1, clamped. */
  ratio: number;
}

export interface OnboardingState<Steps extends StepSchemas> {
  status: OnboardingStatus;
  sessionId: string | undefined;
  /** The next step to submit (undefined when done). */
  currentStep: (keyof Steps & string) | undefined;
  /** 0-based index of `currentStep` (= steps done). */
  stepIndex: number;
  totalSteps: number;
  completedSteps: readonly string[];
  /** The running or last upload's progress. */
  uploadProgress: OnboardingUploadProgress | null;
  /** The last failure (cleared by the next action). */
  error: OnboardingError | null;
  handedOff: boolean;
}

export interface OnboardingActions<Steps extends StepSchemas> {
  /** Creates the session (or resumes the stored one). Idempotent: calling it again returns the same start. */
  start(): Promise<void>;
  /** Resolves with the step's result, or `undefined` if it failed (then `error` says why). */
  submitStep<K extends keyof Steps & string>(step: K, data: SchemaInput<Steps[K]>): Promise<StepResult | undefined>;
  /** Resolves with the upload's result, or `undefined` if it failed. */
  upload(file: Blob, options?: { stepId?: string; fileName?: string; signal?: AbortSignal }): Promise<UploadResult | undefined>;
  /** Calls onTempToken again after it failed. */
  retryHandoff(): Promise<void>;
  /** Drops the session and returns to `idle` (autoStart then starts a new one). */
  reset(): void;
}

export interface UseOnboardingOptions<Steps extends StepSchemas> {
  skill: SkillDefinition<Steps>;
  tenantUserId?: string;
  /** Start (or resume) the session on mount. Default true. */
  autoStart?: boolean;
}

type Listener = () => void;

/** The flow, outside React. One per (client, skill name); see {@link controllerFor}. */
export class OnboardingController<Steps extends StepSchemas> implements OnboardingActions<Steps> {
  #state: OnboardingState<Steps>;
  #session: OnboardingSession<Steps> | undefined;
  #starting: Promise<void> | undefined;
  #pending = 0;
  #generation = 0;
  readonly #listeners = new Set<Listener>();
  readonly #unsubscribe: Array<() => void> = [];

  constructor(
    readonly client: OnboardingClient,
    readonly skill: SkillDefinition<Steps>,
    public tenantUserId: string | undefined,
  ) {
    this.#state = this.#initial();
    const mine = (e: { sessionId: string | undefined }) => e.sessionId !== undefined && e.sessionId === this.#session?.id;
    this.#unsubscribe.push(
      client.on('session:completed', (e) => mine(e) && this.#set({ status: 'handing-off' })),
      client.on('handoff:completed', (e) => mine(e) && this.#set({ status: 'done', handedOff: true, error: null })),
      client.on('session:expired', (e) => mine(e) && this.#set({ status: 'expired' })),
      // A failed handoff does not reject the last submitStep (the step itself succeeded): it is reported here.
      client.on('error', (e) => mine(e) && e.operation === 'handoff' && this.#set({ error: e.error })),
    );
  }

  #initial(): OnboardingState<Steps> {
    return {
      status: 'idle',
      sessionId: undefined,
      currentStep: this.skill.stepNames[0],
      stepIndex: 0,
      totalSteps: this.skill.stepNames.length,
      completedSteps: [],
      uploadProgress: null,
      error: null,
      handedOff: false,
    };
  }

  // ---- external store (for useSyncExternalStore)

  subscribe = (listener: Listener): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  getSnapshot = (): OnboardingState<Steps> => this.#state;

  #set(patch: Partial<OnboardingState<Steps>>) {
    this.#state = { ...this.#state, ...patch };
    for (const listener of this.#listeners) listener();
  }

  /** Progress fields read from the session itself, the source of truth. */
  #fromSession(): Partial<OnboardingState<Steps>> {
    const s = this.#session!;
    return { sessionId: s.id, currentStep: s.currentStep, stepIndex: s.stepIndex, completedSteps: s.completedSteps };
  }

  /** The status after an action, from the session's own status. */
  #settled(): Partial<OnboardingState<Steps>> {
    const s = this.#session;
    if (!s) return { status: 'idle' };
    if (s.status === 'expired') return { status: 'expired' };
    if (s.status === 'failed') return { status: 'failed' };
    if (s.status === 'completed') return { status: s.handoffPending ? 'handoff-failed' : 'done', handedOff: !s.handoffPending };
    return { status: this.#pending > 0 ? this.#state.status : 'ready' };
  }

  // ---- actions

  start = (): Promise<void> => {
    if (this.#session) return Promise.resolve();
    const generation = this.#generation;
    this.#starting ??= (async () => {
      this.#set({ status: 'starting', error: null });
      try {
        const session =
          (await this.client.resumeSession({ skill: this.skill })) ??
          (await this.client.startSession({ skill: this.skill, tenantUserId: this.tenantUserId }));
        if (generation !== this.#generation) return; // reset() while starting: drop it
        this.#session = session;
        this.#set({ ...this.#fromSession(), ...this.#settled() });
      } catch (error) {
        if (generation !== this.#generation) return;
        this.#starting = undefined; // a failed start may be tried again
        this.#set({ status: 'idle', error: error as OnboardingError });
      }
    })();
    return this.#starting;
  };

  async #act<T>(status: OnboardingStatus, fn: (session: OnboardingSession<Steps>) => Promise<T>): Promise<T | undefined> {
    await this.start();
    const session = this.#session;
    if (!session) return undefined; // the start failed: `error` says why
    this.#pending++;
    this.#set({ status, error: null });
    try {
      return await fn(session);
    } catch (error) {
      this.#set({ error: error as OnboardingError });
      return undefined;
    } finally {
      this.#pending--;
      if (session === this.#session) this.#set({ ...this.#fromSession(), ...this.#settled() });
    }
  }

  submitStep = <K extends keyof Steps & string>(step: K, data: SchemaInput<Steps[K]>): Promise<StepResult | undefined> =>
    this.#act('submitting', (session) => session.submitStep(step, data));

  upload = (file: Blob, options: { stepId?: string; fileName?: string; signal?: AbortSignal } = {}): Promise<UploadResult | undefined> => {
    const fileName = options.fileName ?? ((file as File).name || 'upload');
    return this.#act('uploading', (session) => {
      this.#set({ uploadProgress: { fileName, loaded: 0, total: file.size, ratio: 0 } });
      return session.upload(file, {
        ...options,
        onProgress: ({ loaded, total }) =>
          this.#set({ uploadProgress: { fileName, loaded, total, ratio: total > 0 ? Math.min(1, loaded / total) : 0 } }),
      });
    });
  };

  retryHandoff = async (): Promise<void> => {
    const session = this.#session;
    if (!session) return;
    this.#set({ status: 'handing-off', error: null });
    try {
      await session.retryHandoff();
    } catch (error) {
      this.#set({ error: error as OnboardingError });
    }
    this.#set(this.#settled());
  };

  reset = (): void => {
    this.#generation++;
    this.#session?.dispose();
    this.#session = undefined;
    this.#starting = undefined;
    this.#pending = 0;
    this.#state = this.#initial();
    for (const listener of this.#listeners) listener();
  };

  /** Stops listening to the client; for apps that throw the client away. */
  destroy(): void {
    this.reset();
    for (const off of this.#unsubscribe.splice(0)) off();
  }
}

const controllers = new WeakMap<OnboardingClient, Map<string, OnboardingController<any>>>();

/** The one controller of a client and skill; created on first use (creating one sends nothing). */
export function controllerFor<Steps extends StepSchemas>(
  client: OnboardingClient,
  skill: SkillDefinition<Steps>,
  tenantUserId?: string,
): OnboardingController<Steps> {
  let byName = controllers.get(client);
  if (!byName) controllers.set(client, (byName = new Map()));
  let controller = byName.get(skill.name) as OnboardingController<Steps> | undefined;
  if (!controller) byName.set(skill.name, (controller = new OnboardingController(client, skill, tenantUserId)));
  controller.tenantUserId = tenantUserId ?? controller.tenantUserId;
  return controller;
}

/**
 * The flow's state and actions. Create the client once (module scope, or a
 * context provider), not in render:
 *
 *   const client = new OnboardingClient({ baseUrl, clientId, clientAppKey, onTempToken });
 *   function Kyc() {
 *     const { status, currentStep, submitStep, upload, error } = useOnboarding(client, { skill: kyc, tenantUserId: user.id });
 *   }
 */
export function useOnboarding<Steps extends StepSchemas>(
  client: OnboardingClient,
  { skill, tenantUserId, autoStart = true }: UseOnboardingOptions<Steps>,
): OnboardingState<Steps> & OnboardingActions<Steps> {
  const controller = controllerFor(client, skill, tenantUserId);
  const state = useSyncExternalStore(controller.subscribe, controller.getSnapshot, controller.getSnapshot);

  useEffect(() => {
    // Runs twice under StrictMode; start() hands back the first call's promise.
    if (autoStart && state.status === 'idle' && !state.error) void controller.start();
  }, [controller, autoStart, state.status, state.error]);

  // The actions are the controller's own (stable) functions.
  return useMemo(
    () => ({
      ...state,
      start: controller.start,
      submitStep: controller.submitStep,
      upload: controller.upload,
      retryHandoff: controller.retryHandoff,
      reset: controller.reset,
    }),
    [state, controller],
  );
}
