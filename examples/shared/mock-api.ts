/**
 * Offline mode: the testing kit (`onboarding-sdk/testing`) answers the API in
 * this tab through msw's service worker (public/mockServiceWorker.js), and a
 * second handler plays YOUR backend's temp-token endpoint (what
 * examples/backend does for real). Nothing leaves the browser.
 */
import { delay, getResponse, http, HttpResponse } from 'msw';
import { setupWorker } from 'msw/browser';
import { createMockOnboardingApi, type MockOnboardingApi } from 'onboarding-sdk/testing';
import { kyc } from './kyc';

export const MOCK_API_URL = 'https://api.example.test/v1';
export const MOCK_CLIENT = { clientId: 'demo-client', clientAppKey: 'demo-app-key' } as const;
/** Only the fake backend below knows it; a real one reads it from its environment. */
const DEMO_CLIENT_SECRET = 'demo-backend-secret';

declare global {
  interface Window {
    /** The fake API, for devtools and the example's browser test. Mock mode only. */
    __mockOnboardingApi?: MockOnboardingApi;
  }
}

export async function startMockApi(backendPath: string): Promise<void> {
  const api = createMockOnboardingApi({
    baseUrl: MOCK_API_URL,
    // Uploads only for the steps the skill defines rules for, as the real API would.
    skills: { [kyc.name]: { steps: [...kyc.stepNames], uploads: Object.keys(kyc.uploads) } },
    ...MOCK_CLIENT,
    clientSecret: DEMO_CLIENT_SECRET,
  });
  const backend = http.post(backendPath, async ({ request }) => {
    const { tempToken } = (await request.json()) as { tempToken?: string };
    await delay(900); // a real exchange is a server-to-server round trip: let the "handing off" state show
    const exchanged = await getResponse(
      api.handlers,
      new Request(`${MOCK_API_URL}/tokens`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ client_id: MOCK_CLIENT.clientId, client_secret: DEMO_CLIENT_SECRET, temp_token: tempToken }),
      }),
    );
    if (!exchanged || exchanged.status !== 200) {
      return HttpResponse.json({ error: 'exchange_failed' }, { status: 502 });
    }
    const { credentials_id } = (await exchanged.json()) as { credentials_id: string };
    // Like the real backend: the access token stays server-side; the page learns only a reference.
    return HttpResponse.json({ credentialsId: credentials_id });
  });

  const worker = setupWorker(...api.handlers, backend);
  await worker.start({
    quiet: true,
    onUnhandledFrame({ frame, defaults }) {
      // Vite's own modules and HMR pass through; anything aimed at the fake API must be handled.
      const url = (frame.data as { request?: Request } | undefined)?.request?.url ?? '';
      if (url.startsWith(MOCK_API_URL)) defaults.error();
    },
  });
  window.__mockOnboardingApi = api;
}
