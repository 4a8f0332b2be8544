import { http, HttpResponse } from 'msw';
import { describe, expect, it, vi } from 'vitest';
import * as z from 'zod/mini';
import { defineSkill, type StandardSchemaV1 } from '../src/index.js';
import {
  BASE_URL,
  MemoryStorage,
  PRODUCT_FORM,
  SKILL,
  STEPS,
  createClient,
  fileOf,
  issuedNonces,
  rejectionOf,
  setupMockApi,
  submitSteps,
} from './helpers.js';

const { api, server } = setupMockApi();

const typed = () =>
  defineSkill(SKILL, {
    steps: { product_form: z.object({ value: z.string() }), kyc_documents: z.object({}), bank_redirect: z.object({}), confirm: z.object({}) },
    uploads: { kyc_documents: { accept: ['image/png'] } },
  });

describe('secrets in errors', () => {
  it('redacts the nonce a request carried even when the server echoes it in its message', async () => {
    const session = await createClient().startSession({ skill: SKILL, tenantUserId: 'u-42' });
    const [nonce] = issuedNonces(api);
    server.use(
      http.post(`${BASE_URL}/sessions/:id/steps`, async ({ request }) => {
        const body = (await request.json()) as { nonce: string };
        return HttpResponse.json({ id: 'e-1', type: 'invalid_request', http: 400, code: 'invalid_field', message: `bad nonce ${body.nonce}` }, { status: 400 });
      }),
    );
    const error = await rejectionOf(session.submitStep('product_form', PRODUCT_FORM));
    expect(nonce).toBeTruthy();
    expect(error.message).not.toContain(nonce!);
    expect(error.message).toContain('[redacted]');
  });
});

describe('expiry while a call is out', () => {
  it('does not send a retry after a Retry-After wait outlived the nonce: nonce_expired, nothing more sent', async () => {
    const client = createClient({ nonceTtlMs: 300 });
    const session = await client.startSession({ skill: SKILL, tenantUserId: 'u-42' });
    api.inject({ kind: 'status', status: 503, retryAfter: 1, endpoint: 'steps' });
    const error = await rejectionOf(session.submitStep('product_form', PRODUCT_FORM));
    expect(error.code).toBe('nonce_expired');
    expect(session.status).toBe('expired');
    expect(api.requests.filter((r) => r.endpoint === 'steps')).toHaveLength(1);
  });

  it('lets the last step complete when the clock passes the expiry while it is in flight: completed, never expired', async () => {
    let now = 1_000;
    const onTempToken = vi.fn();
    const client = createClient({ nonceTtlMs: 50, now: () => now, onTempToken });
    const events: string[] = [];
    client.on('*', (type) => events.push(type));
    const session = await client.startSession({ skill: SKILL, tenantUserId: 'u-42' });
    await submitSteps(session, STEPS.slice(0, 3));
    api.inject({ kind: 'delay', ms: 200, endpoint: 'steps', step: 'confirm' });
    const last = session.submitStep('confirm', {});
    await vi.waitFor(() => expect(api.requests.at(-1)?.step).toBe('confirm'));
    now += 60; // the SDK's clock says the nonce died while the server works on it
    await new Promise((r) => setTimeout(r, 80)); // the expiry timer fires meanwhile
    await expect(last).resolves.toMatchObject({ completed: true });
    expect(session.status).toBe('completed');
    expect(events).not.toContain('session:expired');
    expect(onTempToken).toHaveBeenCalledTimes(1);
  });
});

