import { describe, expect, it } from 'vitest';
import {
  CLIENT_ID,
  PRODUCT_FORM,
  SKILL,
  bytesOf,
  createClient,
  fileOf,
  nonceRequests,
  recordedFile,
  rejectionOf,
  setupMockApi,
  submitSteps,
} from './helpers.js';

const { api, use } = setupMockApi();

async function sessionAtKyc(client = createClient()) {
  const session = await client.startSession({ skill: SKILL, tenantUserId: 'u-42' });
  const product = await session.submitStep('product_form', PRODUCT_FORM);
  const kyc = await session.submitStep('kyc_documents', {});
  return { session, product, kyc };
}

describe('upload', () => {
  it('sends multipart client_id, the current nonce and the file with its name, MIME type and bytes intact', async () => {
    const { session, kyc } = await sessionAtKyc();
    const file = fileOf(300_000, 'passport scan (1).pdf', 'application/pdf');
    const nonce = (api.requests.at(-1)!.responseBody as { nonce: string }).nonce;

    const result = await session.upload(file);

    const request = api.requests.at(-1)!;
    expect(request.url).toBe(`https://api.example.com/v1/steps/${kyc.stepId}/upload`);
    expect(request.body).toMatchObject({ client_id: CLIENT_ID, nonce });
    const received = recordedFile(request);
    expect(received).toMatchObject({ name: 'passport scan (1).pdf', type: 'application/pdf', size: 300_000 });
    expect(await bytesOf(received.blob)).toEqual(await bytesOf(file));
    expect(result).toEqual({ stepId: kyc.stepId, status: 'UPLOAD_RECEIVED', fileName: 'passport scan (1).pdf', size: 300_000, type: 'application/pdf' });
  });

  it('keeps the bytes of a multi-megabyte file intact', async () => {
    const { session } = await sessionAtKyc();
    const file = fileOf(5 * 1024 * 1024 + 3, 'big.png', 'image/png');

    await session.upload(file);

    expect(await bytesOf(recordedFile(api.requests.at(-1)).blob)).toEqual(await bytesOf(file));
  });

  it('defaults stepId to the last submitted step', async () => {
    const { session, kyc } = await sessionAtKyc();

    await session.upload(fileOf(10));

    expect(api.requests.at(-1)!.stepId).toBe(kyc.stepId);
    expect(api.sessions[0]!.uploads[0]!.stepId).toBe(kyc.stepId);
  });

  it('uploads to an explicit stepId, and reports the API invalid_step for an earlier, finished step', async () => {
    const { session, product, kyc } = await sessionAtKyc();

    const result = await session.upload(fileOf(10), { stepId: kyc.stepId });
    const error = await rejectionOf(session.upload(fileOf(10), { stepId: product.stepId }));

    expect(result.stepId).toBe(kyc.stepId);
    expect(api.requests.at(-1)!.stepId).toBe(product.stepId);
    expect(error).toMatchObject({ code: 'invalid_step', status: 400 });
    expect(api.sessions[0]!.uploads.map((u) => u.stepId)).toEqual([kyc.stepId]);
  });

  it('uses fileName over the file name, and defaults a Blob to "upload" as application/octet-stream', async () => {
    const { session } = await sessionAtKyc();

    await session.upload(fileOf(10, 'a.jpg'), { fileName: 'renamed.jpg' });
    await session.upload(new Blob([new Uint8Array([1, 2, 3])]));

    expect(recordedFile(api.requests.at(-2))).toMatchObject({ name: 'renamed.jpg', type: 'image/jpeg' });
    expect(recordedFile(api.requests.at(-1))).toMatchObject({ name: 'upload', type: 'application/octet-stream', size: 3 });
  });

  it('takes the fresh nonce of an upload answer for the next call', async () => {
    const { session } = await sessionAtKyc();
    await session.upload(fileOf(10));
    await session.submitStep('bank_redirect', {});

    const [, , upload, next] = nonceRequests(api);
    expect(next!.nonce).toBe((upload!.responseBody as { nonce: string }).nonce);
    expect(next!.nonce).not.toBe(upload!.nonce);
  });

  it('keeps the current nonce when the upload answer carries none', async () => {
    const kit = use({ uploadRotatesNonce: false });
    const { session } = await sessionAtKyc();

    await session.upload(fileOf(10, 'a.jpg'));
    await session.upload(fileOf(20, 'b.jpg'));
    await submitSteps(session, ['bank_redirect', 'confirm']);

    const [, kyc, first, second, redirect] = kit.requests.filter((r) => r.endpoint !== 'sessions');
    expect(first!.responseBody).not.toHaveProperty('nonce');
    expect(first!.nonce).toBe((kyc!.responseBody as { nonce: string }).nonce);
    expect(second!.nonce).toBe(first!.nonce);
    expect(redirect!.nonce).toBe(first!.nonce);
    expect(session.status).toBe('completed');
  });

  it('reports the final progress { loaded: total, total } where no real progress exists', async () => {
    const { session } = await sessionAtKyc();
    const progress: { loaded: number; total: number }[] = [];

    await session.upload(fileOf(4096), { onProgress: (p) => progress.push(p) });

    expect(progress.length).toBeGreaterThanOrEqual(1);
    expect(progress.at(-1)).toEqual({ loaded: 4096, total: 4096 });
  });

  it('does not report a received upload as failed when the onProgress callback throws', async () => {
    const { session } = await sessionAtKyc();

    const outcome = await session
      .upload(fileOf(10), {
        onProgress: () => {
          throw new Error('progress bar unmounted');
        },
      })
      .then(
        (result) => result.status,
        (error: { code: string }) => `rejected with ${error.code}`,
      );

    expect(api.sessions[0]!.uploads).toHaveLength(1);
    expect(outcome).toBe('UPLOAD_RECEIVED');
  });

  it('rejects with invalid_state and sends nothing when no step was submitted yet', async () => {
    const session = await createClient().startSession({ skill: SKILL, tenantUserId: 'u-42' });

    const error = await rejectionOf(session.upload(fileOf(10)));

    expect(error.code).toBe('invalid_state');
    expect(api.requests).toHaveLength(1);
    expect(session.status).toBe('active');
  });

  it('rejects something that is not a Blob with validation_error and sends nothing', async () => {
    const { session } = await sessionAtKyc();
    const sent = api.requests.length;

    const error = await rejectionOf(session.upload('not a file' as unknown as Blob));

    expect(error.code).toBe('validation_error');
    expect(api.requests).toHaveLength(sent);
  });

  it('reports an unknown step id with the API code and keeps the session usable', async () => {
    const { session } = await sessionAtKyc();

    const error = await rejectionOf(session.upload(fileOf(10), { stepId: 'no-such-step' }));

    expect(error).toMatchObject({ code: 'invalid_step', status: 404 });
    await expect(session.upload(fileOf(10))).resolves.toMatchObject({ status: 'UPLOAD_RECEIVED' });
  });
});
