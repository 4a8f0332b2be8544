import fc from 'fast-check';
import { HttpResponse, http } from 'msw';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { OnboardingError, isOnboardingError, type OnboardingClientConfig } from '../src/index.js';
import { BASE_URL, PRODUCT_FORM, SKILL, createClient, fileOf, setupMockApi } from './helpers.js';

const { server } = setupMockApi();

/** What an arbitrary server answers. */
interface Answer {
  status: number;
  headers: Record<string, string>;
  body: string | null;
}

/** Printable ASCII only: anything else cannot travel in a header at all. */
const headerText = fc.string({ maxLength: 40 }).map((s) => s.replace(/[^\x20-\x7e]/g, ''));

const retryAfter = fc.oneof(
  fc.nat({ max: 3 }).map(String),
  fc.integer({ min: -5, max: 100_000 }).map(String),
  fc.date({ noInvalidDate: true }).map((d) => d.toUTCString()),
  fc.constantFrom('0', '0.5', '1e3', '-1', 'NaN', 'Infinity', ' 1 ', '', '99999999999999999999', 'Wed, 21 Oct 2015 07:28:00 GMT', 'tomorrow'),
  headerText,
);

const headers = fc.record(
  {
    'retry-after': retryAfter,
    'content-type': fc.constantFrom('application/json', 'application/json; charset=utf-8', 'application/problem+json', 'text/html', 'text/plain', 'application/octet-stream'),
    'x-request-id': headerText,
    'cache-control': fc.constantFrom('no-store', 'max-age=0'),
  },
  { requiredKeys: [] },
);

/** Bodies that are close to the real ones, so that the valid path is exercised as well as the broken ones. */
const nearlyValid = fc.record(
  {
    session_id: fc.oneof(fc.uuid(), fc.string(), fc.integer(), fc.constant(null)),
    step_id: fc.oneof(fc.uuid(), fc.string(), fc.integer()),
    nonce: fc.oneof(fc.base64String({ minLength: 8, maxLength: 44 }), fc.string(), fc.integer(), fc.constant(null)),
    temp_token: fc.oneof(fc.base64String({ minLength: 8, maxLength: 44 }), fc.string(), fc.boolean()),
    status: fc.oneof(fc.constantFrom('SESSION_CREATED', 'SESSION_IN_PROGRESS', 'SESSION_COMPLETED', 'UPLOAD_RECEIVED'), fc.string(), fc.integer()),
    data: fc.oneof(fc.object(), fc.string(), fc.constant(null), fc.array(fc.integer())),
    id: fc.oneof(fc.uuid(), fc.integer()),
    code: fc.oneof(fc.constantFrom('invalid_nonce', 'expired_nonce', 'invalid_step', 'internal_server_error'), fc.string(), fc.integer()),
    message: fc.oneof(fc.string(), fc.object()),
  },
  { requiredKeys: [] },
);

/** Well-formed answers for every endpoint (extra fields included), so valid results are reached often. */
const wellFormed = fc.record(
  {
    session_id: fc.uuid(),
    step_id: fc.uuid(),
    nonce: fc.base64String({ minLength: 8, maxLength: 44 }),
    status: fc.constantFrom('SESSION_CREATED', 'SESSION_IN_PROGRESS', 'UPLOAD_RECEIVED'),
    data: fc.dictionary(fc.string(), fc.jsonValue()),
    temp_token: fc.base64String({ minLength: 8, maxLength: 44 }),
    extra: fc.jsonValue(),
  },
  { requiredKeys: ['session_id', 'step_id', 'nonce', 'status'] },
);

const body = fc.oneof(
  { arbitrary: wellFormed.map((v) => JSON.stringify(v)), weight: 4 },
  fc.constant(''),
  nearlyValid.map((v) => JSON.stringify(v)),
  fc.jsonValue().map((v) => JSON.stringify(v)),
  fc.jsonValue().map((v) => JSON.stringify(v).slice(0, -1)),
  fc.string(),
  fc.constant('<html><body><h1>502 Bad Gateway</h1></body></html>'),
  fc.constant('{"nonce": '),
);

const NULL_BODY_STATUSES = new Set([204, 205, 304]);

// A Response cannot be built with a 1xx status, so 200-599 is every status a server can be seen to answer.
const answer: fc.Arbitrary<Answer> = fc
  .record({ status: fc.oneof(fc.integer({ min: 200, max: 599 }), fc.constantFrom(200, 200, 200, 204, 400, 401, 429, 500, 502, 503)), headers, body })
  .map((a) => (NULL_BODY_STATUSES.has(a.status) ? { ...a, body: null } : a));