describe('two sessions on one client', () => {
  it('only the newest session writes storage, so an older one finishing never erases it', async () => {
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

describe('abort while waiting for a turn', () => {
  it('rejects at once with aborted, without waiting for the call ahead of it', async () => {
    const session = await createClient().startSession({ skill: SKILL, tenantUserId: 'u-42' });
    api.inject({ kind: 'delay', ms: 300, endpoint: 'steps' });
    let firstSettled = false;
    const first = session.submitStep('product_form', PRODUCT_FORM).finally(() => (firstSettled = true));
    const controller = new AbortController();
    const second = session.submitStep('kyc_documents', {}, { signal: controller.signal });
    controller.abort();
    const error = await rejectionOf(second);
    expect(error.code).toBe('aborted');
    expect(firstSettled).toBe(false);
    await first;
    await expect(session.submitStep('kyc_documents', {})).resolves.toMatchObject({ completed: false });
  });
});

describe('failures that are not network failures', () => {
  it('reports a schema that throws as validation_error, nothing sent', async () => {
    const throwing: StandardSchemaV1<Record<string, unknown>> = {
      '~standard': { version: 1, vendor: 'test', validate: () => { throw new TypeError('schema bug'); } },
    };
    const skill = defineSkill(SKILL, { steps: { product_form: throwing, kyc_documents: z.object({}), bank_redirect: z.object({}), confirm: z.object({}) } });
    const session = await createClient().startSession({ skill, tenantUserId: 'u-42' });
    const sent = api.requests.length;
    const error = await rejectionOf(session.submitStep('product_form', {}));
    expect(error.code).toBe('validation_error');
    expect(api.requests.length).toBe(sent);
  });

  it('reports a prepare step that throws as validation_error, nothing sent', async () => {
    const skill = defineSkill(SKILL, {
      steps: { product_form: z.object({}), kyc_documents: z.object({}), bank_redirect: z.object({}), confirm: z.object({}) },
      uploads: { kyc_documents: { prepare: () => { throw new TypeError('canvas exploded'); } } },
    });
    const session = await createClient().startSession({ skill, tenantUserId: 'u-42' });
    await submitSteps(session, ['product_form', 'kyc_documents']);
    const error = await rejectionOf(session.upload(fileOf(10)));
    expect(error.code).toBe('validation_error');
    expect(api.requests.filter((r) => r.endpoint === 'upload')).toHaveLength(0);
  });

  it('keeps working when the logger throws, and refuses a logger without debug()', async () => {
    const logger = { debug: () => { throw new Error('log sink down'); } };
    const session = await createClient({ logger }).startSession({ skill: SKILL, tenantUserId: 'u-42' });
    await expect(session.submitStep('product_form', PRODUCT_FORM)).resolves.toMatchObject({ completed: false });
    expect(() => createClient({ logger: {} as never })).toThrow(expect.objectContaining({ code: 'invalid_config' }));
  });

  it("refuses uploadTransport 'xhr' where there is no XMLHttpRequest, before sending", async () => {
    const session = await createClient({ uploadTransport: 'xhr' }).startSession({ skill: SKILL, tenantUserId: 'u-42' });
    await submitSteps(session, ['product_form', 'kyc_documents']);
    const error = await rejectionOf(session.upload(fileOf(10)));
    expect(error.code).toBe('invalid_state');
    expect(api.requests.filter((r) => r.endpoint === 'upload')).toHaveLength(0);
  });
});

describe('typed upload rules after a resume', () => {
  it('still applies the step rules to an upload after the page reloaded', async () => {
    const storage = new MemoryStorage();
    const session = await createClient({ storage }).startSession({ skill: typed(), tenantUserId: 'u-42' });
    await session.submitStep('product_form', { value: '1' });
    const docs = await session.submitStep('kyc_documents', {});
    const resumed = await createClient({ storage }).resumeSession({ skill: typed() });
    const error = await rejectionOf(resumed!.upload(fileOf(10, 'a.txt', 'text/plain'), { stepId: docs.stepId }));
    expect(error.code).toBe('validation_error');
    await expect(resumed!.upload(fileOf(10, 'a.png', 'image/png'), { stepId: docs.stepId })).resolves.toMatchObject({ fileName: 'a.png' });
  });

  it('refuses an upload to a step id a typed session never submitted', async () => {
    const session = await createClient().startSession({ skill: typed(), tenantUserId: 'u-42' });
    await session.submitStep('product_form', { value: '1' });
    const error = await rejectionOf(session.upload(fileOf(10, 'a.png', 'image/png'), { stepId: 'not-a-step' }));
    expect(error.code).toBe('invalid_state');
  });

  it('does not hand back the live session for another skill', async () => {
    const client = createClient({ storage: new MemoryStorage() });
    await client.startSession({ skill: 'single_step_#1.0', tenantUserId: 'u-42' });
    await expect(client.resumeSession({ skill: typed() })).resolves.toBeNull();
  });
});

describe('handoff edge cases', () => {
  it('delivers once when onTempToken itself calls retryHandoff(): the call joins the delivery in progress', async () => {
    let session: Awaited<ReturnType<ReturnType<typeof createClient>['startSession']>> | undefined;
    let joined: Promise<void> | undefined;
    const onTempToken = vi.fn(() => {
      joined = session!.retryHandoff();
    });
    session = await createClient({ onTempToken }).startSession({ skill: SKILL, tenantUserId: 'u-42' });
    await submitSteps(session, STEPS);
    await expect(joined).resolves.toBeUndefined();
    expect(onTempToken).toHaveBeenCalledTimes(1);
    expect(session.handoffPending).toBe(false);
  });
});

describe('validation issues', () => {
  it('cut the offending value out of a schema message that quotes it', async () => {
    const quoting: StandardSchemaV1<Record<string, unknown>> = {
      '~standard': {
        version: 1,
        vendor: 'test',
        validate: (v) => ({ issues: [{ message: `Invalid IBAN: Received "${(v as { iban: string }).iban}"`, path: ['iban'] }] }),
      },
    };
    const skill = defineSkill(SKILL, { steps: { product_form: quoting, kyc_documents: z.object({}), bank_redirect: z.object({}), confirm: z.object({}) } });
    const session = await createClient().startSession({ skill, tenantUserId: 'u-42' });
    const error = await rejectionOf(session.submitStep('product_form', { iban: 'RO49AAAA1B31007593840000' }));
    expect(error.issues?.[0]?.message).toBe('Invalid IBAN: Received "[value]"');
    expect(JSON.stringify(error)).not.toContain('RO49AAAA1B31007593840000');
  });
});
