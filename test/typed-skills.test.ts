// Runtime behaviour of typed skills; what they do at compile time is in typed-skills.test-d.ts.
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import * as z from 'zod/mini';
import { OnboardingClient, defineSkill, isOnboardingError, prepareImage, type StandardSchemaV1 } from '../src/index.js';
import { createMockOnboardingApi } from '../src/testing/index.js';

const baseUrl = 'https://api.typed.test/v1';
const kyc = defineSkill('xyz_sbx_#3.0', {
  steps: {
    product_form: z.object({ value: z.string(), currency: z.enum(['EUR', 'RON']), period: z.string() }),
    kyc_documents: z.object({}),
    confirm: z.object({ accept: z.literal(true) }),
  },
  uploads: { kyc_documents: { accept: ['image/jpeg', 'image/png', 'application/pdf'], maxBytes: 1000 } },
});

const api = createMockOnboardingApi({
  baseUrl,
  skills: { [kyc.name]: { steps: kyc.stepNames, uploads: Object.keys(kyc.uploads) }, plain_skill: { steps: ['one', 'two'], uploads: ['one'] } },
  clientId: 'c',
  clientAppKey: 'app-key-typed',
});
const server = setupServer(...api.handlers);
beforeAll(() => server.listen({ onUnhandledFrame: 'error' }));
afterEach(() => api.reset());
afterAll(() => server.close());

const client = (onTempToken = vi.fn()) =>
  new OnboardingClient({ baseUrl, clientId: 'c', clientAppKey: 'app-key-typed', onTempToken });

const stepRequests = () => api.requests.filter((r) => r.endpoint === 'steps' || r.endpoint === 'upload');

describe('defineSkill', () => {
  it('keeps the steps in declaration order', () => {
    expect(kyc.stepNames).toEqual(['product_form', 'kyc_documents', 'confirm']);
    expect(kyc.name).toBe('xyz_sbx_#3.0');
  });

  it('accepts any step name with any object on a plain-string skill, and knows no total', async () => {
    const session = await client().startSession({ skill: 'plain_skill', tenantUserId: 'u-42' });

    const r = await session.submitStep('one', { whatever: 1 });

    expect(r.completed).toBe(false);
    expect(session.totalSteps).toBeUndefined();
  });
});

describe('validation before sending', () => {
  it('rejects invalid data with validation_error, sends nothing and keeps the nonce for the corrected data', async () => {
    const session = await client().startSession({ skill: kyc, tenantUserId: 'u-42' });
    const sent = api.requests.length;
    const error = await session
      .submitStep('product_form', { value: '100000', currency: 'USD' as 'EUR', period: '12' })
      .catch((e: unknown) => e);
    expect(isOnboardingError(error) && error.code).toBe('validation_error');
    expect(isOnboardingError(error) && error.issues?.[0]?.path).toEqual(['currency']);
    expect(JSON.stringify(error)).not.toContain('USD');
    expect(api.requests.length).toBe(sent);

    const ok = await session.submitStep('product_form', { value: '100000', currency: 'EUR', period: '12' });
    expect(ok.completed).toBe(false);
    const [create, step] = api.requests;
    expect(step?.nonce).toBe((create?.responseBody as { nonce: string }).nonce);
  });

  it('cuts the offending value out of a schema message that quotes it', async () => {
    const quoting: StandardSchemaV1<Record<string, unknown>> = {
      '~standard': {
        version: 1,
        vendor: 'test',
        validate: (v) => ({ issues: [{ message: `Invalid IBAN: Received "${(v as { iban: string }).iban}"`, path: ['iban'] }] }),
      },
    };
    const skill = defineSkill('plain_skill', { steps: { one: quoting, two: z.object({}) } });
    const session = await client().startSession({ skill, tenantUserId: 'u-42' });

    const error = await session.submitStep('one', { iban: 'RO49AAAA1B31007593840000' }).catch((e: unknown) => e);

    expect(isOnboardingError(error) && error.issues?.[0]?.message).toBe('Invalid IBAN: Received "[value]"');
    expect(JSON.stringify(error)).not.toContain('RO49AAAA1B31007593840000');
  });

  it('reports a schema that throws as validation_error and sends nothing', async () => {
    const throwing: StandardSchemaV1<Record<string, unknown>> = {
      '~standard': { version: 1, vendor: 'test', validate: () => { throw new TypeError('schema bug'); } },
    };
    const skill = defineSkill('plain_skill', { steps: { one: throwing, two: z.object({}) } });
    const session = await client().startSession({ skill, tenantUserId: 'u-42' });
    const sent = api.requests.length;

    await expect(session.submitStep('one', {})).rejects.toMatchObject({ code: 'validation_error' });
    expect(api.requests.length).toBe(sent);
  });

  it('runs async schemas', async () => {
    const asyncSkill = defineSkill('plain_skill', {
      steps: {
        one: z.object({ code: z.string() }).check(z.refine(async (v) => v.code === 'ok', 'code must be ok')),
        two: z.object({}),
      },
    });
    const session = await client().startSession({ skill: asyncSkill, tenantUserId: 'u-42' });
    await expect(session.submitStep('one', { code: 'bad' })).rejects.toMatchObject({ code: 'validation_error' });
    await expect(session.submitStep('one', { code: 'ok' })).resolves.toMatchObject({ completed: false });
  });

  it('refuses a step out of the defined order without sending it', async () => {
    const session = await client().startSession({ skill: kyc, tenantUserId: 'u-42' });
    const sent = api.requests.length;
    await expect(session.submitStep('confirm', { accept: true })).rejects.toMatchObject({ code: 'step_out_of_order' });
    expect(api.requests.length).toBe(sent);
    expect(session.currentStep).toBe('product_form');
  });

  it('refuses a file of a disallowed type or over maxBytes before any byte is sent', async () => {
    const session = await client().startSession({ skill: kyc, tenantUserId: 'u-42' });
    await session.submitStep('product_form', { value: '1', currency: 'EUR', period: '12' });
    await session.submitStep('kyc_documents', {});
    const before = stepRequests().length;
    const gif = new File([new Uint8Array(10)], 'a.gif', { type: 'image/gif' });
    const big = new File([new Uint8Array(1001)], 'big.jpg', { type: 'image/jpeg' });
    await expect(session.upload(gif)).rejects.toMatchObject({ code: 'validation_error' });
    await expect(session.upload(big)).rejects.toMatchObject({ code: 'validation_error' });
    expect(stepRequests().length).toBe(before);
    await expect(session.upload(new File([new Uint8Array(1000)], 'ok.pdf', { type: 'application/pdf' }))).resolves.toMatchObject({
      fileName: 'ok.pdf',
    });
  });

  it('refuses an upload to a step id the session never submitted', async () => {
    const session = await client().startSession({ skill: kyc, tenantUserId: 'u-42' });
    await session.submitStep('product_form', { value: '1', currency: 'EUR', period: '12' });
    const before = stepRequests().length;

    await expect(session.upload(new File([new Uint8Array(10)], 'a.png', { type: 'image/png' }), { stepId: 'not-a-step' })).rejects.toMatchObject({
      code: 'invalid_state',
    });
    expect(stepRequests().length).toBe(before);
  });
});

