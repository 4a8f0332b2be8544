/**
 * The integrator-facing suite, shared by one test file per environment
 * (node.test.ts, happy-dom.test.ts, jsdom.test.ts): SDK uploads against the
 * kit over both transports, and the kit driven by hand as an integrator's own
 * code would drive it. Each file sets its vitest environment with a
 * `// @vitest-environment` comment; everything here uses the environment's
 * globals (its File, Blob, FormData, XMLHttpRequest, fetch) as an
 * integrator's test would.
 */
import { describe, expect, it } from 'vitest';
import { formDataSendable } from '../../src/internal/named-file.js';
import {
  BASE_URL,
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
} from '../helpers.js';

export interface DomEnvironment {
  /** The vitest environment the calling file runs in. */
  name: 'node' | 'happy-dom' | 'jsdom';
  /**
   * Whether the runtime's fetch classes serialise its FormData, so the SDK
   * streams the file; where not (jsdom), the SDK writes the multipart bytes.
   */
  streams: boolean;
}

type Transport = 'xhr' | 'fetch';

/** The upload answer a session reaches `kyc_documents` for, with the client it used. */
async function sessionAtKyc(uploadTransport: Transport) {
  const session = await createClient({ uploadTransport }).startSession({ skill: SKILL, tenantUserId: 'u-42' });
  await session.submitStep('product_form', PRODUCT_FORM);
  const kyc = await session.submitStep('kyc_documents', {});
  return { session, kyc };
}

export function uploadScenarios(env: DomEnvironment): void {
  describe(`SDK uploads to the kit under ${env.name}`, () => {
    const { api } = setupMockApi();

    it(`${env.streams ? 'streams the FormData' : 'writes the multipart bytes itself'}: the runtime's fetch classes ${env.streams ? 'can' : 'cannot'} serialise its FormData`, async () => {
      expect(await formDataSendable()).toBe(env.streams);
    });

    const transports: Transport[] = typeof XMLHttpRequest === 'function' ? ['xhr', 'fetch'] : ['fetch'];
    describe.each(transports)("uploadTransport '%s'", (transport) => {
      it('delivers a 5,000-byte file intact: the kit records exactly those bytes, its name and its type', async () => {
        const { session, kyc } = await sessionAtKyc(transport);
        const file = fileOf(5_000, 'passport.jpg', 'image/jpeg');
        const nonce = (api.requests.at(-1)!.responseBody as { nonce: string }).nonce;

        const result = await session.upload(file);

        const request = api.requests.at(-1)!;
        expect(request.responseStatus).toBe(200);
        expect(request.body).toMatchObject({ client_id: CLIENT_ID, nonce });
        const received = recordedFile(request);
        expect(received).toMatchObject({ name: 'passport.jpg', type: 'image/jpeg', size: 5_000 });
        expect(await bytesOf(received.blob)).toEqual(await bytesOf(file));
        expect(api.sessions[0]!.uploads).toMatchObject([{ stepId: kyc.stepId, name: 'passport.jpg', type: 'image/jpeg', size: 5_000 }]);
        expect(result).toEqual({ stepId: kyc.stepId, status: 'UPLOAD_RECEIVED', fileName: 'passport.jpg', size: 5_000, type: 'image/jpeg' });
      });

      it('keeps a 300 kB file and a non-ASCII name with quotes and spaces intact', async () => {
        const { session } = await sessionAtKyc(transport);
        const name = 'pièce d’identité "recto" (1).pdf';
        const file = fileOf(300_001, name, 'application/pdf');

        await session.upload(file);

        const received = recordedFile(api.requests.at(-1));
        expect(received).toMatchObject({ name, type: 'application/pdf', size: 300_001 });
        expect(await bytesOf(received.blob)).toEqual(await bytesOf(file));
      });

      it('sends a Blob as "upload" (application/octet-stream), and fileName over the file name', async () => {
        const { session } = await sessionAtKyc(transport);

        await session.upload(new Blob([new Uint8Array([1, 2, 3])]));
        await session.upload(fileOf(10, 'a.jpg'), { fileName: 'renamed.jpg' });

        expect(recordedFile(api.requests.at(-2))).toMatchObject({ name: 'upload', type: 'application/octet-stream', size: 3 });
        expect(recordedFile(api.requests.at(-1))).toMatchObject({ name: 'renamed.jpg', type: 'image/jpeg', size: 10 });
      });

      it('continues the nonce chain: the next step spends the nonce the upload answered', async () => {
        const { session } = await sessionAtKyc(transport);

        await session.upload(fileOf(10));
        await session.submitStep('bank_redirect', {});

        const [, , upload, next] = nonceRequests(api);
        expect(next!.responseStatus).toBe(200);
        expect(next!.nonce).toBe((upload!.responseBody as { nonce: string }).nonce);
      });

      it('retries after a 503 with Retry-After with a fresh body, the bytes intact', async () => {
        const { session } = await sessionAtKyc(transport);
        api.inject({ kind: 'status', status: 503, retryAfter: 0, endpoint: 'upload' });
        const file = fileOf(5_000, 'scan.pdf', 'application/pdf');

        await session.upload(file);

        const [, , limited, retried] = nonceRequests(api);
        expect([limited!.responseStatus, retried!.responseStatus]).toEqual([503, 200]);
        expect(await bytesOf(recordedFile(retried).blob)).toEqual(await bytesOf(file));
      });

      it('ends with the progress report { loaded: total, total }', async () => {
        const { session } = await sessionAtKyc(transport);
        const progress: { loaded: number; total: number }[] = [];

        await session.upload(fileOf(5_000), { onProgress: (p) => progress.push(p) });

        expect(progress.at(-1)).toEqual({ loaded: 5_000, total: 5_000 });
        expect(progress.every((p) => p.total === 5_000)).toBe(true);
      });

      if (!env.streams) {
        it('rejects with a clear validation_error, spending no nonce and sending nothing, when the file cannot be read in full', async () => {
          const { session } = await sessionAtKyc(transport);
          const file = fileOf(5_000, 'passport.jpg', 'image/jpeg');
          // A test DOM's Blob that reads short (as one turned into an empty Blob would).
          Object.defineProperty(file, 'arrayBuffer', { value: async () => new ArrayBuffer(0) });
          const sent = api.requests.length;

          const error = await rejectionOf(session.upload(file));

          expect(error.code).toBe('validation_error');
          expect(error.message).toContain("Read 0 of the file's 5000 bytes");
          expect(error.message).toContain('happy-dom');
          expect(api.requests).toHaveLength(sent);
          await session.upload(fileOf(10));
          expect(api.requests.at(-1)!.responseStatus).toBe(200);
        });
      }
    });

    if (typeof XMLHttpRequest !== 'function') {
      it("rejects uploadTransport 'xhr' with invalid_state: this runtime has no XMLHttpRequest", async () => {
        const { session } = await sessionAtKyc('xhr');
        expect((await rejectionOf(session.upload(fileOf(10)))).code).toBe('invalid_state');
      });
    }
  });
}

