// `minFiles`: a step's uploads must be accepted before the flow moves on.
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import * as z from 'zod/mini';
import { OnboardingClient, defineSkill } from '../src/index.js';
import { createMockOnboardingApi } from '../src/testing/index.js';
import { MemoryStorage, fileOf } from './helpers.js';

const baseUrl = 'https://api.required.test/v1';
const kyc = defineSkill('xyz_kyc_#3.0', {
  steps: { product_form: z.object({}), kyc_documents: z.object({}), confirm: z.object({}) },
  uploads: { kyc_documents: { accept: ['image/jpeg'], minFiles: 2 } },
});
const api = createMockOnboardingApi({
  baseUrl,
  skills: { [kyc.name]: { steps: kyc.stepNames, uploads: ['kyc_documents'] } },
  clientId: 'c',
  clientAppKey: 'app-key-required',
});
const server = setupServer(...api.handlers);
beforeAll(() => server.listen({ onUnhandledFrame: 'error' }));
afterEach(() => api.reset());
afterAll(() => server.close());

const client = (storage?: MemoryStorage) => new OnboardingClient({ baseUrl, clientId: 'c', clientAppKey: 'app-key-required', onTempToken: vi.fn(), storage });

describe('minFiles', () => {
  it('refuses the next step with uploads_missing, sending nothing, until two uploads were accepted; the snapshot counts them', async () => {
    const session = await client().startSession({ skill: kyc, tenantUserId: 'u-42' });
    await session.submitStep('product_form', {});
    await session.submitStep('kyc_documents', {});
    expect(session.getSnapshot()).toMatchObject({ uploads: 0, uploadsRequired: 2 });

    const sent = api.requests.length;
    await expect(session.submitStep('confirm', {})).rejects.toMatchObject({ code: 'uploads_missing', retryable: false });
    await session.upload(fileOf(100, 'passport.jpg'));
    await expect(session.submitStep('confirm', {})).rejects.toMatchObject({ code: 'uploads_missing' });
    expect(api.requests.length).toBe(sent + 1);

    await session.upload(fileOf(100, 'selfie.jpg'));
    expect(session.getSnapshot()).toMatchObject({ uploads: 2, uploadsRequired: 2 });
    expect((await session.submitStep('confirm', {})).completed).toBe(true);
  });

  it('counts the uploads across a resume', async () => {
    const storage = new MemoryStorage();
    const first = await client(storage).startSession({ skill: kyc, tenantUserId: 'u-42' });
    await first.submitStep('product_form', {});
    await first.submitStep('kyc_documents', {});
    await first.upload(fileOf(100, 'passport.jpg'));
    await first.upload(fileOf(100, 'selfie.jpg'));
    first.dispose();
    const resumed = (await client(storage).resumeSession({ skill: kyc }))!;
    expect(resumed.getSnapshot().uploads).toBe(2);
    expect((await resumed.submitStep('confirm', {})).completed).toBe(true);
  });
});
