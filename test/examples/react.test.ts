// @vitest-environment happy-dom
/**
 * examples/react (an app on `useOnboarding` from onboarding-sdk/react) under
 * React 19 StrictMode, against the testing kit on msw/node: one session, one
 * handoff, a resume after a reload, and documents that are each sent once —
 * a rejected one is re-picked alone, an accepted one never re-sent.
 *
 * StrictMode (development builds, as here) mounts, unmounts and re-mounts
 * every component and runs effects twice; the first test proves that
 * double-invocation really happens in this harness. The hook itself is tested
 * in test/react/.
 */
import { StrictMode, act, createElement as h, useEffect, useState, type ReactNode } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { OnboardingClient, type SkillDefinition } from '../../src/index.js';
import { createMockOnboardingApi } from '../../src/testing/index.js';

// The example imports the package by name; vitest.config.ts maps the name to the sources.
// Loaded by path: the example is type-checked by its own tsconfig (JSX, the
// `onboarding-sdk` paths), so the root type check does not follow it. The test
// is .ts with createElement for the same reason.
const example = (file: string) => import(/* @vite-ignore */ fileURLToPath(new URL(`../../examples/react/src/${file}`, import.meta.url)));
const { App } = (await example('App.tsx')) as { App: (props: { client: OnboardingClient }) => ReactNode };
// A plain path: Vite rewrites `new URL(<template>, import.meta.url)` into a glob of that one folder.
const sharedKyc = join(dirname(fileURLToPath(import.meta.url)), '../../examples/shared/kyc.ts');
const { kyc } = (await import(/* @vite-ignore */ sharedKyc)) as { kyc: SkillDefinition };

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

const BASE = 'https://api.example.com/v1';
const CREDS = { clientId: 'react-client', clientAppKey: 'react-app-key' };
const api = createMockOnboardingApi({
  baseUrl: BASE,
  skills: { [kyc.name]: { steps: [...kyc.stepNames], uploads: Object.keys(kyc.uploads) } },
  ...CREDS,
});
const server = setupServer(...api.handlers);

beforeAll(() => server.listen({ onUnhandledFrame: 'error' }));
afterAll(() => server.close());

let root: Root | undefined;
let container: HTMLElement;
beforeEach(() => {
  container = document.createElement('div');
  document.body.append(container);
});
afterEach(async () => {
  await act(async () => root?.unmount());
  root = undefined;
  container.remove();
  api.reset();
  sessionStorage.clear();
});

function makeClient(onTempToken: (token: string) => Promise<void> | void, withStorage = true) {
  return new OnboardingClient({ baseUrl: BASE, ...CREDS, onTempToken, ...(withStorage && { storage: sessionStorage }) });
}

async function render(ui: ReactNode) {
  root = createRoot(container);
  await act(async () => root!.render(h(StrictMode, null, ui)));
}

const sessionsCreated = () => api.requests.filter((r) => r.endpoint === 'sessions').length;
const status = () => container.querySelector('#app')?.getAttribute('data-status');

async function until(check: () => boolean, what: string) {
  await vi.waitFor(
    async () => {
      await act(async () => {});
      if (!check()) throw new Error(`still waiting for ${what}; status=${status()} text=${container.textContent?.slice(0, 200)}`);
    },
    { timeout: 10_000, interval: 20 },
  );
}

function setField(form: HTMLFormElement, name: string, value: string) {
  (form.elements.namedItem(name) as HTMLInputElement).value = value;
}

async function submit(selector: string, fill?: (form: HTMLFormElement) => void) {
  const form = container.querySelector<HTMLFormElement>(selector);
  if (!form) throw new Error(`no ${selector} in: ${container.innerHTML.slice(0, 300)}`);
  fill?.(form);
  await act(async () => {
    form.requestSubmit();
  });
}

async function chooseFile(name: string, file: File) {
  const input = container.querySelector<HTMLInputElement>(`input[name="${name}"]`)!;
  Object.defineProperty(input, 'files', { configurable: true, value: [file] });
  await act(async () => {
    input.dispatchEvent(new Event('change', { bubbles: true }));
  });
}

