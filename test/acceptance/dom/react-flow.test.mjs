// An integrator's React test, as written in a consumer project with vitest, a
// test DOM and Testing Library: the packed `onboarding-sdk/react` runs a KYC
// flow under <StrictMode> against the packed kit. Plain JavaScript (no JSX
// transform in the consumer). Writes what happened to result-react.json for
// the acceptance harness (test/acceptance/consumer/dom.mjs).

import { writeFileSync } from 'node:fs';
import { StrictMode } from 'react';
import { act, renderHook, waitFor } from '@testing-library/react';
import { setupServer } from 'msw/node';
import { OnboardingClient, defineSkill } from 'onboarding-sdk';
import { useOnboarding } from 'onboarding-sdk/react';
import { createMockOnboardingApi } from 'onboarding-sdk/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';

const BASE_URL = 'https://api.example.com/v1';
const CREDENTIALS = { clientId: 'react-client', clientAppKey: 'react-key' };
// A Standard Schema that accepts any object: the consumer brings no schema library.
const anyObject = { '~standard': { version: 1, vendor: 'acceptance', validate: (value) => ({ value }) } };
const kyc = defineSkill('xyz_kyc_sbx_#3.0', {
  steps: { product_form: anyObject, kyc_documents: anyObject, confirm: anyObject },
  uploads: { kyc_documents: { accept: ['image/jpeg'], minFiles: 2 } },
});

const api = createMockOnboardingApi({
  baseUrl: BASE_URL,
  skills: { [kyc.name]: { steps: [...kyc.stepNames], uploads: ['kyc_documents'] } },
  ...CREDENTIALS,
});
const server = setupServer(...api.handlers);
beforeAll(() => server.listen());
afterAll(() => server.close());

const photo = (name) => new File([new Uint8Array(3_000).fill(7)], name, { type: 'image/jpeg' });

it('useOnboarding completes a KYC flow under StrictMode: one session, one handoff; minFiles 2 holds confirm back', async () => {
  const tokens = [];
  const client = new OnboardingClient({ baseUrl: BASE_URL, ...CREDENTIALS, onTempToken: (token) => void tokens.push(token) });
  const { result } = renderHook(() => useOnboarding(client, { skill: kyc, tenantUserId: 'u-42', autoStart: true }), { wrapper: StrictMode });
  await waitFor(() => expect(result.current.status).toBe('active'));

  await act(() => result.current.submitStep('product_form', {}));
  await act(() => result.current.submitStep('kyc_documents', {}));
  await act(() => result.current.upload(photo('passport.jpg')));
  let blocked;
  await act(async () => {
    blocked = await result.current.submitStep('confirm', {}).catch((error) => error);
  });
  const sentWhileBlocked = api.requests.filter((r) => r.endpoint === 'steps' && r.step === 'confirm').length;
  await act(() => result.current.upload(photo('selfie.jpg')));
  await act(() => result.current.submitStep('confirm', {}));
  await waitFor(() => expect(result.current.status).toBe('completed'));

  const report = {
    sessions: api.requests.filter((r) => r.endpoint === 'sessions').length,
    handoffs: tokens.length,
    blocked: blocked?.code,
    sentWhileBlocked,
    uploads: api.sessions[0]?.uploads.length,
    status: result.current.status,
    handoff: result.current.snapshot?.handoff,
  };
  writeFileSync('result-react.json', JSON.stringify(report));
  expect(report).toEqual({ sessions: 1, handoffs: 1, blocked: 'uploads_missing', sentWhileBlocked: 0, uploads: 2, status: 'completed', handoff: 'delivered' });
});
