/**
 * The testing kit plays the bank: a skill's `bank` step requires a return_url,
 * answers the kit's bank page as redirect_url, and the page sends the user
 * back with the chosen outcome. Driven with plain fetch (msw/node), without
 * the SDK's returnUrl/followRedirect.
 */
import { Window } from 'happy-dom';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createMockOnboardingApi, type MockOnboardingApi, type MockOnboardingApiOptions, type MockSkill } from '../src/testing';

const BASE = 'https://api.example.com/v1';
const SKILL = 'xyz_aisp_sbx_#1.0';
const STEPS = ['consent_form', 'bank_redirect', 'confirm'];
const CLIENT = { client_id: 'test-client', client_app_key: 'test-key' };
const RETURN = 'https://app.example/onboarding/return';
const STATE = 'c0ffee00c0ffee00c0ffee00c0ffee00';

const OPTIONS: MockOnboardingApiOptions = {
  baseUrl: BASE,
  skills: { [SKILL]: { steps: STEPS, bank: { step: 'bank_redirect' } } },
  clientId: CLIENT.client_id,
  clientAppKey: CLIENT.client_app_key,
};

const api = createMockOnboardingApi(OPTIONS);
const server = setupServer(...api.handlers);
beforeAll(() => server.listen({ onUnhandledFrame: 'error' }));
afterEach(() => {
  api.reset();
  server.resetHandlers();
});
afterAll(() => server.close());

/** Runs the rest of the test against a kit whose skill has other `bank` options (or other fields). */
function useSkill(skill: Partial<MockSkill>): MockOnboardingApi {
  const other = createMockOnboardingApi({ ...OPTIONS, skills: { [SKILL]: { steps: STEPS, bank: { step: 'bank_redirect' }, ...skill } } });
  server.use(...other.handlers);
  return other;
}