async function toDocuments() {
  await until(() => container.querySelector('#product-form') !== null, 'the product form');
  await submit('#product-form');
  await until(() => container.querySelector('#personal-form') !== null, 'the personal data form');
  await submit('#personal-form', (f) => {
    setField(f, 'first_name', 'Ana');
    setField(f, 'last_name', 'Pop');
    setField(f, 'birth_date', '1990-04-01');
  });
  await until(() => container.querySelector('#documents-form') !== null, 'the documents form');
}

const passport = () => new File([new Uint8Array(256 * 1024).fill(7)], 'passport.jpg', { type: 'image/jpeg' });
const selfie = () => new File([new Uint8Array(64 * 1024).fill(9)], 'selfie.png', { type: 'image/png' });
const docStatus = (kind: string) => container.querySelector(`#${kind}-status`)?.textContent ?? '';
const docProblem = (kind: string) => container.querySelector(`[data-error-for="${kind}"]`)?.textContent ?? '';
const uploads = () => api.sessions[0]!.uploads.map((u) => [u.name, u.size]);

async function confirm() {
  await until(() => container.querySelector('#confirm-form') !== null, 'the confirm form');
  await submit('#confirm-form', (f) => ((f.elements.namedItem('accept') as HTMLInputElement).checked = true));
}

async function clickThroughApp() {
  await toDocuments();
  await chooseFile('id', passport());
  await chooseFile('selfie', selfie());
  await submit('#documents-form');
  await confirm();
}