const respond = (a: Answer) => () => new HttpResponse(a.body, { status: a.status, headers: a.headers });

const FUZZ_CONFIG: Partial<OnboardingClientConfig> = { retry: { limit: 1, maxRetryAfterMs: 5 }, timeoutMs: 2_000, uploadTransport: 'fetch' };
const RUNS = { seed: 42, numRuns: 100 };

/** A rejection must be an OnboardingError with a code, and a status only if it is the one answered. */
function expectOnboardingError(error: unknown, a: Answer) {
  expect(error).toBeInstanceOf(OnboardingError);
  expect(isOnboardingError(error)).toBe(true);
  const e = error as OnboardingError;
  expect(typeof e.code).toBe('string');
  expect(e.code.length).toBeGreaterThan(0);
  expect(typeof e.retryable).toBe('boolean');
  if (e.status !== undefined) expect([a.status, 200]).toContain(e.status);
}

const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);
beforeEach(() => {
  unhandled.length = 0;
  process.on('unhandledRejection', onUnhandled);
});
afterEach(() => {
  process.off('unhandledRejection', onUnhandled);
});

/** Lets any stray rejection surface before the test checks for it. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

describe('arbitrary server answers', () => {
  it('to session creation settle as a valid session or an OnboardingError', async () => {
    await fc.assert(
      fc.asyncProperty(answer, async (a) => {
        server.use(http.post(`${BASE_URL}/sessions`, respond(a)));
        try {
          const session = await createClient(FUZZ_CONFIG).startSession({ skill: SKILL, tenantUserId: 'u-42' });
          expect(a.status).toBeGreaterThanOrEqual(200);
          expect(a.status).toBeLessThan(300);
          expect(typeof session.id).toBe('string');
          expect(session.id.length).toBeGreaterThan(0);
          expect(session.status).toBe('active');
          session.dispose();
        } catch (error) {
          expectOnboardingError(error, a);
        } finally {
          server.resetHandlers();
        }
      }),
      RUNS,
    );
    await settle();
    expect(unhandled).toEqual([]);
  });

  it('to a step settle as a valid step result or an OnboardingError', async () => {
    await fc.assert(
      fc.asyncProperty(answer, async (a) => {
        const onTempToken = vi.fn();
        const session = await createClient({ ...FUZZ_CONFIG, onTempToken }).startSession({ skill: SKILL, tenantUserId: 'u-42' });
        server.use(http.post(`${BASE_URL}/sessions/:id/steps`, respond(a)));
        try {
          const result = await session.submitStep('product_form', PRODUCT_FORM);
          expect(typeof result.stepId).toBe('string');
          expect(typeof result.status).toBe('string');
          expect(typeof result.data).toBe('object');
          expect(result.data).not.toBeNull();
          expect(typeof result.completed).toBe('boolean');
          expect(session.status).toBe(result.completed ? 'completed' : 'active');
          expect(onTempToken).toHaveBeenCalledTimes(result.completed ? 1 : 0);
          if (result.completed) expect(typeof onTempToken.mock.calls[0]![0]).toBe('string');
        } catch (error) {
          expectOnboardingError(error, a);
          expect(['active', 'failed', 'expired']).toContain(session.status);
          expect(onTempToken).not.toHaveBeenCalled();
        } finally {
          session.dispose();
          server.resetHandlers();
        }
      }),
      RUNS,
    );
    await settle();
    expect(unhandled).toEqual([]);
  });

  it('to an upload settle as a valid upload result or an OnboardingError', async () => {
    await fc.assert(
      fc.asyncProperty(answer, async (a) => {
        const session = await createClient(FUZZ_CONFIG).startSession({ skill: SKILL, tenantUserId: 'u-42' });
        await session.submitStep('product_form', PRODUCT_FORM);
        server.use(http.post(`${BASE_URL}/steps/:stepId/upload`, respond(a)));
        try {
          const result = await session.upload(fileOf(64));
          expect(typeof result.status).toBe('string');
          expect(result.size).toBe(64);
          expect(session.status).toBe('active');
        } catch (error) {
          expectOnboardingError(error, a);
        } finally {
          session.dispose();
          server.resetHandlers();
        }
      }),
      { ...RUNS, numRuns: 50 },
    );
    await settle();
    expect(unhandled).toEqual([]);
  });
});