async function post(path: string, body: unknown) {
  const res = await fetch(`${BASE}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as any };
}

const submit = (sessionId: string, nonce: string, step: string, data: object = {}) =>
  post(`/sessions/${sessionId}/steps`, { client_id: CLIENT.client_id, nonce, skill: SKILL, step, data });

/** A session at its bank step: submitted with a hand-built return_url carrying `state`. */
async function atTheBank(returnUrl = `${RETURN}?state=${STATE}`) {
  const created = await post('/sessions', { ...CLIENT, skill: SKILL, tenant_user_id: 'u-42' });
  const sessionId: string = created.body.session_id;
  const consent = await submit(sessionId, created.body.nonce, 'consent_form');
  const bank = await submit(sessionId, consent.body.nonce, 'bank_redirect', { return_url: returnUrl });
  expect(bank.status).toBe(200);
  return { sessionId, nonces: [created.body.nonce, consent.body.nonce, bank.body.nonce] as string[], redirectUrl: bank.body.data.redirect_url as string };
}

const visit = (url: string) => fetch(url, { redirect: 'manual' });

/** The bank page's link `#id`, read as a browser would. */
async function link(page: Response, id: 'bank-approve' | 'bank-deny'): Promise<string> {
  const window = new Window();
  window.document.write(await page.text());
  const href = window.document.querySelector(`#${id}`)?.getAttribute('href');
  await window.happyDOM.close();
  expect(href).toBeTruthy();
  return href!;
}

/** Loads the bank page, presses `id`, and returns where the bank sent the user. */
async function press(redirectUrl: string, id: 'bank-approve' | 'bank-deny' = 'bank-approve'): Promise<URL> {
  const page = await visit(redirectUrl);
  expect(page.status).toBe(200);
  const back = await visit(await link(page, id));
  expect(back.status).toBe(302);
  return new URL(back.headers.get('location')!);
}

describe('the bank step', () => {
  it('answers the kit’s bank page with a ticket, never a nonce', async () => {
    const { sessionId, nonces, redirectUrl } = await atTheBank();
    const url = new URL(redirectUrl);
    expect(`${url.origin}${url.pathname}`).toBe(`${BASE}/bank/authorize`);
    expect([...url.searchParams.keys()]).toEqual(['session', 'ticket']);
    expect(url.searchParams.get('session')).toBe(sessionId);
    expect(url.searchParams.get('ticket')).toMatch(/^[\w-]{20,}$/);
    for (const nonce of nonces) expect(redirectUrl).not.toContain(nonce);
  });

  it('refuses a bank step without return_url with 400 missing_fields, and keeps the nonce', async () => {
    const created = await post('/sessions', { ...CLIENT, skill: SKILL, tenant_user_id: 'u-42' });
    const consent = await submit(created.body.session_id, created.body.nonce, 'consent_form');
    const refused = await submit(created.body.session_id, consent.body.nonce, 'bank_redirect', {});
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ type: 'invalid_request', code: 'missing_fields', message: expect.stringContaining('return_url') });
    const retried = await submit(created.body.session_id, consent.body.nonce, 'bank_redirect', { return_url: RETURN });
    expect(retried.status).toBe(200);
  });

  it.each([['javascript:alert(1)'], ['/onboarding/return'], ['ftp://app.example/x'], ['https://user:pw@app.example/x'], [42]])(
    'refuses the return_url %j with 400 invalid_field',
    async (returnUrl) => {
      const created = await post('/sessions', { ...CLIENT, skill: SKILL, tenant_user_id: 'u-42' });
      const consent = await submit(created.body.session_id, created.body.nonce, 'consent_form');
      const refused = await submit(created.body.session_id, consent.body.nonce, 'bank_redirect', { return_url: returnUrl });
      expect(refused.status).toBe(400);
      expect(refused.body.code).toBe('invalid_field');
    },
  );

  it('keeps a static redirect_url of a skill without `bank` working', async () => {
    const other = useSkill({ bank: undefined, responses: { bank_redirect: { redirect_url: 'https://bank.example/sca' } } });
    const created = await post('/sessions', { ...CLIENT, skill: SKILL, tenant_user_id: 'u-42' });
    const consent = await submit(created.body.session_id, created.body.nonce, 'consent_form');
    const bank = await submit(created.body.session_id, consent.body.nonce, 'bank_redirect');
    expect(bank.body.data).toEqual({ redirect_url: 'https://bank.example/sca' });
    expect((await submit(created.body.session_id, bank.body.nonce, 'confirm')).status).toBe(200);
    expect(other.bank.visits).toEqual([]);
  });
});

