/**
 * `npm start`: the SDK's main job, end to end, against the built-in fake API
 * (onboarding-sdk/testing on msw/node). A KYC flow: create a session, submit
 * the product form and the personal data, upload an ID document and a selfie,
 * confirm — then the temp token goes to `onTempToken`, which here plays the
 * tenant backend and exchanges it at /tokens. Every event is printed as it
 * happens; no secret is in any of them.
 */
import { setupServer } from 'msw/node';
import { OnboardingClient, isOnboardingError } from '../src/index.js';
import { createMockOnboardingApi } from '../src/testing/index.js';

const baseUrl = 'https://api.example.com/v1';
const skill = 'xyz_kyc_sbx_#3.0';

const api = createMockOnboardingApi({
  baseUrl,
  skills: { [skill]: { steps: ['product_form', 'personal_data', 'kyc_documents', 'confirm'], uploads: ['kyc_documents'] } },
  clientId: 'demo-client',
  clientAppKey: 'demo-app-key-public',
  clientSecret: 'demo-secret-backend-only',
});
const server = setupServer(...api.handlers);
server.listen({ onUnhandledFrame: 'error' });

const client = new OnboardingClient({
  baseUrl,
  clientId: 'demo-client',
  clientAppKey: 'demo-app-key-public',
  // In an app this posts the token to your backend; the backend holds the secret.
  onTempToken: async (tempToken, info) => {
    const res = await fetch(`${baseUrl}/tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ client_id: 'demo-client', client_secret: 'demo-secret-backend-only', temp_token: tempToken }),
    });
    const { credentials_id } = (await res.json()) as { credentials_id: string };
    console.log(`  backend: exchanged the temp token of session ${info.sessionId} → credentials ${credentials_id}`);
  },
});

client.on('*', (type, payload) => {
  const shown = type === 'error' ? { code: (payload as { error: { code: string } }).error.code } : payload;
  console.log(`event ${type.padEnd(18)} ${JSON.stringify(shown)}`);
});

try {
  const session = await client.startSession({ skill, tenantUserId: 'u-42' });
  await session.submitStep('product_form', { value: '100000', currency: 'EUR', period: '12' });
  await session.submitStep('personal_data', { first_name: 'Ana', last_name: 'Pop', birth_date: '1990-04-01' });
  const docs = await session.submitStep('kyc_documents', {});
  const idCard = new File([new Uint8Array(2 * 1024 * 1024)], 'id-card.jpg', { type: 'image/jpeg' });
  const selfie = new File([new Uint8Array(512 * 1024)], 'selfie.png', { type: 'image/png' });
  await session.upload(idCard, { stepId: docs.stepId });
  await session.upload(selfie, { stepId: docs.stepId });
  const last = await session.submitStep('confirm', { accept: true });
  console.log(`\ndone: session ${session.id} is ${session.status}; handed off: ${last.handedOff}`);
  console.log(`the fake API received ${api.requests.length} requests; uploads: ${api.requests
    .filter((r) => r.endpoint === 'upload')
    .map((r) => (r.body as { file: { name: string; size: number } }).file)
    .map((f) => `${f.name} (${f.size} bytes)`)
    .join(', ')}`);
} catch (error) {
  console.error(isOnboardingError(error) ? `failed: ${error.code} ${error.message}` : error);
  process.exitCode = 1;
} finally {
  server.close();
}
