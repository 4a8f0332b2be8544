/**
 * The kit's bank page as a real page: the kit behind node:http on one origin,
 * the app's return page on another, `allowedOrigins` naming only the app.
 * A top-level navigation to the bank needs no CORS, so nothing blocks it.
 */
import { Browser } from 'happy-dom';
import { getResponse } from 'msw';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMockOnboardingApi, type MockOnboardingApi } from '../src/testing';

const SKILL = 'xyz_aisp_sbx_#1.0';
const CLIENT = { client_id: 'test-client', client_app_key: 'test-key' };
const STATE = '0123456789abcdef0123456789abcdef';

let api: MockOnboardingApi;
let kit: Server;
let app: Server;
let base: string;
let appOrigin: string;
/** The addresses the app's return page was loaded with. */
const appHits: string[] = [];

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** The msw handlers behind node:http: each request goes through `getResponse(api.handlers, request)`. */
async function serveKit(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const headers = new Headers();
  for (const [key, value] of Object.entries(req.headers)) if (typeof value === 'string') headers.set(key, value);
  const body = chunks.length > 0 ? Buffer.concat(chunks) : undefined;
  const response = await getResponse(api.handlers, new Request(new URL(req.url!, base), { method: req.method!, headers, body }));
  if (!response) {
    res.writeHead(404).end('no handler');
    return;
  }
  res.writeHead(response.status, Object.fromEntries(response.headers));
  res.end(Buffer.from(await response.arrayBuffer()));
}

beforeAll(async () => {
  kit = createServer((req, res) => void serveKit(req, res));
  app = createServer((req, res) => {
    appHits.push(new URL(req.url!, appOrigin).href);
    res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>Back in the app</title><p id="app">back</p>');
  });
  base = `${await listen(kit)}/v1`;
  appOrigin = await listen(app);
  api = createMockOnboardingApi({
    baseUrl: base,
    skills: {
      [SKILL]: { steps: ['consent_form', 'bank_redirect', 'confirm'], bank: { step: 'bank_redirect' } },
      'auto_#1.0': { steps: ['bank_redirect', 'confirm'], bank: { step: 'bank_redirect', autoReturn: true } },
    },
    clientId: CLIENT.client_id,
    clientAppKey: CLIENT.client_app_key,
    allowedOrigins: [appOrigin],
  });
});

afterAll(async () => {
  kit.closeAllConnections();
  app.closeAllConnections();
  await Promise.all([new Promise((r) => kit.close(r)), new Promise((r) => app.close(r))]);
});

async function post(path: string, body: unknown) {
  const res = await fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return (await res.json()) as any;
}

/** Walks a session of `skill` to its bank step over HTTP; returns the bank's address and the nonce for the step after. */
async function toTheBank(skill = SKILL) {
  const created = await post('/sessions', { ...CLIENT, skill, tenant_user_id: 'u-42' });
  let nonce: string = created.nonce;
  if (skill === SKILL) nonce = (await post(`/sessions/${created.session_id}/steps`, { client_id: CLIENT.client_id, nonce, skill, step: 'consent_form', data: {} })).nonce;
  const bank = await post(`/sessions/${created.session_id}/steps`, {
    client_id: CLIENT.client_id,
    nonce,
    skill,
    step: 'bank_redirect',
    data: { return_url: `${appOrigin}/return?state=${STATE}` },
  });
  return { sessionId: created.session_id as string, nonce: bank.nonce as string, redirectUrl: bank.data.redirect_url as string };
}

describe('the bank page over node:http', () => {
  it('serves the page to a navigation from an origin allowedOrigins does not list, and its link 302s back', async () => {
    const { redirectUrl } = await toTheBank();
    expect(redirectUrl.startsWith(`${base}/bank/authorize?`)).toBe(true);
    const page = await fetch(redirectUrl, {
      redirect: 'manual',
      headers: { origin: 'https://elsewhere.example', 'sec-fetch-mode': 'navigate', 'sec-fetch-dest': 'document' },
    });
    expect(page.status).toBe(200);
    const html = await page.text();
    const href = /<a id="bank-approve" href="([^"]+)">Approve<\/a>/.exec(html)?.[1]?.replace(/&amp;/g, '&');
    expect(href).toBeDefined();
    const back = await fetch(href!, { redirect: 'manual' });
    expect(back.status).toBe(302);
    expect(back.headers.get('location')).toBe(`${appOrigin}/return?state=${STATE}&code=ok`);
  });

  it('autoReturn answers a real 302 at once', async () => {
    const { redirectUrl } = await toTheBank('auto_#1.0');
    const back = await fetch(redirectUrl, { redirect: 'manual' });
    expect(back.status).toBe(302);
    expect(new URL(back.headers.get('location')!).searchParams.get('state')).toBe(STATE);
  });

  it('takes a browser (happy-dom) from the bank page, by a click on #bank-approve, to the app’s return page', async () => {
    const { sessionId, nonce, redirectUrl } = await toTheBank();
    const browser = new Browser({ settings: { disableJavaScriptFileLoading: true, disableCSSFileLoading: true } });
    try {
      const page = browser.newPage();
      await page.goto(redirectUrl);
      const approve = page.mainFrame.document.querySelector('#bank-approve') as unknown as { click(): void; textContent: string };
      expect(approve.textContent).toBe('Approve');
      approve.click();
      await page.waitUntilComplete();
      await expect.poll(() => page.mainFrame.url).toBe(`${appOrigin}/return?state=${STATE}&code=ok`);
    } finally {
      await browser.close();
    }
    expect(appHits.at(-1)).toBe(`${appOrigin}/return?state=${STATE}&code=ok`);
    expect(api.bank.returns.at(-1)).toMatchObject({ sessionId, outcome: 'approve' });
    const confirm = await post(`/sessions/${sessionId}/steps`, { client_id: CLIENT.client_id, nonce, skill: SKILL, step: 'confirm', data: {} });
    expect(confirm.temp_token).toEqual(expect.any(String));
  });
});
