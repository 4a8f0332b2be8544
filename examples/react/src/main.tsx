import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { OnboardingClient } from 'onboarding-sdk';
import { Home } from './home';
import { BACKEND_PATH, apiConfig } from '../../shared/offline';
import '../../shared/style.css';

// Offline (no VITE_ONBOARDING_API_URL): the dev server's fake API and fake bank, over HTTP on their own port.
const { offline, ...config } = await apiConfig();

// One client for the app's lifetime: created outside React, never in render.
const client = new OnboardingClient({
  ...config,
  // Lets a reload or the return from the bank continue the same session.
  storage: sessionStorage,
  // Called once per completed session, however often React renders or runs effects.
  onTempToken: async (tempToken) => {
    const res = await fetch(BACKEND_PATH, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ tempToken }) });
    if (!res.ok) throw new Error(`the backend answered ${res.status}`);
  },
});

const note = offline ? 'Offline demo · the API and the bank are onboarding-sdk/testing, served by the dev server on another port.' : `API: ${config.baseUrl}`;

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <Home client={client} note={note} />
  </StrictMode>,
);