describe('the bank page', () => {
  it('approve: shows Approve, then sends the user back with the state and code=ok; confirm completes', async () => {
    const { sessionId, nonces, redirectUrl } = await atTheBank(`${RETURN}?state=${STATE}&lang=ro`);
    const page = await visit(redirectUrl);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    const html = await page.clone().text();
    expect(html).not.toMatch(/<script|<style|\sstyle=|\son\w+=/i);
    expect(html).toContain('>Approve</a>');

    const back = new URL((await visit(await link(page, 'bank-approve'))).headers.get('location')!);
    expect(`${back.origin}${back.pathname}`).toBe(RETURN);
    expect(Object.fromEntries(back.searchParams)).toEqual({ state: STATE, lang: 'ro', code: 'ok' });

    const done = await submit(sessionId, nonces[2]!, 'confirm');
    expect(done.status).toBe(200);
    expect(done.body.temp_token).toEqual(expect.any(String));
    expect(api.bank.returns).toEqual([{ sessionId, outcome: 'approve', url: back.href }]);
    expect(api.bank.visits.map((v) => [v.result, v.status, v.sessionId])).toEqual([
      ['page', 200, sessionId],
      ['return', 302, sessionId],
    ]);
    expect(api.bank.lastReturnUrl).toBe(back.href);
  });

  it('deny (chosen with api.bank.next): returns error=access_denied with the state; the next step gets sca_not_completed', async () => {
    api.bank.next({ outcome: 'deny' });
    const { sessionId, nonces, redirectUrl } = await atTheBank();
    const back = await press(redirectUrl);
    expect(Object.fromEntries(back.searchParams)).toEqual({ state: STATE, error: 'access_denied' });
    const refused = await submit(sessionId, nonces[2]!, 'confirm');
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ code: 'sca_not_completed', message: expect.stringContaining('"deny"') });
    expect(api.bank.returns).toEqual([{ sessionId, outcome: 'deny', url: back.href }]);
  });

  it('deny: the page’s Deny link refuses even when the outcome is approve', async () => {
    const { redirectUrl } = await atTheBank();
    const back = await press(redirectUrl, 'bank-deny');
    expect(back.searchParams.get('error')).toBe('access_denied');
    expect(api.bank.returns[0]!.outcome).toBe('deny');
  });

  it('bare: returns with no parameters at all, not even state', async () => {
    const other = useSkill({ bank: { step: 'bank_redirect', outcome: 'bare' } });
    const { sessionId, nonces, redirectUrl } = await atTheBank(`${RETURN}?state=${STATE}#top`);
    const back = await press(redirectUrl);
    expect(back.href).toBe(RETURN);
    expect((await submit(sessionId, nonces[2]!, 'confirm')).body.code).toBe('sca_not_completed');
    expect(other.bank.returns[0]).toMatchObject({ outcome: 'bare', url: RETURN });
  });

  it('twice: the same return can happen a second time, and lastReturnUrl gives it to load again', async () => {
    api.bank.next({ outcome: 'twice' });
    const { sessionId, nonces, redirectUrl } = await atTheBank();
    const first = await press(redirectUrl);
    const second = await press(redirectUrl);
    expect(second.href).toBe(first.href);
    expect(first.searchParams.get('state')).toBe(STATE);
    expect(api.bank.lastReturnUrl).toBe(first.href);
    expect(api.bank.returns.map((r) => r.outcome)).toEqual(['twice', 'twice']);
    expect((await visit(redirectUrl)).status).toBe(400); // a third time: used up
    expect((await submit(sessionId, nonces[2]!, 'confirm')).status).toBe(200);
  });

  it('autoReturn: answers 302 straight back, no click needed', async () => {
    const other = useSkill({ bank: { step: 'bank_redirect', autoReturn: true } });
    const { redirectUrl } = await atTheBank();
    const back = await visit(redirectUrl);
    expect(back.status).toBe(302);
    expect(Object.fromEntries(new URL(back.headers.get('location')!).searchParams)).toEqual({ state: STATE, code: 'ok' });
    expect(other.bank.visits.map((v) => v.result)).toEqual(['return']);
  });

  it('api.bank.next overrides the skill for one ticket only, first in first out', async () => {
    api.bank.next({ outcome: 'deny', autoReturn: true });
    const first = await atTheBank();
    const second = await atTheBank();
    expect(new URL((await visit(first.redirectUrl)).headers.get('location')!).searchParams.get('error')).toBe('access_denied');
    expect((await visit(second.redirectUrl)).status).toBe(200); // the skill's own: a page, approve
    expect(() => api.bank.next({ outcome: 'maybe' as never })).toThrow(TypeError);
  });
});

describe('tickets', () => {
  it('are single-use: the page after the return is a 400 page saying so', async () => {
    const { redirectUrl } = await atTheBank();
    const back = await press(redirectUrl);
    const again = await visit(redirectUrl);
    expect(again.status).toBe(400);
    expect(await again.text()).toContain('already used');
    expect(api.bank.visits.at(-1)).toMatchObject({ result: 'refused', status: 400, reason: expect.stringContaining('already used') });
    expect(api.bank.returns).toHaveLength(1);
    expect(api.bank.lastReturnUrl).toBe(back.href);
  });

  it('are refused for another session, unknown, or missing', async () => {
    const { redirectUrl } = await atTheBank();
    const other = await atTheBank();
    const swapped = new URL(redirectUrl);
    swapped.searchParams.set('session', other.sessionId);
    expect((await visit(swapped.href)).status).toBe(400);
    expect((await visit(`${BASE}/bank/authorize?session=${other.sessionId}&ticket=nope`)).status).toBe(400);
    expect((await visit(`${BASE}/bank/authorize`)).status).toBe(400);
    expect(api.bank.returns).toEqual([]);
    expect((await visit(redirectUrl)).status).toBe(200); // still good: nothing was spent
  });

  it('are forgotten by api.reset()', async () => {
    const { redirectUrl } = await atTheBank();
    api.reset();
    expect(api.bank.visits).toEqual([]);
    expect((await visit(redirectUrl)).status).toBe(400);
  });
});

