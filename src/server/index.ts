/**
 * `onboarding-sdk/server`: the tenant backend's side of the hand-off. Node only
 * (also Bun and Deno, which match the `node` export condition). Its `exports`
 * entry is `null` under `browser` and `react-native`, and resolvers that skip
 * a null target land on a stub that breaks the build (see not-node.js): a
 * front-end bundle that imports it fails instead of shipping the code meant to
 * hold the client secret.
 */
export { exchangeTempToken } from './exchange.js';
export type { ExchangedCredentials, ExchangeLogger, ExchangeRetryOptions, ExchangeTempTokenOptions } from './types.js';
// Re-exported so a backend that imports only this entry can catch and narrow errors;
// it is the same class as the main entry's (a shared chunk in both the ESM and CJS builds).
export { OnboardingError, isOnboardingError } from '../errors.js';
export type { OnboardingErrorCode, OnboardingValidationIssue } from '../errors.js';
