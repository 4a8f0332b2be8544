/**
 * Shared set-up of the SDK's behaviour tests: the testing kit on msw/node, a
 * client factory, and small readers of what the kit recorded.
 */
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, expect, vi } from 'vitest';
import {
  OnboardingClient,
  isOnboardingError,
  type OnboardingClientConfig,
  type OnboardingError,
  type StorageLike,
} from '../src/index.js';
import {
  createMockOnboardingApi,
  type MockOnboardingApi,
  type MockOnboardingApiOptions,
  type RecordedRequest,
} from '../src/testing/index.js';

export const BASE_URL = 'https://api.example.com/v1';
export const SKILL = 'xyz_sbx_#3.0';
export const STEPS = ['product_form', 'kyc_documents', 'bank_redirect', 'confirm'] as const;
export const REDIRECT_URL = 'https://bank.example/sca?state=abc';
export const CLIENT_ID = 'test-client';
/** Long and distinctive, so a leak of it is found by a plain substring search. */
export const APP_KEY = 'test-app-key-5a7d0c1e9b';
export const PRODUCT_FORM = { value: '100000', currency: 'EUR', period: '12' };

export const KIT_OPTIONS: MockOnboardingApiOptions = {
  baseUrl: BASE_URL,
  skills: {
    [SKILL]: {
      steps: STEPS,
      uploads: ['kyc_documents'],
      responses: { bank_redirect: { redirect_url: REDIRECT_URL, bank: { id: 'xyz' } } },
    },
    'single_step_#1.0': { steps: ['only'] },
  },
  clientId: CLIENT_ID,
  clientAppKey: APP_KEY,
};

/**
 * Starts the kit on msw/node for the calling test file (any request no handler
 * answers is an error) and resets it after each test. `use()` swaps in a kit
 * built with other options for the rest of one test.
 */
export function setupMockApi(overrides: Partial<MockOnboardingApiOptions> = {}) {
  const api = createMockOnboardingApi({ ...KIT_OPTIONS, ...overrides });
  const server = setupServer(...api.handlers);
  beforeAll(() => server.listen({ onUnhandledFrame: 'error' }));
  afterEach(() => {
    api.reset();
    server.resetHandlers();
    vi.useRealTimers();
  });
  afterAll(() => server.close());
  return {
    api,
    server,
    use(more: Partial<MockOnboardingApiOptions>): MockOnboardingApi {
      const other = createMockOnboardingApi({ ...KIT_OPTIONS, ...overrides, ...more });
      server.use(...other.handlers);
      return other;
    },
  };
}

/** What `useFakeClock` hands back. */
export interface FakeClock {
  /**
   * Resolves once code under test has set its `n`th timer of exactly `ms`
   * (counting from `useFakeClock`): the moment a wait it decided on, such as
   * the one a Retry-After asks for, has begun. A test lets fake time pass only
   * then, because the answer that decides the wait travels through msw as real
   * I/O, not on fake time; moving the clock before would start the wait late.
   */
  timerSet(ms: number, n?: number): Promise<void>;
}

/**
 * Fake `setTimeout` and `Date` only: msw and undici finish a request on
 * `setImmediate`/`nextTick`, which must stay real or a request started while
 * fake time passes would never complete. (`vi.useRealTimers()`, run after each
 * test by `setupMockApi`, puts the real `setTimeout` back, observer and all.)
 */
export function useFakeClock(now: number): FakeClock {
  vi.useFakeTimers({ now, toFake: ['setTimeout', 'clearTimeout', 'Date'] });
  const fake = globalThis.setTimeout;
  const counts = new Map<number, number>();
  const waiting: { ms: number; n: number; resolve: () => void }[] = [];
  const count = (ms: number) => counts.get(ms) ?? 0;
  globalThis.setTimeout = ((handler: (...args: unknown[]) => void, ms?: number, ...args: unknown[]) => {
    const timer = fake(handler, ms, ...args);
    const delay = ms ?? 0;
    counts.set(delay, count(delay) + 1);
    for (const w of waiting.filter((w) => w.ms === delay && count(delay) >= w.n)) {
      waiting.splice(waiting.indexOf(w), 1);
      w.resolve();
    }
    return timer;
  }) as typeof setTimeout;
  return {
    timerSet(ms, n = 1) {
      return count(ms) >= n ? Promise.resolve() : new Promise((resolve) => waiting.push({ ms, n, resolve }));
    },
  };
}

/**
 * Resolves once `condition()` holds, checked after each turn of the event loop
 * (`setImmediate`, which `useFakeClock` leaves real): for a state a test can
 * read but not subscribe to, e.g. that the kit has received a request. No
 * clock is involved; the test's own timeout bounds the wait.
 */
export async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setImmediate(resolve));
}

/** A client for the kit, with a spy `onTempToken` unless one is given. */
export function createClient(overrides: Partial<OnboardingClientConfig> = {}): OnboardingClient {
  return new OnboardingClient({
    baseUrl: BASE_URL,
    clientId: CLIENT_ID,
    clientAppKey: APP_KEY,
    onTempToken: vi.fn(),
    ...overrides,
  });
}

/** The rejection of `promise`, asserted to be an OnboardingError (a resolution fails the test). */
export async function rejectionOf(promise: Promise<unknown>): Promise<OnboardingError> {
  let outcome: unknown;
  try {
    await promise;
  } catch (error) {
    outcome = error;
    expect(isOnboardingError(outcome), `expected an OnboardingError, got ${String(outcome)}`).toBe(true);
    return outcome as OnboardingError;
  }
  throw new Error('expected the promise to reject, but it resolved');
}

/** Requests that carry a nonce (steps and uploads), in order. */
export const nonceRequests = (api: MockOnboardingApi): RecordedRequest[] =>
  api.requests.filter((r) => r.endpoint === 'steps' || r.endpoint === 'upload');

/** Every nonce the kit handed out in an answer (including answers the client never saw). */
export function issuedNonces(api: MockOnboardingApi): string[] {
  return api.requests
    .map((r) => (r.responseBody as { nonce?: unknown } | undefined)?.nonce)
    .filter((n): n is string => typeof n === 'string');
}

/** A `File` whose bytes are distinct enough that a reordering or a truncation shows. */
export function fileOf(size: number, name = 'id-card.jpg', type = 'image/jpeg'): File {
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i++) bytes[i] = (i * 31 + 7) % 251;
  return new File([bytes], name, { type });
}

export async function bytesOf(blob: Blob): Promise<Uint8Array> {
  return new Uint8Array(await blob.arrayBuffer());
}

/** The file the kit recorded for an upload request. */
export function recordedFile(request: RecordedRequest | undefined): { name: string; type: string; size: number; blob: Blob } {
  expect(request?.endpoint).toBe('upload');
  return (request!.body as { file: { name: string; type: string; size: number; blob: Blob } }).file;
}

/** A `Map`-backed storage that also keeps every value ever written, for leak checks. */
export class MemoryStorage implements StorageLike {
  readonly map = new Map<string, string>();
  readonly written: string[] = [];
  getItem(key: string): string | null {
    return this.map.get(key) ?? null;
  }
  setItem(key: string, value: string): void {
    this.written.push(value);
    this.map.set(key, value);
  }
  removeItem(key: string): void {
    this.map.delete(key);
  }
}

/** Submits the given steps in order, with the product form data for `product_form` and `{}` for the others. */
export async function submitSteps(
  session: { submitStep(step: string, data: Record<string, unknown>): Promise<unknown> },
  steps: readonly string[],
): Promise<void> {
  for (const step of steps) await session.submitStep(step, step === 'product_form' ? PRODUCT_FORM : {});
}
