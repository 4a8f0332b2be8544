/**
 * Storage under stress: a record tampered into the future, two clients on
 * one storage racing on one stored nonce, a double click on "start", and a
 * session that ends while another client's newer session owns the record.
 * The nonce is single-use: the API must never see one twice, and a record
 * must never be lost to a session it does not belong to.
 */
import { describe, expect, it, vi } from 'vitest';
import { OnboardingClient, isOnboardingError, type OnboardingClientConfig, type StorageLike } from '../../src/index.js';
import { MemoryStorage } from '../helpers.js';
import { apiError, json, settle, sleep, useServers } from './server.js';

const servers = useServers();

const SKILL = 'xyz_sbx_#3.0';
const CLIENT_ID = 'storage-client';

/** A Map-backed storage, shared by the clients of a test as a page's sessionStorage would be. */
class MapStorage extends MemoryStorage {
  /** The one record, parsed. */
  record(): Record<string, unknown> | undefined {
    const [value] = [...this.map.values()];
    return value === undefined ? undefined : (JSON.parse(value) as Record<string, unknown>);
  }
}

function client(storage: StorageLike, overrides: Partial<OnboardingClientConfig> = {}): OnboardingClient {
  return new OnboardingClient({
    baseUrl: servers.hostile.baseUrl,
    clientId: CLIENT_ID,
    clientAppKey: 'storage-app-key-3c8d1e',
    onTempToken: vi.fn(),
    timeoutMs: 3_000,
    storage,
    ...overrides,
  });
}

/** Starts a session with one client so the storage holds its record; returns the record's nonce. */
async function storedSession(storage: MapStorage): Promise<{ id: string; nonce: string }> {
  const session = await client(storage).startSession({ skill: SKILL, tenantUserId: 'u-42' });
  const record = storage.record();
  expect(record?.sessionId).toBe(session.id);
  expect(typeof record?.nonce).toBe('string');
  return { id: session.id, nonce: record!.nonce as string };
}

describe('a stored record', () => {
  it('whose nonceIssuedAt was moved a year into the future is refused by resumeSession (null)', async () => {
    const storage = new MapStorage();
    await storedSession(storage);
    const [key, value] = [...storage.map][0]!;
    storage.setItem(key, JSON.stringify({ ...JSON.parse(value), nonceIssuedAt: Date.now() + 365 * 24 * 3600 * 1000 }));

    expect(await client(storage).resumeSession()).toBeNull();
  });
});

describe('two clients on one storage that both resume the stored session', () => {
  it('never send its nonce twice when each submits a step at the same time', async () => {
    const storage = new MapStorage();
    const { nonce } = await storedSession(storage);
    const a = await client(storage).resumeSession();
    const b = await client(storage).resumeSession();
    expect(a).not.toBeNull();
    expect(b).not.toBeNull();

    const outcomes = await Promise.all([settle(a!.submitStep('product_form', { value: '1' })), settle(b!.submitStep('product_form', { value: '1' }))]);

    expect(servers.hostile.nonces.filter((n) => n === nonce).length, 'times the API received the stored nonce').toBeLessThanOrEqual(1);
    for (const outcome of outcomes) if (!outcome.ok) expect(isOnboardingError(outcome.error), String(outcome.error)).toBe(true);
    expect(outcomes.filter((o) => o.ok).length, 'one of them carries on').toBeGreaterThanOrEqual(1);
  });

  it('never send its nonce twice when they submit one after the other', async () => {
    const storage = new MapStorage();
    const { nonce } = await storedSession(storage);
    const a = await client(storage).resumeSession();
    const b = await client(storage).resumeSession();

    const first = await settle(a!.submitStep('product_form', { value: '1' }));
    const second = await settle(b!.submitStep('product_form', { value: '1' }));

    expect(first.ok).toBe(true);
    expect(servers.hostile.nonces.filter((n) => n === nonce).length, 'times the API received the stored nonce').toBeLessThanOrEqual(1);
    if (!second.ok) expect(isOnboardingError(second.error), String(second.error)).toBe(true);
  });
});

describe('one client', () => {
  it('gives the same session object to two resumeSession() calls, one after the other and at once', async () => {
    const storage = new MapStorage();
    await storedSession(storage);
    const c = client(storage);
    const first = await c.resumeSession();
    const second = await c.resumeSession();
    expect(first).not.toBeNull();
    expect(second).toBe(first);

    const other = client(storage);
    const [x, y] = await Promise.all([other.resumeSession(), other.resumeSession()]);
    expect(x).not.toBeNull();
    expect(y).toBe(x);
  });

  it('makes one POST /sessions for a double click (two startSession calls at once) and resolves both with the same session', async () => {
    servers.hostile.route('POST', '/v1/sessions', async (res, req) => {
      await sleep(50); // a slow answer, so the second click lands while the first is out
      json(200, { session_id: 's-once', nonce: servers.hostile.issueNonce(), status: 'SESSION_CREATED' })(res, req);
    });
    const storage = new MapStorage();
    const c = client(storage);

    const [first, second] = await Promise.all([
      c.startSession({ skill: SKILL, tenantUserId: 'u-42' }),
      c.startSession({ skill: SKILL, tenantUserId: 'u-42' }),
    ]);

    expect(servers.hostile.postPaths).toEqual(['/v1/sessions']);
    expect(second).toBe(first);
    expect(await c.resumeSession()).toBe(first);
  });
});

describe('a session that ends', () => {
  it('does not remove the record that another client’s newer session wrote under the same key', async () => {
    const storage = new MapStorage();
    const clientA = client(storage);
    const clientB = client(storage);
    const a = await clientA.startSession({ skill: SKILL, tenantUserId: 'u-42' });
    const b = await clientB.startSession({ skill: SKILL, tenantUserId: 'u-42' });
    expect(storage.record()?.sessionId).toBe(b.id);

    // A's session is refused by the API and ends as failed.
    servers.hostile.route('POST', `/v1/sessions/${a.id}/steps`, apiError(401, { type: 'unauthorized', code: 'invalid_nonce', message: 'used' }));
    await settle(a.submitStep('product_form', { value: '1' }));
    expect(a.status).toBe('failed');

    expect(storage.record()?.sessionId, 'the record B’s session wrote').toBe(b.id);
    const resumed = await client(storage).resumeSession();
    expect(resumed?.id).toBe(b.id);
  });
});