describe('upload preparation', () => {
  it('sends what `prepare` produced and checks maxBytes on it, keeping the file name', async () => {
    const skill = defineSkill('plain_skill', {
      steps: { one: z.object({}), two: z.object({}) },
      uploads: { one: { accept: ['image/*'], maxBytes: 10, prepare: async (f) => new Blob([await f.slice(0, 4).arrayBuffer()], { type: f.type }) } },
    });
    const session = await client().startSession({ skill, tenantUserId: 'u-42' });
    await session.submitStep('one', {});
    const result = await session.upload(new File([new Uint8Array(50)], 'photo.png', { type: 'image/png' }));
    expect(result).toMatchObject({ fileName: 'photo.png', size: 4, type: 'image/png' });
    const sent = api.requests.find((r) => r.endpoint === 'upload')?.body as { file: { size: number; name: string } };
    expect(sent.file).toMatchObject({ size: 4, name: 'photo.png' });
  });

  it('reports a prepare step that throws as validation_error and sends nothing', async () => {
    const skill = defineSkill('plain_skill', {
      steps: { one: z.object({}), two: z.object({}) },
      uploads: { one: { prepare: () => { throw new TypeError('canvas exploded'); } } },
    });
    const session = await client().startSession({ skill, tenantUserId: 'u-42' });
    await session.submitStep('one', {});

    await expect(session.upload(new File([new Uint8Array(10)], 'photo.png', { type: 'image/png' }))).rejects.toMatchObject({ code: 'validation_error' });
    expect(api.requests.filter((r) => r.endpoint === 'upload')).toHaveLength(0);
  });

  it('prepareImage returns the original where the runtime cannot decode images (Node, SSR)', async () => {
    const photo = new File([new Uint8Array([0xff, 0xd8, 0xff, 0xd9])], 'a.jpg', { type: 'image/jpeg' });
    await expect(prepareImage(photo)).resolves.toBe(photo);
  });
});

describe('defineSkill input', () => {
  it('refuses an empty name, no steps, or a step without a Standard Schema', () => {
    expect(() => defineSkill('', { steps: { a: z.object({}) } })).toThrow(expect.objectContaining({ code: 'invalid_config' }));
    expect(() => defineSkill('s', { steps: {} })).toThrow(expect.objectContaining({ code: 'invalid_config' }));
    expect(() => defineSkill('s', { steps: { a: {} as never } })).toThrow(expect.objectContaining({ code: 'invalid_config' }));
  });
});

describe('where the flow stands', () => {
  it('reports the current step, its index and the total, and step:submitted carries index and total', async () => {
    const onTempToken = vi.fn();
    const c = client(onTempToken);
    const events: Array<{ step: string; index: number; total: number | undefined }> = [];
    c.on('step:submitted', ({ step, index, total }) => events.push({ step, index, total }));
    const session = await c.startSession({ skill: kyc, tenantUserId: 'u-42' });
    expect([session.currentStep, session.stepIndex, session.totalSteps]).toEqual(['product_form', 0, 3]);
    await session.submitStep('product_form', { value: '1', currency: 'RON', period: '6' });
    expect([session.currentStep, session.stepIndex]).toEqual(['kyc_documents', 1]);
    await session.submitStep('kyc_documents', {});
    await session.submitStep('confirm', { accept: true });
    expect(session.currentStep).toBeUndefined();
    expect(events).toEqual([
      { step: 'product_form', index: 0, total: 3 },
      { step: 'kyc_documents', index: 1, total: 3 },
      { step: 'confirm', index: 2, total: 3 },
    ]);
    expect(onTempToken).toHaveBeenCalledTimes(1);
  });
});
