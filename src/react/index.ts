// onboarding-sdk/react: React bindings, an entry of their own so the main
// entry never loads React (an optional peer dependency, >= 18).
export { useOnboarding } from './use-onboarding.js';
export type { OnboardingStatus, SkillInput, UseOnboardingOptions, UseOnboardingResult } from './types.js';
