import { useEffect, useMemo, useSyncExternalStore } from 'react';
import type { OnboardingClient } from '../client.js';
import type { OnboardingSession } from '../onboarding-session.js';
import { storeFor } from './store.js';
import type { SkillInput, UseOnboardingOptions, UseOnboardingResult } from './types.js';

/**
 * An onboarding flow in a React component: the session's state, re-rendered
 * on every change (`useSyncExternalStore` over `session.subscribe`), and its
 * actions.
 *
 * Safe under `<StrictMode>` and across remounts: the flow lives outside React,
 * one per client, skill and user, so double effects, double clicks and
 * several components using the same flow share one session; the temp token
 * goes to the client's `onTempToken` once per completion, never from here.
 * Create the client once (module scope or a context), never in render.
 *
 * ```tsx
 * const ob = useOnboarding(client, { skill: kyc, tenantUserId: user.id, resume: true });
 * if (ob.status === 'idle') return <button onClick={() => ob.start()}>Verify my identity</button>;
 * ```
 */
export function useOnboarding<S extends SkillInput>(client: OnboardingClient, options: UseOnboardingOptions<S>): UseOnboardingResult<S> {
  const { skill, tenantUserId, resume = false, autoStart = false } = options;
  // A lookup (creating a store sends nothing): safe in a render React may replay.
  const store = storeFor(client, skill, tenantUserId);
  const view = useSyncExternalStore(store.subscribe, store.getSnapshot, store.getSnapshot);

  // Runs twice under StrictMode; the store hands the second run the first one's promise.
  useEffect(() => {
    // Failures are in `error`; the effect has no caller to reject to.
    if (autoStart) store.start(skill, resume).catch(() => {});
    else if (resume) store.resume(skill).catch(() => {});
    // The skill's identity is not a reason to start again (an inline definition is new every render): the store is keyed by its name.
  }, [store, autoStart, resume]);

  const actions = useMemo(
    () => ({
      start: () => store.start(skill, resume) as Promise<OnboardingSession<S>>,
      submitStep: ((step, data, opts) => store.act((s) => s.submitStep(step, data, opts))) as UseOnboardingResult<S>['submitStep'],
      upload: ((file, opts) => store.act((s) => s.upload(file, opts))) as UseOnboardingResult<S>['upload'],
      retryHandoff: ((opts) => store.act((s) => s.retryHandoff(opts))) as UseOnboardingResult<S>['retryHandoff'],
    }),
    // Stable actions, as `useState` setters are; a new skill object of the same name changes nothing.
    [store, resume],
  );

  return useMemo(() => ({ ...view, session: view.session as OnboardingSession<S> | null, ...actions }), [view, actions]);
}
