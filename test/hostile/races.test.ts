/**
 * What a review found after issue 8's fixes, each as the attack that found it:
 * a fetch that ignores its signal, twins of one stored session, a 200 the SDK
 * cannot use, signals of joined starts, handoff calls given up, mutable
 * snapshot arrays, and a fetch answering Response.error(). A custom `fetch`
 * plays the server, so each case is exact and needs no socket.
 */
import { describe, expect, it, vi } from 'vitest';
import { OnboardingClient, type OnboardingClientConfig } from '../../src/index.js';
import { exchangeTempToken } from '../../src/server/index.js';
import { MemoryStorage, rejectionOf } from '../helpers.js';

const BASE = 'https://api.example.com/v1';
const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const HANG = Symbol('hang');
const within = <T>(promise: Promise<T>, ms: number) =>
  Promise.race([promise.then((value) => ({ value }), (error: unknown) => ({ error })), tick(ms).then(() => HANG)]);

/** A fake API: sessions `s<n>`, a fresh nonce per answer, steps named `last` complete. */
function api() {
  let n = 0;
  const sent: string[] = [];
  const fetch: typeof globalThis.fetch = async (input, init) => {
    const url = String(input);
    const body = JSON.parse(String(init?.body ?? '{}')) as { nonce?: string; step?: string };
    if (body.nonce) sent.push(body.nonce);
    if (url.endsWith('/sessions')) return json({ session_id: `s${++n}`, nonce: `nonce-${n}-abcdef`, status: 'SESSION_CREATED' });
    n++;
    if (body.step === 'last') return json({ step_id: `st${n}`, temp_token: 'temp-token-secret', status: 'SESSION_COMPLETED', data: {} });
    return json({ step_id: `st${n}`, nonce: `nonce-${n}-abcdef`, status: 'SESSION_IN_PROGRESS', data: {} });
  };
  return { fetch, sent };
}

const client = (fetch: typeof globalThis.fetch, more: Partial<OnboardingClientConfig> = {}) =>
  new OnboardingClient({ baseUrl: BASE, clientId: 'c', clientAppKey: 'app-key-123456', onTempToken: async () => {}, fetch, ...more });

describe('a custom fetch that ignores its signal', () => {
  it('cannot hang startSession past timeoutMs', async () => {
    const outcome = await within(client(() => new Promise<Response>(() => {}), { timeoutMs: 100 }).startSession({ skill: 'x' }), 2_000);
    expect(outcome).not.toBe(HANG);
    expect((outcome as { error: { code: string } }).error.code).toBe('timeout');
  });

  it('cannot hang exchangeTempToken past timeoutMs', async () => {
    const call = exchangeTempToken({ baseUrl: BASE, clientId: 'c', clientSecret: 'secret-123456', tempToken: 'tt-123456', timeoutMs: 100, fetch: () => new Promise<Response>(() => {}) });
    const outcome = await within(call, 2_000);
    expect((outcome as { error: { code: string } }).error.code).toBe('timeout');
  });

  it('cannot hang a call by answering after the deadline with a body that never ends', async () => {
    const silent = async () => {
      await tick(150);
      return new Response(new ReadableStream({ start() {} }), { status: 200 });
    };
    const outcome = await within(client(silent, { timeoutMs: 100 }).startSession({ skill: 'x' }), 2_000);
    expect((outcome as { error: { code: string } }).error.code).toBe('timeout');
  });

  it('answering Response.error() is a retryable network_error', async () => {
    const error = await rejectionOf(client(async () => Response.error()).startSession({ skill: 'x' }));
    expect(error).toMatchObject({ code: 'network_error', retryable: true });
  });
});

describe('a 200 the SDK cannot use', () => {
  it('fails the session, so the spent nonce is never sent again', async () => {
    const { fetch, sent } = api();
    let steps = 0;
    const hostile: typeof globalThis.fetch = (input, init) =>
      String(input).endsWith('/steps') && ++steps === 1 ? fetch(input, init).then(() => json({ step_id: '..', nonce: 'fresh-abcdef', status: 'X' })) : fetch(input, init);
    const session = await client(hostile).startSession({ skill: 'x' });

    expect((await rejectionOf(session.submitStep('a', {}))).code).toBe('invalid_response');
    expect(session.status).toBe('failed');
    expect((await rejectionOf(session.submitStep('a', {}))).code).toBe('session_failed');
    expect(new Set(sent).size).toBe(sent.length);
  });
});

