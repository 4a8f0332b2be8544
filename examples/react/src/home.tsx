import { useState } from 'react';
import type { OnboardingClient } from 'onboarding-sdk';
import { App } from './App';
import { ConsentApp } from './consent';

type Journey = 'kyc' | 'consent';
/** The journey picked, so a reload continues it (the SDK's `storage` keeps the session itself). */
const JOURNEY_KEY = 'onboarding-example:journey';

/** The first screen: which flow to run. A bank's return address (a `state` in the query) goes straight back to the consent. */
function initialJourney(): Journey | null {
  if (new URL(location.href).searchParams.has('state')) return 'consent';
  const kept = sessionStorage.getItem(JOURNEY_KEY);
  return kept === 'kyc' || kept === 'consent' ? kept : null;
}

export function Home({ client, note }: { client: OnboardingClient; note: string }) {
  const [journey, setJourney] = useState<Journey | null>(initialJourney);
  const choose = (next: Journey) => {
    sessionStorage.setItem(JOURNEY_KEY, next);
    setJourney(next);
  };
  // Back to the first screen with nothing kept: the sessions in the flows' memory go with the page.
  const leave = () => {
    sessionStorage.clear();
    location.assign(location.pathname);
  };
  if (journey === 'kyc') return <App client={client} note={note} onLeave={leave} />;
  if (journey === 'consent') return <ConsentApp client={client} note={note} onLeave={leave} />;
  return (
    <div id="app" data-status="start">
      <header className="brand">
        <span className="logo" aria-hidden="true">N</span>
        <span className="brand-name">Northwind Bank</span>
        <span className="brand-tag">Welcome</span>
      </header>
      <section className="card" id="start">
        <h1>What would you like to do?</h1>
        <div className="choice">
          <button type="button" className="primary" id="choose-kyc" onClick={() => choose('kyc')}>
            Apply for a loan
          </button>
          <p className="muted">Verify your identity: a few details and a photo of your ID.</p>
        </div>
        <div className="choice">
          <button type="button" className="primary" id="choose-consent" onClick={() => choose('consent')}>
            Connect your bank account
          </button>
          <p className="muted">Let us see your balances (PSD2): you approve it at your own bank.</p>
        </div>
      </section>
      <p className="footnote">{note}</p>
    </div>
  );
}
