/**
 * examples/backend: the temp-token endpoint, on a real port, fed by a real SDK
 * flow against the testing kit (msw/node). The page side is the SDK client's
 * `onTempToken` posting to the endpoint, exactly as a front-end would.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { OnboardingClient } from '../../src/index.js';
import { exchangeTempToken } from '../../src/server/index.js';
import { createMockOnboardingApi } from '../../src/testing/index.js';

// The example imports the package by name; vitest.config.ts maps the name to the sources.
// Loaded by path: the example is type-checked by its own tsconfig (examples/backend), whose
// paths map `onboarding-sdk/server` to the sources; the root type check does not follow it.
type BackendModule = {
  TEMP_TOKEN_PATH: string;
  createBackendServer(options: {
    baseUrl: string;
    clientId: string;
    clientSecret: string;
    log?: (message: string, fields?: Record<string, unknown>) => void;
  }): Server & { backend: { credentials: Map<string, Record<string, unknown>> } };
};
const { createBackendServer, TEMP_TOKEN_PATH } = (await import(
  /* @vite-ignore */ fileURLToPath(new URL('../../examples/backend/app.ts', import.meta.url))
)) as BackendModule;

const BASE = 'https://api.example.com/v1';
const SKILL = 'xyz_kyc_sbx_#3.0';
const STEPS = ['product_form', 'personal_data', 'kyc_documents', 'confirm'];
const CREDS = { clientId: 'backend-client', clientAppKey: 'backend-app-key', clientSecret: 'secret_backend_only_4f2a9c' };
const api = createMockOnboardingApi({ baseUrl: BASE, skills: { [SKILL]: { steps: STEPS, uploads: ['kyc_documents'] } }, ...CREDS });
const msw = setupServer(...api.handlers);

beforeAll(() =>
  msw.listen({
    // Calls to the backend on 127.0.0.1 go through for real; anything else unhandled is an error.
    onUnhandledFrame({ frame, defaults }) {
      const url = (frame.data as { request?: Request } | undefined)?.request?.url ?? '';
      if (!url.startsWith('http://127.0.0.1:')) defaults.error();
    },
  }),
);
afterAll(() => msw.close());
afterEach(() => api.reset());

