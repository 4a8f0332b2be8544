// Several tabs on one session. Each "tab" is a client with its own storage
// object; they share what tabs of one origin share: IndexedDB (fake-indexeddb,
// one per test file), BroadcastChannel and Web Locks (Node's own, per process).
import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MemoryStorage, PRODUCT_FORM, SKILL, createClient, nonceRequests, rejectionOf, setupMockApi, until } from './helpers.js';

const { api } = setupMockApi();

afterEach(() => vi.unstubAllGlobals());

/** A second tab that starts from a copy of the first tab's storage, as a duplicated tab does with `sessionStorage`. */
function duplicate(storage: MemoryStorage): MemoryStorage {
  const copy = new MemoryStorage();
  for (const [key, value] of storage.map) copy.map.set(key, value);
  return copy;
}

const sentNonces = () => nonceRequests(api).map((r) => (r.body as { nonce: string }).nonce);

async function twoTabs(options: { crossTab?: boolean } = {}) {
  const storage = new MemoryStorage();
  const first = createClient({ storage, ...options });
  const a = await first.startSession({ skill: SKILL, tenantUserId: 'u-42' });
  await a.submitStep('product_form', PRODUCT_FORM);
  const second = createClient({ storage: duplicate(storage), ...options });
  const b = (await second.resumeSession())!;
  return { first, second, a, b };
}

