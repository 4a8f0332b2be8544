/** `createMockOnboardingApi`: resolves the options and wires state, faults, clock and handlers together. */
import { NONCE_TTL_MS } from '../defaults.js';
import { BANK_PATH, BankDesk, checkBankStep } from './bank.js';
import { createClock } from './clock.js';
import { applyScenario } from './scenarios.js';
import { checkAllowedOrigins } from './cors.js';
import { FaultQueue, type MockFault } from './faults.js';
import { createHandlers } from './handlers.js';
import { OnboardingState } from './state.js';
import type { MockOnboardingApi, MockOnboardingApiOptions, MockSkill, RecordedRequest } from './types.js';

/**
 * A stateful, strict fake of the onboarding API as msw handlers.
 *
 * Strict by default, so a test fails where production would: `clientId` and
 * `clientAppKey` are required (or `acceptAnyCredentials: true`), sessions need a
 * `tenant_user_id` (unless `requireTenantUserId: false`), and uploads go only to
 * steps a skill lists under `uploads`.
 *
 * @throws TypeError when an option cannot work: no `clientId`/`clientAppKey`
 * (and no `acceptAnyCredentials`), a skill without steps, `responses`,
 * `uploads` or `bank` naming a step the skill does not have (or `bank` on the
 * last step), an `allowedOrigins` entry that is not an origin.
 *
 * @example
 * const api = createMockOnboardingApi({
 *   baseUrl: 'https://api.example.com/v1',
 *   skills: { 'xyz_sbx_#3.0': { steps: ['product_form', 'kyc_documents', 'confirm'], uploads: ['kyc_documents'] } },
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
  const acceptAnyCredentials = options.acceptAnyCredentials ?? false;
  checkCredentials(options, acceptAnyCredentials);
  const allowedOrigins = checkAllowedOrigins(options.allowedOrigins);

  // Date.now is looked up at each call, not captured here, so vitest's fake
  // timers (which replace Date.now later) move the kit's time too.
  const clock = createClock(options.now ?? (() => Date.now()), options.clock ?? 'real');
  const bank = new BankDesk(`${baseUrl}${BANK_PATH}`);
  const state = new OnboardingState(
    {
      skills: checkSkills(options.skills),
      clientId: options.clientId,
      clientAppKey: options.clientAppKey,
      clientSecret: options.clientSecret,
      acceptAnyCredentials,
      nonceTtlMs,
      uploadRotatesNonce: options.uploadRotatesNonce ?? true,
      lastStepNonce: options.lastStepNonce ?? false,
      requireTenantUserId: options.requireTenantUserId ?? true,
      bank,
    },
    clock,
  );
  const faults = new FaultQueue();
  const requests: RecordedRequest[] = [];
  const inject = (fault: MockFault) => faults.add(fault);

  return {
    handlers: createHandlers({ baseUrl, state, faults, requests, allowedOrigins, bank }),
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
    bank: bank.view(),
    inject,
    scenario: (name, scenarioOptions) => applyScenario({ clock, bank: bank.view(), inject, nonceTtlMs }, name, scenarioOptions),
    reset() {
      state.reset();
      bank.reset();
      faults.clear();
      requests.length = 0;
      clock.reset();
    },
  };
}

/**
 * A kit that accepts any credentials cannot catch a client built from an unset
 * environment variable (`clientAppKey: process.env.APP_KEY`): the test would
 * pass and production would answer 401. So the credentials are required, and
 * accepting any is an explicit choice.
 */
function checkCredentials(options: MockOnboardingApiOptions, acceptAny: boolean): void {
  const keys = ['clientId', 'clientAppKey', 'clientSecret'] as const;
  for (const key of keys) {
    const value = options[key];
    if (value !== undefined && typeof value !== 'string') {
      throw new TypeError(`createMockOnboardingApi: \`${key}\` must be a string, got ${typeof value}`);
    }
    if (value === '') {
      throw new TypeError(
        `createMockOnboardingApi: \`${key}\` is an empty string (an unset environment variable?); pass the value your code sends` +
          (key === 'clientSecret' ? ', or leave it out' : ''),
      );
    }
  }
  if (acceptAny) return;
  const missing = keys.slice(0, 2).filter((key) => options[key] === undefined);
  if (missing.length > 0) {
    throw new TypeError(
      `createMockOnboardingApi: ${missing.map((k) => `\`${k}\``).join(' and ')} ${missing.length > 1 ? 'are' : 'is'} missing. Pass \`clientId\` and \`clientAppKey\` ` +
        '— the credentials your OnboardingClient uses (an unset environment variable?) — or `acceptAnyCredentials: true` to accept any',
    );
  }
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
    checkUploads(name, skill);
    checkBankStep(name, skill);
  }
  // Copied so that a test mutating its catalog object cannot change a running fake.
  return new Map(
    entries.map(([name, skill]) => [
      name,
      {
        steps: [...skill.steps],
        uploads: [...(skill.uploads ?? [])],
        ...(skill.responses && { responses: structuredClone(skill.responses) }),
        ...(skill.bank && { bank: { ...skill.bank } }),
      },
    ]),
  );
}

function checkUploads(name: string, skill: MockSkill): void {
  if (skill.uploads === undefined) return;
  if (!Array.isArray(skill.uploads)) {
    throw new TypeError(`createMockOnboardingApi: skill "${name}": \`uploads\` must be an array of step names, e.g. ['kyc_documents']`);
  }
  const last = skill.steps[skill.steps.length - 1];
  for (const step of skill.uploads as readonly unknown[]) {
    if (typeof step !== 'string' || !skill.steps.includes(step)) {
      throw new TypeError(`createMockOnboardingApi: skill "${name}" lists unknown step ${JSON.stringify(step)} under uploads`);
    }
    if (step === last) {
      throw new TypeError(
        `createMockOnboardingApi: skill "${name}" lists its last step "${step}" under uploads, ` +
          'but the last step completes the session, which then takes no uploads',
      );
    }
  }
}