/** One part of a multipart body the test writes by hand. */
interface HandPart {
  name: string;
  value: string | Uint8Array;
  fileName?: string;
  type?: string;
}

/** A multipart/form-data body written byte by byte: nothing of the runtime's can alter it. */
export function multipart(parts: HandPart[], { close = true } = {}): { body: Uint8Array<ArrayBuffer>; contentType: string } {
  const boundary = 'dom-scenarios-boundary-7f3a';
  const encoder = new TextEncoder();
  const chunks: Uint8Array[] = [];
  for (const part of parts) {
    const file = part.fileName !== undefined ? `; filename="${part.fileName}"\r\nContent-Type: ${part.type ?? 'application/octet-stream'}` : '';
    chunks.push(encoder.encode(`--${boundary}\r\nContent-Disposition: form-data; name="${part.name}"${file}\r\n\r\n`));
    chunks.push(typeof part.value === 'string' ? encoder.encode(part.value) : part.value);
    chunks.push(encoder.encode('\r\n'));
  }
  if (close) chunks.push(encoder.encode(`--${boundary}--\r\n`));
  const body = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const chunk of chunks) {
    body.set(chunk, at);
    at += chunk.length;
  }
  return { body, contentType: `multipart/form-data; boundary=${boundary}` };
}

export function kitScenarios(env: DomEnvironment): void {
  describe(`the kit under ${env.name}`, () => {
    const { api } = setupMockApi();

    /** A session at `kyc_documents` driven by the SDK; the test then uploads by hand with the nonce to spend. */
    async function handUploadTarget() {
      const { session, kyc } = await sessionAtKyc('fetch');
      const nonce = (api.requests.at(-1)!.responseBody as { nonce: string }).nonce;
      return { session, url: `${BASE_URL}/steps/${kyc.stepId}/upload`, nonce };
    }

    async function postBytes(url: string, { body, contentType }: { body: Uint8Array<ArrayBuffer>; contentType: string }) {
      const response = await fetch(url, { method: 'POST', headers: { 'content-type': contentType }, body });
      return { status: response.status, body: (await response.json()) as { code: string; message: string } };
    }

    const fields = (nonce: string): HandPart[] => [
      { name: 'client_id', value: CLIENT_ID },
      { name: 'nonce', value: nonce },
    ];

    it('parses a multipart body itself and records the exact bytes of the file part', async () => {
      const { url, nonce } = await handUploadTarget();
      const bytes = await bytesOf(fileOf(5_000));
      // Bytes that look like framing must not end the part early.
      bytes.set(new TextEncoder().encode('\r\n--dom-scenarios-boundary-7f3'), 100);

      const answer = await postBytes(url, multipart([...fields(nonce), { name: 'file', value: bytes, fileName: 'id.jpg', type: 'image/jpeg' }]));

      expect(answer.status).toBe(200);
      const received = recordedFile(api.requests.at(-1));
      expect(received).toMatchObject({ name: 'id.jpg', type: 'image/jpeg', size: 5_000 });
      expect(await bytesOf(received.blob)).toEqual(bytes);
    });

    if (typeof XMLHttpRequest === 'function') {
      it("accepts a FormData the app builds with the environment's own File, sent with its XMLHttpRequest", async () => {
        const { url, nonce } = await handUploadTarget();
        const file = fileOf(5_000, 'selfie.png', 'image/png');
        const form = new FormData();
        form.append('client_id', CLIENT_ID);
        form.append('nonce', nonce);
        form.append('file', file);

        const status = await new Promise<number>((resolve, reject) => {
          const xhr = new XMLHttpRequest();
          xhr.open('POST', url);
          xhr.onload = () => resolve(xhr.status);
          xhr.onerror = () => reject(new Error('XHR failed'));
          xhr.send(form);
        });

        expect(status).toBe(200);
        const received = recordedFile(api.requests.at(-1));
        expect(received).toMatchObject({ name: 'selfie.png', type: 'image/png', size: 5_000 });
        expect(await bytesOf(received.blob)).toEqual(await bytesOf(file));
      });
    }

    it('refuses a file part that arrived as the text "undefined" with a 400 naming the likely cause, and accepts nothing', async () => {
      const { url, nonce } = await handUploadTarget();

      const answer = await postBytes(url, multipart([...fields(nonce), { name: 'file', value: 'undefined' }]));

      expect(answer.status).toBe(400);
      expect(answer.body.code).toBe('invalid_field');
      expect(answer.body.message).toContain('arrived as the text "undefined"');
      expect(answer.body.message).toContain('under jsdom');
      expect(api.sessions[0]!.uploads).toEqual([]);
      expect(api.requests.at(-1)!.body).toMatchObject({ client_id: CLIENT_ID, nonce, file: 'undefined' });
    });

    it('refuses the 9-byte part named "blob" holding "undefined" (the jsdom + vitest conversion) with a 400 naming it', async () => {
      const { url, nonce } = await handUploadTarget();

      const answer = await postBytes(url, multipart([...fields(nonce), { name: 'file', value: 'undefined', fileName: 'blob', type: 'image/jpeg' }]));

      expect(answer.status).toBe(400);
      expect(answer.body.code).toBe('invalid_field');
      expect(answer.body.message).toContain('holding the 9 bytes "undefined"');
      expect(answer.body.message).toContain('vitest');
      expect(api.sessions[0]!.uploads).toEqual([]);
      expect(recordedFile(api.requests.at(-1))).toMatchObject({ name: 'blob', size: 9 });
    });

    it('refuses a file part named "blob" (a lost file name) and an empty file part', async () => {
      const { url, nonce } = await handUploadTarget();

      const blob = await postBytes(url, multipart([...fields(nonce), { name: 'file', value: new Uint8Array(50).fill(7), fileName: 'blob' }]));
      const empty = await postBytes(url, multipart([...fields(nonce), { name: 'file', value: '', fileName: 'id.jpg', type: 'image/jpeg' }]));

      expect([blob.status, blob.body.code]).toEqual([400, 'invalid_field']);
      expect(blob.body.message).toContain('named "blob"');
      expect([empty.status, empty.body.code]).toEqual([400, 'invalid_field']);
      expect(empty.body.message).toContain('arrived empty (0 bytes)');
      expect(api.sessions[0]!.uploads).toEqual([]);
    });

    it('refuses a multipart body cut before its closing boundary with 400 missing_fields', async () => {
      const { url, nonce } = await handUploadTarget();

      const answer = await postBytes(url, multipart([...fields(nonce), { name: 'file', value: new Uint8Array(5_000), fileName: 'id.jpg' }], { close: false }));

      expect([answer.status, answer.body.code]).toEqual([400, 'missing_fields']);
      expect(answer.body.message).toContain('does not end with its closing boundary');
    });

    it('keeps the nonce valid after a refused upload: the SDK upload that follows is accepted', async () => {
      const { session, url, nonce } = await handUploadTarget();
      await postBytes(url, multipart([...fields(nonce), { name: 'file', value: 'undefined' }]));

      await session.upload(fileOf(5_000, 'passport.jpg', 'image/jpeg'));

      expect(api.sessions[0]!.uploads).toMatchObject([{ name: 'passport.jpg', size: 5_000 }]);
    });
  });
}