describe('two tabs on one session (storage given, crossTab on by default)', () => {
  it('a duplicated tab and the original submit steps alternately: each uses the newest nonce, none is sent twice, one handoff', async () => {
    const onA = vi.fn();
    const onB = vi.fn();
    const storage = new MemoryStorage();
    const a = await createClient({ storage, onTempToken: onA }).startSession({ skill: SKILL, tenantUserId: 'u-42' });
    await a.submitStep('product_form', PRODUCT_FORM);
    const b = (await createClient({ storage: duplicate(storage), onTempToken: onB }).resumeSession())!;
    expect(b.id).toBe(a.id);

    await b.submitStep('kyc_documents', {});
    await a.submitStep('bank_redirect', {});
    const done = await b.submitStep('confirm', {});

    expect(done.completed).toBe(true);
    const nonces = sentNonces();
    expect(nonces).toHaveLength(4);
    expect(new Set(nonces).size).toBe(4);
    expect(onB).toHaveBeenCalledTimes(1);
    await until(() => a.status === 'completed');
    expect(a.getSnapshot()).toMatchObject({ status: 'completed', handoff: 'none', stepIndex: 4 });
    expect(onA).not.toHaveBeenCalled();
  });

  it("the other tab's snapshot, subscribers and events follow each step", async () => {
    const { first, a, b } = await twoTabs();
    const synced = vi.fn();
    first.on('session:synced', synced);
    const notified = vi.fn();
    a.subscribe(notified);
    await b.submitStep('kyc_documents', {});
    await until(() => a.getSnapshot().stepIndex === 2);
    expect(a.getSnapshot().completedSteps).toEqual(['product_form', 'kyc_documents']);
    expect(notified).toHaveBeenCalled();
    expect(synced).toHaveBeenCalledWith({ sessionId: a.id, status: 'active', stepIndex: 2 });
  });

  it('two tabs acting at the same moment take turns: both calls go out, each with its own nonce', async () => {
    const { a, b } = await twoTabs();
    const results = await Promise.allSettled([a.submitStep('kyc_documents', {}), b.submitStep('bank_redirect', {})]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled']);
    const nonces = sentNonces();
    expect(new Set(nonces).size).toBe(nonces.length);
    expect(nonces).toHaveLength(3);
  });

  it('without Web Locks a second tab is refused while a call is out, and no nonce is sent twice', async () => {
    vi.stubGlobal('navigator', {});
    const { a, b } = await twoTabs();
    const [first, second] = await Promise.allSettled([a.submitStep('kyc_documents', {}), b.submitStep('bank_redirect', {})]);
    expect(first.status).toBe('fulfilled');
    expect(second.status).toBe('rejected');
    expect((second as PromiseRejectedResult).reason).toMatchObject({ code: 'invalid_state', retryable: true });
    const nonces = sentNonces();
    expect(new Set(nonces).size).toBe(nonces.length);
    // Once the first call is back, the second tab goes on with the newest nonce.
    await b.submitStep('bank_redirect', {});
    expect(new Set(sentNonces()).size).toBe(3);
  });

  it('crossTab: false turns it off: the stale tab sends a spent nonce and the session fails (the check above can fail)', async () => {
    const { a, b } = await twoTabs({ crossTab: false });
    await b.submitStep('kyc_documents', {});
    const error = await rejectionOf(a.submitStep('bank_redirect', {}));
    expect(error.code).toBe('session_failed');
  });
});

describe('bank redirects', () => {
  function browser(href = 'https://app.example/onboarding') {
    const location = { href, assign: vi.fn((url: string) => void (location.href = url)) };
    const history = { state: null, replaceState: vi.fn((_: unknown, __: string, url: string) => void (location.href = url)) };
    vi.stubGlobal('location', location);
    vi.stubGlobal('history', history);
    return { location, history };
  }

  async function leave(storage = new MemoryStorage()) {
    const { location } = browser();
    const session = await createClient({ storage }).startSession({ skill: SKILL, tenantUserId: 'u-42' });
    await session.submitStep('product_form', PRODUCT_FORM);
    await session.submitStep('kyc_documents', {});
    const returnUrl = session.returnUrl('https://app.example/onboarding/return');
    await session.submitStep('bank_redirect', { return_url: returnUrl });
    session.followRedirect('https://bank.example/sca?x=1');
    session.dispose();
    return { storage, session, returnUrl, location };
  }

  it('returnUrl adds a single-use, unguessable state; followRedirect records it and navigates', async () => {
    const { returnUrl, location, storage } = await leave();
    const state = new URL(returnUrl).searchParams.get('state')!;
    expect(state).toMatch(/^[0-9a-f]{32}$/);
    expect(location.assign).toHaveBeenCalledWith('https://bank.example/sca?x=1');
    expect([...storage.map.keys()].some((k) => k.endsWith(':redirect'))).toBe(true);
  });

  it('handleRedirect resumes the session, returns the other parameters and cleans the address bar; the flow completes', async () => {
    const onTempToken = vi.fn();
    const { storage, returnUrl, session } = await leave();
    const back = `${returnUrl}&code=ok`;
    const { location, history } = browser(back);
    const client = createClient({ storage, onTempToken });
    const { session: resumed, params } = await client.handleRedirect();
    expect(resumed.id).toBe(session.id);
    expect(params).toEqual({ code: 'ok' });
    expect(history.replaceState).toHaveBeenCalledOnce();
    expect(location.href).not.toContain('state=');
    const done = await resumed.submitStep('confirm', {});
    expect(done.completed).toBe(true);
    expect(onTempToken).toHaveBeenCalledOnce();
  });

  it('two calls in one page (React StrictMode) give the same session', async () => {
    const { storage, returnUrl } = await leave();
    browser(returnUrl);
    const client = createClient({ storage });
    const [one, two] = await Promise.all([client.handleRedirect(returnUrl), client.handleRedirect(returnUrl)]);
    expect(one.session).toBe(two.session);
  });

  it.each([
    ['a tampered state', (url: string) => url.replace(/state=([0-9a-f])/, (_, c: string) => `state=${c === '0' ? '1' : '0'}`)],
    ['no state', (url: string) => url.replace(/[?&]state=[0-9a-f]+/, '')],
    ['a state of another browser', () => 'https://app.example/onboarding/return?state=00112233445566778899aabbccddeeff'],
  ])('a return with %s rejects with redirect_state_mismatch and sends nothing', async (_, tamper) => {
    const { storage, returnUrl } = await leave();
    const sent = api.requests.length;
    const error = await rejectionOf(createClient({ storage }).handleRedirect(tamper(returnUrl)));
    expect(error.code).toBe('redirect_state_mismatch');
    expect(api.requests.length).toBe(sent);
  });

  it('a replayed return (the state was used, then the page was loaded again) rejects and sends nothing', async () => {
    const { storage, returnUrl } = await leave();
    await createClient({ storage }).handleRedirect(returnUrl);
    const sent = api.requests.length;
    // A new page: a new storage object with the same contents, as after a reload.
    const error = await rejectionOf(createClient({ storage: duplicate(storage) }).handleRedirect(returnUrl));
    expect(error.code).toBe('redirect_state_mismatch');
    expect(api.requests.length).toBe(sent);
  });

  it('a return with no pending redirect rejects; followRedirect refuses unsafe addresses and a missing returnUrl', async () => {
    browser();
    const storage = new MemoryStorage();
    expect((await rejectionOf(createClient({ storage }).handleRedirect('https://app.example/r?state=abc'))).code).toBe('redirect_state_mismatch');
    const session = await createClient({ storage }).startSession({ skill: SKILL, tenantUserId: 'u-42' });
    expect(() => session.followRedirect('https://bank.example/')).toThrow(expect.objectContaining({ code: 'invalid_state' }));
    session.returnUrl('https://app.example/r');
    for (const bad of ['javascript:alert(1)', 'http://bank.example/', '/relative', 42]) {
      expect(() => session.followRedirect(bad)).toThrow(expect.objectContaining({ code: 'invalid_redirect_url' }));
    }
  });

  it('bank redirects need storage', async () => {
    browser();
    const session = await createClient().startSession({ skill: SKILL, tenantUserId: 'u-42' });
    session.returnUrl('https://app.example/r');
    expect(() => session.followRedirect('https://bank.example/')).toThrow(expect.objectContaining({ code: 'invalid_config' }));
  });
});
