import { OnboardingSessionOf } from './session.js';
import type { StepsIn, UntypedSteps } from './skill.js';

/**
 * A session, named by its skill as users write it — `OnboardingSession<typeof kyc>` —
 * or by its steps (`OnboardingSession<StepsOf<typeof kyc>>`): both are the same type.
 */
export type OnboardingSession<S = UntypedSteps> = OnboardingSessionOf<StepsIn<S>>;
/** The session class, for `instanceof`; sessions are made by the client. */
export const OnboardingSession = OnboardingSessionOf;
