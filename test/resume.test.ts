import { describe, expect, it, vi } from 'vitest';
import * as z from 'zod/mini';
import { defineSkill } from '../src/index.js';
import {
  APP_KEY,
  BASE_URL,
  CLIENT_ID,
  PRODUCT_FORM,
  REDIRECT_URL,
  SKILL,
  STEPS,
  MemoryStorage,
  createClient,
  fileOf,
  issuedNonces,
  nonceRequests,
  rejectionOf,
  setupMockApi,
  submitSteps,
  useFakeClock,
} from './helpers.js';

const { api } = setupMockApi();

const KEY = `onboarding-sdk:${CLIENT_ID}`;
const PERSONAL = { first_name: 'Ileana-Personal', iban: 'RO49AAAA1B31007593840000' };

/** Two steps on a first client ("before the bank redirect"), sharing `storage`. */
async function twoStepsThenLeave(storage: MemoryStorage) {
  const session = await createClient({ storage }).startSession({ skill: SKILL, tenantUserId: 'u-42' });
  await session.submitStep('product_form', { ...PRODUCT_FORM, ...PERSONAL });
  const kyc = await session.submitStep('kyc_documents', {});
  session.dispose();
  return { session, kyc };
}

describe('resumeSession', () => {
  it('returns the session as it stood after two steps on a second client with the same storage', async () => {
    const storage = new MemoryStorage();
    const { session: before, kyc } = await twoStepsThenLeave(storage);
    const events: string[] = [];
    const client = createClient({ storage });
    client.on('*', (type) => events.push(type));

    const resumed = await client.resumeSession();

    expect(resumed).not.toBeNull();
    expect(resumed!.id).toBe(before.id);
    expect(resumed!.skill).toBe(SKILL);
    expect(resumed!.status).toBe('active');
    expect(resumed!.lastStepId).toBe(kyc.stepId);
    expect(resumed!.completedSteps).toEqual(['product_form', 'kyc_documents']);
    expect(events).toEqual(['session:resumed']);
  });

  it('completes the resumed session, continuing the nonce chain and handing the token to the new client', async () => {
    const storage = new MemoryStorage();
    await twoStepsThenLeave(storage);
    const onTempToken = vi.fn();

    const resumed = (await createClient({ storage, onTempToken }).resumeSession())!;
    const redirect = await resumed.submitStep('bank_redirect', {});
    const last = await resumed.submitStep('confirm', { accept: true });

    expect(redirect.data.redirect_url).toBe(REDIRECT_URL);
    expect(last.completed).toBe(true);
    expect(resumed.status).toBe('completed');
    expect(onTempToken).toHaveBeenCalledExactlyOnceWith(api.issuedTempTokens[0], expect.objectContaining({ sessionId: resumed.id }));
    const [, kyc, redirectRequest] = nonceRequests(api);
    expect(redirectRequest!.nonce).toBe((kyc!.responseBody as { nonce: string }).nonce);
    expect(api.sessions[0]!.status).toBe('SESSION_COMPLETED');
  });

  it('resumes with the nonce an upload answer rotated in, and uploads to the stored last step by default', async () => {
    const storage = new MemoryStorage();
    const { session, kyc } = await twoStepsThenLeave(storage);
    await session.upload(fileOf(10));

    const resumed = (await createClient({ storage }).resumeSession())!;
    await resumed.upload(fileOf(20, 'selfie.png', 'image/png'));
    await resumed.submitStep('bank_redirect', {});

    const uploads = nonceRequests(api).filter((r) => r.endpoint === 'upload');
    expect(uploads.map((r) => r.stepId)).toEqual([kyc.stepId, kyc.stepId]);
    expect(nonceRequests(api).every((r) => r.responseStatus === 200)).toBe(true);
  });

  it('continues after a bank redirect: the step returning redirect_url is the last one stored', async () => {
    const storage = new MemoryStorage();
    const first = await createClient({ storage }).startSession({ skill: SKILL, tenantUserId: 'u-42' });
    await submitSteps(first, ['product_form', 'kyc_documents']);
    const redirect = await first.submitStep('bank_redirect', {});
    expect(redirect.data.redirect_url).toBe(REDIRECT_URL);

    const back = (await createClient({ storage }).resumeSession())!;

    expect(back.lastStepId).toBe(redirect.stepId);
    await expect(back.submitStep('confirm', {})).resolves.toMatchObject({ completed: true });
  });

  it('keeps counting the stored nonce lifetime: a session resumed after 20 minutes expires 10 minutes later', async () => {
    const t0 = Date.UTC(2030, 0, 1);
    useFakeClock(t0);
    const storage = new MemoryStorage();
    (await createClient({ storage }).startSession({ skill: SKILL, tenantUserId: 'u-42' })).dispose();
    vi.advanceTimersByTime(20 * 60_000);
    const client = createClient({ storage });
    const events: string[] = [];
    client.on('*', (type) => events.push(type));

    const resumed = (await client.resumeSession())!;
    expect(resumed.expiresAt).toBe(t0 + 30 * 60_000);
    vi.advanceTimersByTime(5 * 60_000);
    expect(events).toEqual(['session:resumed', 'nonce:expiring']);
    vi.advanceTimersByTime(5 * 60_000);

    expect(events).toEqual(['session:resumed', 'nonce:expiring', 'session:expired']);
    expect(resumed.status).toBe('expired');
    expect(storage.map.size).toBe(0);
  });

  it('returns the live session instead of a twin when the same client resumes while it is active', async () => {
    const storage = new MemoryStorage();
    const client = createClient({ storage });
    const session = await client.startSession({ skill: SKILL, tenantUserId: 'u-42' });

    expect(await client.resumeSession()).toBe(session);
  });

  it('resolves null without storage, or when nothing is stored', async () => {
    expect(await createClient().resumeSession()).toBeNull();
    expect(await createClient({ storage: new MemoryStorage() }).resumeSession()).toBeNull();
  });
});

