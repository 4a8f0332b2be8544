// The same flows twice: through the built SDK, and as raw `fetch` speaking the
// protocol by hand (the floor any SDK is measured against).
import { pathToFileURL } from 'node:url';

// BENCH_SDK: the built entry to load (run.mjs points it at its own copy of
// dist/, so a build started elsewhere mid-bench cannot pull it away).
const sdk = process.env.BENCH_SDK ? pathToFileURL(process.env.BENCH_SDK).href : '../../dist/index.js';
const { OnboardingClient } = await import(sdk);

export const CONSENT = { skill: 'xyz_aisp_sbx_#1.0', steps: ['consent_form', 'bank_redirect', 'confirm'] };
export const KYC = { skill: 'xyz_kyc_sbx_#3.0', steps: ['product_form', 'kyc_documents', 'review', 'confirm'], uploadAfter: 'kyc_documents' };
const creds = { clientId: 'bench-client', clientAppKey: 'bench-app-key-0123456789' };

export async function flowSdk(baseUrl, flow, file) {
  let token;
  const client = new OnboardingClient({ baseUrl, ...creds, onTempToken: (t) => void (token = t) });
  const session = await client.startSession({ skill: flow.skill, tenantUserId: 'bench-user' });
  for (const step of flow.steps) {
    await session.submitStep(step, { n: '1' });
    if (file && step === flow.uploadAfter) await session.upload(file, { fileName: 'id.jpg' });
  }
  if (!token) throw new Error('sdk flow did not complete');
}

async function postJson(url, body) {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  return res.json();
}

export async function flowRaw(baseUrl, flow, file) {
  const created = await postJson(`${baseUrl}/sessions`, { client_id: creds.clientId, client_app_key: creds.clientAppKey, skill: flow.skill, tenant_user_id: 'bench-user' });
  let nonce = created.nonce;
  let token;
  for (const step of flow.steps) {
    const res = await postJson(`${baseUrl}/sessions/${encodeURIComponent(created.session_id)}/steps`, { client_id: creds.clientId, nonce, skill: flow.skill, step, data: { n: '1' } });
    if (res.nonce) nonce = res.nonce;
    token = res.temp_token;
    if (file && step === flow.uploadAfter) {
      const form = new FormData();
      form.append('client_id', creds.clientId);
      form.append('nonce', nonce);
      form.append('file', file, 'id.jpg');
      const up = await fetch(`${baseUrl}/steps/${encodeURIComponent(res.step_id)}/upload`, { method: 'POST', body: form });
      if (!up.ok) throw new Error(`upload HTTP ${up.status}`);
      const body = await up.json();
      if (body.nonce) nonce = body.nonce;
    }
  }
  if (!token) throw new Error('raw flow did not complete');
}
