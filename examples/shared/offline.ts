/**
 * Where the page finds its API. Offline (no VITE_ONBOARDING_API_URL), the
 * examples' dev server (fake-api-plugin.ts) runs a fake of the API and of the
 * bank over HTTP on another port, like a real provider on its own origin, and
 * tells the page its address at FAKE_API_CONFIG_PATH. Browser code only.
 */

/** YOUR backend's temp-token endpoint, on the page's origin (offline: the dev server plays it). */
export const BACKEND_PATH = '/api/onboarding/temp-token';
/** Dev-only: the fake API's address and demo client, as JSON. */
export const FAKE_API_CONFIG_PATH = '/__fake-api/config.json';

export interface ApiConfig {
  baseUrl: string;
  clientId: string;
  clientAppKey: string;
  /** `true`: the dev server's fake of the API and the bank. */
  offline: boolean;
}

/** VITE_ONBOARDING_API_URL, VITE_ONBOARDING_CLIENT_ID and VITE_ONBOARDING_APP_KEY when set; else the dev server's fake. */
export async function apiConfig(): Promise<ApiConfig> {
  const env = import.meta.env;
  if (typeof env.VITE_ONBOARDING_API_URL === 'string' && env.VITE_ONBOARDING_API_URL !== '') {
    return { baseUrl: env.VITE_ONBOARDING_API_URL, clientId: env.VITE_ONBOARDING_CLIENT_ID, clientAppKey: env.VITE_ONBOARDING_APP_KEY, offline: false };
  }
  const res = await fetch(FAKE_API_CONFIG_PATH, { cache: 'no-store' });
  if (!res.ok) throw new Error(`no API configured: set VITE_ONBOARDING_API_URL, or serve the example with its dev server (${FAKE_API_CONFIG_PATH} answered ${res.status})`);
  const { baseUrl, clientId, clientAppKey } = (await res.json()) as Omit<ApiConfig, 'offline'>;
  return { baseUrl, clientId, clientAppKey, offline: true };
}