describe('what storage holds', () => {
  it('never holds the temp token, the app key or the step data, in any value ever written', async () => {
    const storage = new MemoryStorage();
    await twoStepsThenLeave(storage);
    const resumed = (await createClient({ storage }).resumeSession())!;
    await resumed.upload(fileOf(10));
    await submitSteps(resumed, ['bank_redirect', 'confirm']);

    expect(storage.written.length).toBeGreaterThan(0);
    const token = api.issuedTempTokens[0]!;
    for (const value of [...storage.written, ...storage.map.keys()]) {
      expect(value).not.toContain(token);
      expect(value).not.toContain(APP_KEY);
      expect(value).not.toContain(PERSONAL.first_name);
      expect(value).not.toContain(PERSONAL.iban);
    }
  });

  it('holds at most the current nonce, under the default key onboarding-sdk:<clientId>', async () => {
    const storage = new MemoryStorage();
    await twoStepsThenLeave(storage);

    expect([...storage.map.keys()]).toEqual([KEY]);
    const current = issuedNonces(api).at(-1)!;
    const stale = issuedNonces(api).slice(0, -1);
    const stored = storage.map.get(KEY)!;
    expect(stored).toContain(current);
    for (const nonce of stale) expect(stored).not.toContain(nonce);
  });

  it('uses storageKey when given', async () => {
    const storage = new MemoryStorage();
    await createClient({ storage, storageKey: 'my-app:onboarding' }).startSession({ skill: SKILL, tenantUserId: 'u-42' });

    expect([...storage.map.keys()]).toEqual(['my-app:onboarding']);
    expect(await createClient({ storage, storageKey: 'my-app:onboarding' }).resumeSession()).not.toBeNull();
    expect(await createClient({ storage }).resumeSession()).toBeNull();
  });
});

