import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { OnboardingClient } from 'onboarding-sdk';
import { App } from './App';
import { MOCK_API_URL, MOCK_CLIENT, startMockApi } from '../../shared/mock-api';
import '../../shared/style.css';

const BACKEND_PATH = '/api/onboarding/temp-token';

// Offline: the testing kit answers in this tab through msw's service worker.
await startMockApi(BACKEND_PATH);

// One client for the app's lifetime: created outside React, never in render.
const client = new OnboardingClient({
  baseUrl: MOCK_API_URL,
  ...MOCK_CLIENT,
  // Lets a reload (or a bank redirect) continue the same session.
  storage: sessionStorage,
  // Called once per completed session, however often React renders or runs effects.
  onTempToken: async (tempToken) => {
    const res = await fetch(BACKEND_PATH, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ tempToken }) });
    if (!res.ok) throw new Error(`the backend answered ${res.status}`);
  },
});

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App client={client} />
  </StrictMode>,
);