describe('requireApproval', () => {
  it('refuses the next step before the bank return with sca_not_completed, without spending the nonce', async () => {
    const { sessionId, nonces, redirectUrl } = await atTheBank();
    const early = await submit(sessionId, nonces[2]!, 'confirm');
    expect(early.status).toBe(400);
    expect(early.body).toMatchObject({ type: 'invalid_request', code: 'sca_not_completed' });
    await visit(redirectUrl); // the page alone is not consent
    expect((await submit(sessionId, nonces[2]!, 'confirm')).body.code).toBe('sca_not_completed');
    await press(redirectUrl);
    expect((await submit(sessionId, nonces[2]!, 'confirm')).status).toBe(200);
  });

  it('false: the next step is accepted without going to the bank', async () => {
    useSkill({ bank: { step: 'bank_redirect', requireApproval: false } });
    const { sessionId, nonces } = await atTheBank();
    expect((await submit(sessionId, nonces[2]!, 'confirm')).status).toBe(200);
  });
});

describe('what the kit exposes', () => {
  it('holds no nonce or temp token in the bank’s records', async () => {
    const { sessionId, nonces, redirectUrl } = await atTheBank();
    await press(redirectUrl);
    const done = await submit(sessionId, nonces[2]!, 'confirm');
    const records = JSON.stringify([api.bank.visits, api.bank.returns, api.bank.lastReturnUrl]);
    for (const secret of [...nonces, done.body.temp_token, CLIENT.client_app_key]) expect(records).not.toContain(secret);
  });

  it('shows only next, visits, returns and lastReturnUrl, as fresh copies', async () => {
    expect(Object.keys(api.bank).sort()).toEqual(['lastReturnUrl', 'next', 'returns', 'visits']);
    await press((await atTheBank()).redirectUrl);
    (api.bank.returns as unknown[]).length = 0;
    (api.bank.visits[0] as { status: number }).status = 999;
    expect(api.bank.returns).toHaveLength(1);
    expect(api.bank.visits[0]!.status).toBe(200);
  });
});

describe('configuration', () => {
  const make = (bank: unknown, extra: Partial<MockSkill> = {}) => () =>
    createMockOnboardingApi({ ...OPTIONS, skills: { [SKILL]: { steps: STEPS, bank: bank as never, ...extra } } });

  it.each([
    ['an unknown step', { step: 'bank' }, /bank\.step must be one of/],
    ['the last step', { step: 'confirm' }, /last step/],
    ['an unknown outcome', { step: 'bank_redirect', outcome: 'yes' }, /outcome must be one of/],
    ['a non-boolean autoReturn', { step: 'bank_redirect', autoReturn: 'yes' }, /autoReturn/],
    ['a non-boolean requireApproval', { step: 'bank_redirect', requireApproval: 1 }, /requireApproval/],
  ])('throws for %s', (_, bank, message) => {
    expect(make(bank)).toThrow(message);
  });

  it('throws when the bank step also has a static redirect_url', () => {
    expect(make({ step: 'bank_redirect' }, { responses: { bank_redirect: { redirect_url: 'https://bank.example' } } })).toThrow(/own redirect_url/);
  });

  it('copies the bank options: mutating them later changes nothing', async () => {
    const bank = { step: 'bank_redirect', autoReturn: true };
    const other = createMockOnboardingApi({ ...OPTIONS, skills: { [SKILL]: { steps: STEPS, bank } } });
    bank.autoReturn = false;
    server.use(...other.handlers);
    const { redirectUrl } = await atTheBank();
    expect((await visit(redirectUrl)).status).toBe(302);
  });
});