describe('two sessions on one client', () => {
  it('lets only the newest session write storage, so an older one finishing never erases it', async () => {
    const storage = new MemoryStorage();
    const client = createClient({ storage });
    const first = await client.startSession({ skill: SKILL, tenantUserId: 'u-42' });
    const second = await client.startSession({ skill: SKILL, tenantUserId: 'u-42' });

    await submitSteps(first, STEPS);

    expect(first.status).toBe('completed');
    const resumed = await createClient({ storage }).resumeSession();
    expect(resumed?.id).toBe(second.id);
  });
});

describe('resuming a typed session', () => {
  const typed = () =>
    defineSkill(SKILL, {
      steps: { product_form: z.object({ value: z.string() }), kyc_documents: z.object({}), bank_redirect: z.object({}), confirm: z.object({}) },
      uploads: { kyc_documents: { accept: ['image/png'] } },
    });

  it('still applies the upload rules of the skill after the page reloaded', async () => {
    const storage = new MemoryStorage();
    const session = await createClient({ storage }).startSession({ skill: typed(), tenantUserId: 'u-42' });
    await session.submitStep('product_form', { value: '1' });
    const docs = await session.submitStep('kyc_documents', {});

    const resumed = (await createClient({ storage }).resumeSession({ skill: typed() }))!;

    const error = await rejectionOf(resumed.upload(fileOf(10, 'a.txt', 'text/plain'), { stepId: docs.stepId }));
    expect(error.code).toBe('validation_error');
    await expect(resumed.upload(fileOf(10, 'a.png', 'image/png'), { stepId: docs.stepId })).resolves.toMatchObject({ fileName: 'a.png' });
  });

  it('does not hand back the live session of another skill', async () => {
    const client = createClient({ storage: new MemoryStorage() });
    await client.startSession({ skill: 'single_step_#1.0', tenantUserId: 'u-42' });

    await expect(client.resumeSession({ skill: typed() })).resolves.toBeNull();
  });
});

describe('sessions that are over are not resumed', () => {
  it('clears a completed session from storage, and resumeSession resolves null', async () => {
    const storage = new MemoryStorage();
    const session = await createClient({ storage }).startSession({ skill: SKILL, tenantUserId: 'u-42' });
    await submitSteps(session, STEPS);

    expect(storage.map.size).toBe(0);
    expect(await createClient({ storage }).resumeSession()).toBeNull();
  });

  it('clears a session whose nonce expired by the clock', async () => {
    useFakeClock(Date.UTC(2030, 0, 1));
    const storage = new MemoryStorage();
    const session = await createClient({ storage }).startSession({ skill: SKILL, tenantUserId: 'u-42' });

    vi.advanceTimersByTime(30 * 60_000);

    expect(session.status).toBe('expired');
    expect(storage.map.size).toBe(0);
    expect(await createClient({ storage }).resumeSession()).toBeNull();
  });

  it('does not resume a stored session whose nonce is older than 30 minutes, and clears it', async () => {
    const storage = new MemoryStorage();
    await twoStepsThenLeave(storage);
    const later = Date.now() + 31 * 60_000;
    const client = createClient({ storage, now: () => later });
    const expired = vi.fn();
    client.on('session:expired', expired);

    expect(await client.resumeSession()).toBeNull();
    expect(storage.map.size).toBe(0);
    expect(expired).toHaveBeenCalledTimes(1);
  });

  it('clears a session that failed out of step with the server', async () => {
    const storage = new MemoryStorage();
    const session = await createClient({ storage }).startSession({ skill: SKILL, tenantUserId: 'u-42' });
    api.inject({ kind: 'lost-response', endpoint: 'steps' });
    await rejectionOf(session.submitStep('product_form', PRODUCT_FORM));
    await rejectionOf(session.submitStep('product_form', PRODUCT_FORM));

    expect(session.status).toBe('failed');
    expect(await createClient({ storage }).resumeSession()).toBeNull();
  });

  it('clears a session the server declared expired', async () => {
    const storage = new MemoryStorage();
    const session = await createClient({ storage }).startSession({ skill: SKILL, tenantUserId: 'u-42' });
    api.clock.advance(31 * 60_000);
    await rejectionOf(session.submitStep('product_form', PRODUCT_FORM));

    expect(storage.map.size).toBe(0);
    expect(await createClient({ storage }).resumeSession()).toBeNull();
  });
});