async function startBackend(overrides: { clientSecret?: string } = {}) {
  const logs: string[] = [];
  const server = createBackendServer({
    baseUrl: BASE,
    clientId: CREDS.clientId,
    clientSecret: overrides.clientSecret ?? CREDS.clientSecret,
    log: (message, fields) => logs.push(JSON.stringify({ message, ...fields })),
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}${TEMP_TOKEN_PATH}`;
  return { server, url, logs, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

const postJson = async (url: string, body: unknown, contentType = 'application/json') => {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': contentType }, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};

/** A front-end's flow: its onTempToken posts to the backend, throwing on a non-2xx answer. */
async function runFlow(backendUrl: string, answers: Array<Record<string, unknown>>) {
  let token: string | undefined;
  const client = new OnboardingClient({
    baseUrl: BASE,
    clientId: CREDS.clientId,
    clientAppKey: CREDS.clientAppKey,
    onTempToken: async (tempToken, info) => {
      token = tempToken;
      const res = await postJson(backendUrl, { tempToken, sessionId: info.sessionId });
      answers.push(res.body);
      if (res.status !== 200) throw new Error(`backend answered ${res.status}`);
    },
  });
  const session = await client.startSession({ skill: SKILL, tenantUserId: 'u-42' });
  await session.submitStep('product_form', { value: '100000', currency: 'EUR', period: '12' });
  await session.submitStep('personal_data', { first_name: 'Ana', last_name: 'Pop', birth_date: '1990-04-01' });
  const docs = await session.submitStep('kyc_documents', {});
  await session.upload(new File([new Uint8Array(4096)], 'id.pdf', { type: 'application/pdf' }), { stepId: docs.stepId });
  const last = await session.submitStep('confirm', { accept: true });
  return { session, last, token: () => token! };
}

const tokenCalls = () => api.requests.filter((r) => r.endpoint === 'tokens');

describe('examples/backend: POST /api/onboarding/temp-token', () => {
  it('exchanges a real flow’s temp token once, keeps the access token server-side, and the API refuses a second exchange', async () => {
    const backend = await startBackend();
    try {
      const answers: Array<Record<string, unknown>> = [];
      const { last, token } = await runFlow(backend.url, answers);
      expect(last).toMatchObject({ completed: true, handedOff: true });

      const [granted] = tokenCalls();
      expect(tokenCalls()).toHaveLength(1);
      expect(granted).toMatchObject({ responseStatus: 200, body: { client_id: CREDS.clientId, client_secret: CREDS.clientSecret, temp_token: token() } });
      const accessToken = (granted!.responseBody as { access_token: string }).access_token;
      const credentialsId = (granted!.responseBody as { credentials_id: string }).credentials_id;

      // The page got a reference only; the backend kept the credentials.
      expect(answers).toEqual([{ credentialsId, consentExpiresAt: expect.any(String) }]);
      expect([...backend.server.backend.credentials.values()]).toEqual([
        expect.objectContaining({ credentialsId, accessToken, userId: 'demo-user', sessionId: api.sessions[0]!.id }),
      ]);

      // A replay of the same token (a lost 200, then session.retryHandoff()) is answered from the backend, not re-exchanged.
      expect(await postJson(backend.url, { tempToken: token() })).toEqual({ status: 200, body: answers[0] });
      expect(tokenCalls()).toHaveLength(1);

      // The API itself accepts a temp token once.
      await expect(exchangeTempToken({ baseUrl: BASE, clientId: CREDS.clientId, clientSecret: CREDS.clientSecret, tempToken: token() })).rejects.toMatchObject({
        name: 'OnboardingError',
        code: 'invalid_temp_token',
        status: 401,
      });
      // A token the API never issued is refused, and said so to the page.
      expect(await postJson(backend.url, { tempToken: 'tmp_never_issued' })).toEqual({ status: 400, body: { error: 'invalid_temp_token' } });

      // Nothing secret in a log line or an answer.
      const visible = [...backend.logs, ...answers.map((a) => JSON.stringify(a))].join('\n');
      for (const secret of [CREDS.clientSecret, token(), accessToken, 'tmp_never_issued']) expect(visible).not.toContain(secret);
      expect(backend.logs.some((l) => l.includes('temp token exchanged') && l.includes(credentialsId))).toBe(true);
    } finally {
      await backend.close();
    }
  });

  it('answers 502 (retryable) when the API is unreachable, and the page’s retryHandoff() then succeeds', async () => {
    const backend = await startBackend();
    try {
      api.inject({ kind: 'network', endpoint: 'tokens' });
      const answers: Array<Record<string, unknown>> = [];
      const { session, last } = await runFlow(backend.url, answers);
      expect(last).toMatchObject({ completed: true, handedOff: false });
      expect(answers[0]).toEqual({ error: 'network_error', retryable: true });
      await session.retryHandoff();
      expect(answers[1]).toEqual({ credentialsId: expect.any(String), consentExpiresAt: expect.any(String) });
      expect(tokenCalls().map((r) => r.responseStatus)).toEqual([0, 200]);
      expect(backend.logs.join('\n')).not.toContain(CREDS.clientSecret);
    } finally {
      await backend.close();
    }
  });

  it('reports a wrong client secret as its own misconfiguration (500) without logging the secret', async () => {
    const wrong = 'secret_wrong_value_91ab';
    const backend = await startBackend({ clientSecret: wrong });
    try {
      const answers: Array<Record<string, unknown>> = [];
      const { last } = await runFlow(backend.url, answers);
      expect(last.handedOff).toBe(false);
      expect(answers).toEqual([{ error: 'server_misconfigured' }]);
      expect(backend.logs.join('\n')).toContain('invalid_client_secret');
      expect(backend.logs.join('\n')).not.toContain(wrong);
    } finally {
      await backend.close();
    }
  });

  it('validates its input before calling the API', async () => {
    const backend = await startBackend();
    try {
      expect(await postJson(backend.url, { tempToken: '' })).toMatchObject({ status: 400, body: { error: 'invalid_request' } });
      expect(await postJson(backend.url, { nope: 1 })).toMatchObject({ status: 400, body: { error: 'invalid_request' } });
      expect(await postJson(backend.url, { tempToken: 'x' }, 'text/plain')).toMatchObject({ status: 415 });
      expect(await postJson(backend.url, { tempToken: 'x'.repeat(10_000) })).toMatchObject({ status: 413 });
      const get = await fetch(backend.url);
      expect(get.status).toBe(405);
      expect(tokenCalls()).toHaveLength(0);
    } finally {
      await backend.close();
    }
  });
});
