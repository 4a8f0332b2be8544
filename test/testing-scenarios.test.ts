// The kit's named scenarios, and one line that moves both clocks (the SDK's and the fake API's).
import { describe, expect, it, vi } from 'vitest';
import { PRODUCT_FORM, SKILL, createClient, MemoryStorage, nonceRequests, rejectionOf, setupMockApi } from './helpers.js';

const AISP = 'xyz_aisp_sbx_#1.0';
const { api } = setupMockApi({
  skills: {
    [SKILL]: { steps: ['product_form', 'kyc_documents', 'bank_redirect', 'confirm'], uploads: ['kyc_documents'] },
    [AISP]: { steps: ['consent_form', 'bank_redirect', 'confirm'], bank: { step: 'bank_redirect', autoReturn: true } },
  },
});
const MINUTE = 60_000;

describe('api.scenario()', () => {
  it("'expiry-mid-flow': the next call meets the server's expired_nonce, which the SDK names nonce_expired", async () => {
    const session = await createClient().startSession({ skill: SKILL, tenantUserId: 'u-42' });
    api.scenario('expiry-mid-flow');
    const error = await rejectionOf(session.submitStep('product_form', PRODUCT_FORM));
    expect(error).toMatchObject({ code: 'nonce_expired', apiCode: 'expired_nonce' });
    expect(session.status).toBe('expired');
  });

  it("'lost-answer': the step is processed but its answer lost; the retry finds the chain out of step", async () => {
    const session = await createClient().startSession({ skill: SKILL, tenantUserId: 'u-42' });
    api.scenario('lost-answer', { step: 'product_form' });
    expect((await rejectionOf(session.submitStep('product_form', PRODUCT_FORM))).code).toBe('network_error');
    expect((await rejectionOf(session.submitStep('product_form', PRODUCT_FORM))).code).toBe('session_failed');
  });

  it("'rate-limited': one 429 with Retry-After: 1, which the SDK waits out and retries on its own", async () => {
    const session = await createClient().startSession({ skill: SKILL, tenantUserId: 'u-42' });
    api.scenario('rate-limited');
    await expect(session.submitStep('product_form', PRODUCT_FORM)).resolves.toMatchObject({ completed: false });
    expect(nonceRequests(api).map((r) => r.responseStatus)).toEqual([429, 200]);
  });

  it("'sca-refused': the bank returns with error=access_denied, and the step after the bank is refused", async () => {
    const storage = new MemoryStorage();
    const location = { href: 'https://app.example/onboarding', assign: vi.fn() };
    vi.stubGlobal('location', location);
    vi.stubGlobal('history', { state: null, replaceState: vi.fn() });
    try {
      const session = await createClient({ storage }).startSession({ skill: AISP, tenantUserId: 'u-42' });
      await session.submitStep('consent_form', {});
      const step = await session.submitStep('bank_redirect', { return_url: session.returnUrl('https://app.example/return') });
      api.scenario('sca-refused');
      session.followRedirect(step.data.redirect_url);
      const bank = await fetch(location.assign.mock.calls[0]![0] as string, { redirect: 'manual' });
      const back = bank.headers.get('location')!;
      session.dispose();
      const { session: resumed, params } = await createClient({ storage }).handleRedirect(back);
      expect(params.error).toBe('access_denied');
      expect((await rejectionOf(resumed.submitStep('confirm', {}))).apiCode ?? '').toMatch(/sca_not_completed/);
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it('refuses an unknown scenario', () => {
    expect(() => api.scenario('nope' as never)).toThrow(TypeError);
  });
});

describe('one line moves both clocks', () => {
  it("vi.advanceTimersByTime moves the SDK's clock (its nonce:expiring and expiry timers fire) and the kit's (clock: 'real' follows Date.now)", async () => {
    vi.useFakeTimers({ now: Date.UTC(2026, 10, 28, 12), toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const client = createClient();
    const expiring = vi.fn();
    client.on('nonce:expiring', expiring);
    const session = await client.startSession({ skill: SKILL, tenantUserId: 'u-42' });
    const kitStart = api.clock.now();

    vi.advanceTimersByTime(26 * MINUTE);

    expect(expiring).toHaveBeenCalledOnce();
    expect(api.clock.now() - kitStart).toBe(26 * MINUTE);
    vi.advanceTimersByTime(5 * MINUTE);
    expect(session.status).toBe('expired');
    const sent = api.requests.length;
    expect((await rejectionOf(session.submitStep('product_form', PRODUCT_FORM))).code).toBe('nonce_expired');
    expect(api.requests.length).toBe(sent);
  });
});
