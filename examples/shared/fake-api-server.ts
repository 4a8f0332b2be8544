/**
 * The Node side of the examples' offline mode, loaded by fake-api-plugin.ts
 * through Vite (so `onboarding-sdk` resolves like the page's, to the
 * repository's sources): the fake API (examples/backend/fake-upstream.ts, the
 * testing kit over node:http) with the examples' two skills.
 */
import { FAKE_CLIENT, startFakeUpstream, type FakeUpstream } from '../backend/fake-upstream.js';
import { consent } from './consent.js';
import { kyc } from './kyc.js';

export { FAKE_CLIENT };

export function startExamplesFakeApi(port: number): Promise<FakeUpstream> {
  return startFakeUpstream({
    port,
    skills: {
      // Uploads only for the steps the skill defines rules for, as the real API would.
      [kyc.name]: { steps: [...kyc.stepNames], uploads: Object.keys(kyc.uploads) },
      // The kit plays the bank: bank_redirect answers data.redirect_url = its bank page, on the fake's origin.
      [consent.name]: { steps: [...consent.stepNames], bank: { step: 'bank_redirect' } },
    },
  });
}
