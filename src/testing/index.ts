/**
 * `onboarding-sdk/testing`: a stateful, strict fake of the onboarding API as
 * msw request handlers, for the SDK's own tests, integrators' tests
 * (`msw/node`) and browser demos (`msw/browser`). msw is an optional peer
 * dependency: only this entry imports it. No Node-only API is used, so the
 * same code runs in a page.
 */
export { createMockOnboardingApi } from './api';
export type { MockClock } from './clock';
export type { MockErrorBody } from './errors';
export type { FaultHandle, FaultKind, FaultTarget, MockFault } from './faults';
export type { RecordedFile } from './body';
export type {
  MockEndpoint,
  MockOnboardingApi,
  MockOnboardingApiOptions,
  MockSession,
  MockSessionStatus,
  MockSkill,
  MockUpload,
  RecordedRequest,
} from './types';
