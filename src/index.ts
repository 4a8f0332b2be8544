// The main entry: browser-safe, side-effect free. The testing kit
// (onboarding-sdk/testing) and the backend helper (onboarding-sdk/server) are
// separate entries so msw and secret-handling code never reach a browser bundle.
export { OnboardingClient } from './client.js';
export type { StartSessionOptions, StepsOf } from './client.js';
export { OnboardingSession } from './onboarding-session.js';
export type { OnboardingSessionOf } from './session.js';
export type { OnboardingSessionSnapshot, OnboardingSessionStatus } from './session-state.js';
export type { RetryHandoffOptions, StepResult, SubmitStepOptions } from './session-types.js';
export type { UploadOptions, UploadResult } from './upload.js';
export { OnboardingError, isOnboardingError } from './errors.js';
export type { HandoffStatus } from './handoff.js';
export type { OnboardingErrorCode, OnboardingErrorOptions, OnboardingValidationIssue } from './errors.js';
export type { KnownOnboardingErrorCode } from './errors.js';
export { defaultUserMessages, userMessage } from './messages.js';
export type { UserMessages } from './messages.js';
export type { HandoffInfo, OnboardingClientConfig, RetryOptions, StorageLike } from './config.js';
export type {
  OnboardingEvents,
  OnboardingEventType,
  OnboardingOperation,
  OnboardingWildcardHandler,
  Unsubscribe,
} from './events.js';
export type { OnboardingLogLevel, OnboardingLogger } from './internal/logger.js';
export type { UploadProgress } from './xhr.js';
export { safeRedirectUrl } from './redirect.js';
export type { RedirectReturn } from './bank-redirect.js';
export { defineSkill } from './skill.js';
export { prepareImage } from './image.js';
export type { ImagePreparation } from './image.js';
export type {
  SchemaInput,
  SkillDefinition,
  SkillOptions,
  StandardResult,
  StandardSchemaV1,
  StepSchemas,
  StepsIn,
  UntypedSteps,
  UploadRules,
} from './skill.js';
