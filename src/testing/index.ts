/**
 * `onboarding-sdk/testing`: a stateful, strict fake of the onboarding API as
 * msw request handlers, for the SDK's own tests, integrators' tests
 * (`msw/node`) and browser demos (`msw/browser`). msw is an optional peer
 * dependency: only this entry imports it. No Node-only API is used, so the
 * same code runs in a page.
 */
export { createMockOnboardingApi } from './api.js';
export type { MockBank, MockBankBehaviour, MockBankOutcome, MockBankReturn, MockBankStep, MockBankVisit } from './bank-types.js';
export type { MockClock } from './clock.js';
export type { MockScenario, MockScenarioOptions } from './scenarios.js';
export type { MockErrorBody } from './errors.js';
export type { FaultHandle, FaultKind, FaultTarget, MockFault } from './faults.js';
export type { RecordedFile } from './body.js';
export type {
  MockEndpoint,
  MockOnboardingApi,
  MockOnboardingApiOptions,
  MockSession,
  MockSessionStatus,
  MockSkill,
  MockUpload,
  RecordedRequest,
} from './types.js';
