/** `createMockOnboardingApi`: resolves the options and wires state, faults, clock and handlers together. */
import { NONCE_TTL_MS } from '../protocol.js';
import { createClock } from './clock.js';
import { FaultQueue } from './faults.js';
import { createHandlers } from './handlers.js';
import { OnboardingState } from './state.js';
import type { MockOnboardingApi, MockOnboardingApiOptions, MockSkill, RecordedRequest } from './types.js';

/**
 * A stateful, strict fake of the onboarding API as msw handlers.
 *
 * @example
 * const api = createMockOnboardingApi({
 *   baseUrl: 'https://api.example.com/v1',
 *   skills: { 'xyz_sbx_#3.0': { steps: ['product_form', 'kyc_documents', 'confirm'] } },
 *   clientId: 'test-client', clientAppKey: 'test-key',
 * });
 * const server = setupServer(...api.handlers);
 * server.listen({ onUnhandledFrame: 'error' });
 */
export function createMockOnboardingApi(options: MockOnboardingApiOptions): MockOnboardingApi {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  if (!baseUrl) throw new TypeError('createMockOnboardingApi: baseUrl is required');
  const nonceTtlMs = options.nonceTtlMs ?? NONCE_TTL_MS;
  if (!(nonceTtlMs > 0)) throw new RangeError(`createMockOnboardingApi: nonceTtlMs must be > 0, got ${nonceTtlMs}`);

  // Date.now is looked up at each call, not captured here, so vitest's fake
  // timers (which replace Date.now later) move the kit's time too.
  const clock = createClock(options.now ?? (() => Date.now()), options.clock ?? 'real');
  const state = new OnboardingState(
    {
      skills: checkSkills(options.skills),
      clientId: options.clientId,
      clientAppKey: options.clientAppKey,
      clientSecret: options.clientSecret,
      nonceTtlMs,
      uploadRotatesNonce: options.uploadRotatesNonce ?? true,
      lastStepNonce: options.lastStepNonce ?? false,
      requireTenantUserId: options.requireTenantUserId ?? false,
    },
    clock,
  );
  const faults = new FaultQueue();
  const requests: RecordedRequest[] = [];

  return {
    handlers: createHandlers({ baseUrl, state, faults, requests }),
    get requests() {
      return [...requests];
    },
    get sessions() {
      return state.snapshot();
    },
    get issuedTempTokens() {
      return state.issuedTempTokens();
    },
    clock: { now: clock.now, advance: clock.advance, set: clock.set },
    inject: (fault) => faults.add(fault),
    reset() {
      state.reset();
      faults.clear();
      requests.length = 0;
      clock.reset();
    },
  };
}

/** Catches catalog typos when the kit is created, not as a puzzling 400 mid-test. */
function checkSkills(skills: Readonly<Record<string, MockSkill>>): Map<string, MockSkill> {
  const entries = Object.entries(skills ?? {});
  if (entries.length === 0) throw new TypeError('createMockOnboardingApi: skills must name at least one skill');
  for (const [name, skill] of entries) {
    if (!Array.isArray(skill.steps) || skill.steps.length === 0) {
      throw new TypeError(`createMockOnboardingApi: skill "${name}" needs at least one step`);
    }
    for (const step of Object.keys(skill.responses ?? {})) {
      if (!skill.steps.includes(step)) {
        throw new TypeError(`createMockOnboardingApi: skill "${name}" has a response for unknown step "${step}"`);
      }
    }
  }
  // Copied so that a test mutating its catalog object cannot change a running fake.
  return new Map(
    entries.map(([name, skill]) => [
      name,
      { steps: [...skill.steps], ...(skill.responses && { responses: structuredClone(skill.responses) }) },
    ]),
  );
}