describe('twins of one stored session (two clients on one storage)', () => {
  it('a refused twin neither sets the record back to a spent nonce nor removes it', async () => {
    const { fetch } = api();
    const storage = new MemoryStorage();
    const options = { storage, nonceWarningMs: 2_000, nonceTtlMs: 3_000 };
    const a = await client(fetch, options).startSession({ skill: 'x' });
    const b = (await client(fetch, options).resumeSession())!;
    await tick(500);
    await a.submitStep('a', {}); // a's new nonce lives until ~3.5 s
    const stored = () => JSON.parse(storage.getItem('onboarding-sdk:c') ?? 'null')?.nonce as string | undefined;
    const live = stored();

    expect((await rejectionOf(b.submitStep('a', {}))).code).toBe('invalid_state');
    await tick(600); // b's warning fires (1 s after start): it must not write its spent nonce back
    expect(stored()).toBe(live);
    await tick(2_000); // b expires (3 s after start, ~3.1 s now): it must not remove a's record
    expect(b.status).toBe('expired');
    expect(stored()).toBe(live);
    expect(a.status).toBe('active');
  });
});

describe('startSession joined by a second caller', () => {
  it('still creates the session for the second caller when the first aborts (StrictMode: effect, cleanup, effect)', async () => {
    let posts = 0;
    const slow: typeof globalThis.fetch = async (input, init) => {
      // A fetch whose signal is already aborted sends nothing.
      if (!init?.signal?.aborted) posts++;
      await tick(50);
      return api().fetch(input, init);
    };
    const c = client(slow);
    const first = new AbortController();
    const p1 = c.startSession({ skill: 'x', signal: first.signal });
    first.abort();
    const p2 = c.startSession({ skill: 'x', signal: new AbortController().signal });

    expect((await rejectionOf(p1)).code).toBe('aborted');
    expect((await p2).status).toBe('active');
    expect(posts).toBe(1);
  });

  it("ends a joined caller's wait at once when its own signal aborts", async () => {
    const slow: typeof globalThis.fetch = async (input, init) => {
      await tick(300);
      return api().fetch(input, init);
    };
    const c = client(slow);
    const p1 = c.startSession({ skill: 'x' });
    const mine = new AbortController();
    const p2 = c.startSession({ skill: 'x', signal: mine.signal });
    setTimeout(() => mine.abort(), 10);

    const outcome = await within(p2, 200);
    expect((outcome as { error: { code: string } }).error.code).toBe('aborted');
    expect((await p1).status).toBe('active');
  });
});

describe('handoff calls given up', () => {
  async function completed(more: Partial<OnboardingClientConfig>) {
    const c = client(api().fetch, more);
    const session = await c.startSession({ skill: 'x' });
    return { c, session, step: await session.submitStep('last', {}) };
  }

  it('retryHandoff with an already aborted signal calls nothing and keeps the token', async () => {
    let fail = true;
    const onTempToken = vi.fn(async () => {
      if (fail) throw new Error('down');
    });
    const { session } = await completed({ onTempToken });
    fail = false;
    const aborted = AbortSignal.abort();

    expect((await rejectionOf(session.retryHandoff({ signal: aborted }))).code).toBe('aborted');
    await tick(20);
    expect(onTempToken).toHaveBeenCalledTimes(1);
    expect(session.handoffPending).toBe(true);
  });

  it("a late failure of an abandoned call does not mark the retry that replaced it as failed", async () => {
    let k = 0;
    const onTempToken = () => {
      const call = ++k;
      return new Promise<void>((resolve, reject) => setTimeout(() => (call === 1 ? reject(new Error('late')) : resolve()), call === 1 ? 150 : 80));
    };
    const errors: string[] = [];
    const c = client(api().fetch, { handoffTimeoutMs: 100, onTempToken });
    c.on('error', (e) => errors.push(e.error.code));
    const session = await c.startSession({ skill: 'x' });
    const step = await session.submitStep('last', {}); // call 1 given up at 100 ms
    expect(step.handedOff).toBe(false);
    const seen: string[] = [];
    session.subscribe(() => seen.push(session.getSnapshot().handoff));

    await session.retryHandoff(); // call 2 runs from ~100 ms to ~180 ms; call 1 fails at ~150 ms

    expect(seen).not.toContain('failed');
    expect(session.getSnapshot().handoff).toBe('delivered');
    expect(errors).toEqual(['handoff_failed']); // only the first call's time limit
  });
});

describe('snapshots', () => {
  it('hand out frozen arrays: a push cannot move the session', async () => {
    const session = await client(api().fetch).startSession({ skill: 'x' });
    await session.submitStep('a', {});
    const steps = session.getSnapshot().completedSteps as string[];

    expect(() => steps.push('z')).toThrow(TypeError);
    expect(session.stepIndex).toBe(1);
  });
});