describe('untrusted storage content', () => {
  const valid = () => ({
    v: 1,
    baseUrl: BASE_URL,
    clientId: CLIENT_ID,
    sessionId: 'b7c2f7a0-0000-4000-8000-000000000000',
    skill: SKILL,
    nonce: 'n-0123456789abcdef',
    nonceIssuedAt: Date.now(),
    completedSteps: [],
    stepIds: [],
  });

  it.each([
    ['corrupted JSON', '{"v":1,"sessionId":'],
    ['a JSON string', '"hello"'],
    ['null', 'null'],
    ['an array', '[1,2,3]'],
    ['a wrong version', JSON.stringify({ ...valid(), v: 2 })],
    ['a missing nonce', JSON.stringify({ ...valid(), nonce: undefined })],
    ['a numeric session id', JSON.stringify({ ...valid(), sessionId: 42 })],
    ['completedSteps that are not strings', JSON.stringify({ ...valid(), completedSteps: [{}] })],
    ['step ids that do not match the completed steps', JSON.stringify({ ...valid(), completedSteps: ['a'], stepIds: [] })],
    ['a non-numeric issue time', JSON.stringify({ ...valid(), nonceIssuedAt: 'yesterday' })],
  ])('ignores %s without throwing', async (_what, raw) => {
    const storage = new MemoryStorage();
    storage.map.set(KEY, raw);

    await expect(createClient({ storage }).resumeSession()).resolves.toBeNull();
    expect(api.requests).toHaveLength(0);
  });

  it('ignores a session stored by another client id or for another API', async () => {
    const storage = new MemoryStorage();
    storage.map.set(KEY, JSON.stringify({ ...valid(), clientId: 'someone-else' }));
    await expect(createClient({ storage }).resumeSession()).resolves.toBeNull();

    storage.map.set(KEY, JSON.stringify({ ...valid(), baseUrl: 'https://evil.example/v1' }));
    await expect(createClient({ storage }).resumeSession()).resolves.toBeNull();
  });

  it('accepts a well-formed record (the control for the cases above)', async () => {
    const storage = new MemoryStorage();
    storage.map.set(KEY, JSON.stringify(valid()));

    const resumed = await createClient({ storage }).resumeSession();

    expect(resumed?.id).toBe(valid().sessionId);
  });

  it('resolves null when getItem throws', async () => {
    const storage = new MemoryStorage();
    storage.getItem = () => {
      throw new Error('SecurityError: storage disabled');
    };

    await expect(createClient({ storage }).resumeSession()).resolves.toBeNull();
  });
});

describe('a storage that fails', () => {
  it('does not break the flow when setItem throws (quota exceeded)', async () => {
    const storage = new MemoryStorage();
    storage.setItem = () => {
      throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    };
    const onTempToken = vi.fn();
    const session = await createClient({ storage, onTempToken }).startSession({ skill: SKILL, tenantUserId: 'u-42' });

    await session.submitStep('product_form', PRODUCT_FORM);
    await session.submitStep('kyc_documents', {});
    await session.upload(fileOf(10));
    await submitSteps(session, ['bank_redirect', 'confirm']);

    expect(session.status).toBe('completed');
    expect(onTempToken).toHaveBeenCalledTimes(1);
    expect(await createClient({ storage }).resumeSession()).toBeNull();
  });

  it('does not break completion when removeItem throws', async () => {
    const storage = new MemoryStorage();
    storage.removeItem = () => {
      throw new Error('storage gone');
    };
    const session = await createClient({ storage }).startSession({ skill: SKILL, tenantUserId: 'u-42' });

    await submitSteps(session, STEPS);

    expect(session.status).toBe('completed');
  });
});