describe('examples/react under StrictMode', () => {
  it('harness check: StrictMode double-invokes effects here, and even a naive hook gets one session (the client joins a double start)', async () => {
    const client = makeClient(() => {});
    let effectRuns = 0;
    function Naive() {
      const [id, setId] = useState<string>();
      useEffect(() => {
        effectRuns++;
        void client.startSession({ skill: kyc, tenantUserId: 'u-42' }).then((s) => setId(s.id));
      }, []);
      return h('p', null, id);
    }
    await render(h(Naive));
    await until(() => effectRuns === 2 && sessionsCreated() === 1, 'two effect runs');
    await act(async () => {});
    expect(effectRuns).toBe(2);
    expect(sessionsCreated()).toBe(1);
  });

  it('the app creates ONE session and hands off ONCE through a full KYC flow', async () => {
    const onTempToken = vi.fn(async (_token: string) => {});
    const client = makeClient(onTempToken);
    await render(h(App, { client }));
    await clickThroughApp();
    await until(() => status() === 'done', 'done');

    expect(sessionsCreated()).toBe(1);
    expect(api.sessions).toHaveLength(1);
    expect(api.sessions[0]).toMatchObject({ status: 'SESSION_COMPLETED', completedSteps: [...kyc.stepNames] });
    expect(api.sessions[0]!.uploads.map((u) => [u.name, u.size])).toEqual([
      ['passport.jpg', 256 * 1024],
      ['selfie.png', 64 * 1024],
    ]);
    expect(onTempToken).toHaveBeenCalledTimes(1);
    expect(onTempToken).toHaveBeenCalledWith(api.issuedTempTokens[0], expect.objectContaining({ sessionId: api.sessions[0]!.id }));
    expect(container.querySelector('#done')?.textContent).toContain('verified');
    // Every call was accepted: no duplicate step, no reused nonce.
    expect(api.requests.map((r) => r.responseStatus).every((s) => s === 200)).toBe(true);
    expect(api.requests.filter((r) => r.endpoint === 'steps').map((r) => r.step)).toEqual([...kyc.stepNames]);
    expect(sessionStorage.length).toBe(0);

    // Re-mounting the finished app (e.g. a route change) neither starts nor hands off again.
    await act(async () => root!.unmount());
    root = createRoot(container);
    await act(async () => root!.render(h(StrictMode, null, h(App, { client }))));
    await until(() => status() === 'done', 'done again');
    expect(sessionsCreated()).toBe(1);
    expect(onTempToken).toHaveBeenCalledTimes(1);
  });

  it('a failed handoff is retried only when the user asks: onTempToken runs once per attempt', async () => {
    const onTempToken = vi.fn<(token: string) => Promise<void>>().mockRejectedValueOnce(new Error('backend down')).mockResolvedValue(undefined);
    const client = makeClient(onTempToken, false);
    await render(h(App, { client }));
    await clickThroughApp();
    await until(() => status() === 'handoff-failed', 'handoff-failed');
    // However often React re-renders, nothing calls onTempToken again on its own.
    await act(async () => new Promise((r) => setTimeout(r, 100)));
    expect(onTempToken).toHaveBeenCalledTimes(1);
    const retry = [...container.querySelectorAll('button')].find((b) => b.textContent === 'Try again')!;
    await act(async () => retry.click());
    await until(() => status() === 'done', 'done');
    expect(onTempToken).toHaveBeenCalledTimes(2);
    expect(onTempToken.mock.calls[1]![0]).toBe(onTempToken.mock.calls[0]![0]);
    expect(sessionsCreated()).toBe(1);
  });

  it('a selfie the skill refuses is re-picked alone: the accepted passport stays, and is sent once', async () => {
    const client = makeClient(() => {});
    await render(h(App, { client }));
    await toDocuments();
    await chooseFile('id', passport());
    await chooseFile('selfie', new File([new Uint8Array(1000)], 'selfie.gif', { type: 'image/gif' }));
    await submit('#documents-form');
    await until(() => docProblem('selfie') !== '', "the selfie's problem");

    // Still the same form: the passport is recorded as accepted, the selfie input alone asks for another file.
    expect(uploads()).toEqual([['passport.jpg', 256 * 1024]]);
    expect(docStatus('id')).toBe('passport.jpg · uploaded ✓');
    expect(docProblem('id')).toBe('');
    expect(docProblem('selfie')).toContain('choose another');
    expect(container.querySelector<HTMLInputElement>('#id-file')!.disabled).toBe(true);
    expect(container.querySelector('.alert')).toBeNull();

    await chooseFile('selfie', selfie());
    await submit('#documents-form');
    await confirm();
    await until(() => status() === 'done', 'done');

    expect(uploads()).toEqual([
      ['passport.jpg', 256 * 1024],
      ['selfie.png', 64 * 1024],
    ]);
    expect(api.requests.filter((r) => r.endpoint === 'steps').map((r) => r.step)).toEqual([...kyc.stepNames]);
    expect(sessionsCreated()).toBe(1);
  });

  it('an ID the server fails to take is sent again alone; the accepted selfie is not', async () => {
    const client = makeClient(() => {});
    await render(h(App, { client }));
    await toDocuments();
    await chooseFile('id', passport());
    await chooseFile('selfie', selfie());
    api.inject({ kind: 'status', status: 500, endpoint: 'upload' }); // the first upload: the ID
    await submit('#documents-form');
    await until(() => docProblem('id') !== '' && docStatus('selfie').includes('uploaded'), 'the ID refused, the selfie accepted');
    expect(uploads()).toEqual([['selfie.png', 64 * 1024]]);
    expect(docStatus('id')).toBe('passport.jpg · 256 KB');

    // Nothing re-picked: the kept passport is sent again, and only it.
    await submit('#documents-form');
    await confirm();
    await until(() => status() === 'done', 'done');
    expect(uploads()).toEqual([
      ['selfie.png', 64 * 1024],
      ['passport.jpg', 256 * 1024],
    ]);
    expect(api.requests.filter((r) => r.endpoint === 'upload').map((r) => r.responseStatus)).toEqual([500, 200, 200]);
  });

  it('resumes the stored session on a remount after a reload instead of creating another', async () => {
    const first = makeClient(() => {});
    await render(h(App, { client: first }));
    await until(() => container.querySelector('#product-form') !== null, 'the product form');
    await submit('#product-form');
    await until(() => container.querySelector('#personal-form') !== null, 'the personal data form');
    await act(async () => root!.unmount());

    // A "reload": a new client over the same sessionStorage.
    const second = makeClient(() => {});
    root = createRoot(container);
    await act(async () => root!.render(h(StrictMode, null, h(App, { client: second }))));
    await until(() => container.querySelector('#personal-form') !== null, 'the personal data form after the reload');
    expect(sessionsCreated()).toBe(1);
  });
});
