/**
 * `useOnboarding` (onboarding-sdk/react) under `<StrictMode>`, against the
 * testing kit on msw/node: shared by one test file per DOM (happy-dom.test.tsx,
 * jsdom.test.tsx), each selecting its vitest environment with a
 * `// @vitest-environment` comment, as test/dom does. Everything uses the
 * environment's own globals (File, sessionStorage, XMLHttpRequest), as an
 * integrator's component test would.
 */
import { StrictMode, useEffect } from 'react';
import { act, cleanup, render, renderHook, screen, waitFor } from '@testing-library/react';
import { setupServer } from 'msw/node';
import * as z from 'zod/mini';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { OnboardingClient, defineSkill, isOnboardingError, type OnboardingClientConfig, type OnboardingError } from '../../src/index.js';
import { useOnboarding, type UseOnboardingOptions, type UseOnboardingResult } from '../../src/react/index.js';
import { createMockOnboardingApi } from '../../src/testing/index.js';

export interface ReactEnvironment {
  /** The vitest environment the calling file runs in. */
  name: 'happy-dom' | 'jsdom';
}

const BASE_URL = 'https://api.example.com/v1';
const CREDENTIALS = { clientId: 'react-client', clientAppKey: 'react-app-key-3f9c' };
const PRODUCT = { value: '100000', currency: 'EUR', period: '12' } as const;

const kyc = defineSkill('xyz_kyc_sbx_#3.0', {
  steps: {
    product_form: z.object({ value: z.string(), currency: z.enum(['EUR', 'RON']), period: z.string() }),
    kyc_documents: z.object({}),
    confirm: z.object({ accept: z.literal(true) }),
  },
  uploads: { kyc_documents: { accept: ['image/jpeg', 'image/png'], maxBytes: 1_000_000, minFiles: 1 } },
});

type Kyc = typeof kyc;
type Flow = UseOnboardingResult<Kyc>;

function client(overrides: Partial<OnboardingClientConfig> = {}): OnboardingClient {
  return new OnboardingClient({ baseUrl: BASE_URL, ...CREDENTIALS, onTempToken: vi.fn(), ...overrides });
}

/** Consecutive duplicates removed: the statuses a user would have seen. */
const distinct = (values: readonly string[]) => values.filter((v, i) => v !== values[i - 1]);

/**
 * Renders the hook inside `<StrictMode>` and records every status it rendered
 * and how often its component's mount effect ran (twice proves StrictMode
 * really double-invoked effects here).
 */
function renderFlow(c: OnboardingClient, options: Partial<UseOnboardingOptions<Kyc>> = {}) {
  const statuses: string[] = [];
  const mounts = { count: 0 };
  const hook = renderHook(
    () => {
      const flow = useOnboarding(c, { skill: kyc, tenantUserId: 'u-42', ...options });
      statuses.push(flow.status);
      useEffect(() => {
        mounts.count++;
      }, []);
      return flow;
    },
    { wrapper: StrictMode },
  );
  return { ...hook, flow: () => hook.result.current, statuses, mounts };
}

/** Runs an action inside act() (its state changes render before the next assertion); resolves with its value or its rejection. */
async function run<T>(action: () => Promise<T>): Promise<T | OnboardingError> {
  let outcome: T | OnboardingError | undefined;
  await act(async () => {
    outcome = await action().catch((error: unknown) => {
      expect(isOnboardingError(error), `expected an OnboardingError, got ${String(error)}`).toBe(true);
      return error as OnboardingError;
    });
  });
  return outcome as T | OnboardingError;
}

async function statusIs(flow: () => Flow, status: Flow['status']) {
  await waitFor(() => expect(flow().status).toBe(status));
}

export function reactScenarios(env: ReactEnvironment): void {
  const api = createMockOnboardingApi({
    baseUrl: BASE_URL,
    skills: { [kyc.name]: { steps: [...kyc.stepNames], uploads: ['kyc_documents'] } },
    ...CREDENTIALS,
  });
  const server = setupServer(...api.handlers);
  beforeAll(() => server.listen({ onUnhandledFrame: 'error' }));
  afterEach(() => {
    // Testing Library cleans up on its own only with vitest's globals on.
    cleanup();
    api.reset();
    sessionStorage.clear();
  });
  afterAll(() => server.close());

  const sessionsCreated = () => api.requests.filter((r) => r.endpoint === 'sessions').length;
  const passport = () => new File([new Uint8Array(20_000).fill(7)], 'passport.jpg', { type: 'image/jpeg' });

  describe(`useOnboarding under <StrictMode> (${env.name})`, () => {
    describe('one session, one handoff', () => {
      it('creates exactly one session on mount with autoStart, though StrictMode runs the effects twice', async () => {
        const { flow, mounts } = renderFlow(client(), { autoStart: true });
        await statusIs(flow, 'active');

        expect(mounts.count).toBe(2);
        expect(sessionsCreated()).toBe(1);
        expect(api.sessions).toHaveLength(1);
        expect(api.sessions[0]!.tenantUserId).toBe('u-42');
        expect(flow().session?.id).toBe(api.sessions[0]!.id);
        expect(flow().snapshot).toMatchObject({ currentStep: 'product_form', stepIndex: 0, totalSteps: 3 });
      });

      it('start() from an effect and a double click share the one session', async () => {
        const c = client();
        const effects = { count: 0 };
        const { result } = renderHook(
          () => {
            const flow = useOnboarding(c, { skill: kyc, tenantUserId: 'u-42' });
            const { start } = flow;
            useEffect(() => {
              effects.count++;
              start().catch(() => {});
            }, [start]);
            return flow;
          },
          { wrapper: StrictMode },
        );
        await statusIs(() => result.current, 'active');
        const [a, b] = (await run(() => Promise.all([result.current.start(), result.current.start()]))) as unknown[];

        expect(effects.count).toBe(2);
        expect(a).toBe(b);
        expect(a).toBe(result.current.session);
        expect(sessionsCreated()).toBe(1);
      });

      it('goes idle → starting → active → completed through a typed flow, and calls onTempToken once', async () => {
        const onTempToken = vi.fn(async () => {});
        const c = client({ onTempToken });
        const { flow, statuses, unmount } = renderFlow(c);
        expect(flow().status).toBe('idle');
        expect(flow().session).toBeNull();
        expect(flow().snapshot).toBeNull();

        await run(() => flow().start());
        await run(() => flow().submitStep('product_form', PRODUCT));
        const docs = await run(() => flow().submitStep('kyc_documents', {}));
        expect(flow().snapshot).toMatchObject({ currentStep: 'confirm', stepIndex: 2, uploads: 0, uploadsRequired: 1 });
        await run(() => flow().upload(passport()));
        expect(flow().snapshot?.uploads).toBe(1);
        const last = await run(() => flow().submitStep('confirm', { accept: true }));

        expect(last).toMatchObject({ completed: true, handedOff: true });
        expect(distinct(statuses)).toEqual(['idle', 'starting', 'active', 'completed']);
        expect(flow().snapshot).toMatchObject({ status: 'completed', handoff: 'delivered', currentStep: undefined });
        expect(flow().error).toBeNull();
        expect(onTempToken).toHaveBeenCalledTimes(1);
        expect(onTempToken).toHaveBeenCalledWith(api.issuedTempTokens[0], expect.objectContaining({ sessionId: api.sessions[0]!.id }));
        expect(api.sessions[0]!.uploads).toMatchObject([{ stepId: (docs as { stepId: string }).stepId, name: 'passport.jpg', size: 20_000 }]);
        expect(api.requests.every((r) => r.responseStatus === 200)).toBe(true);

        // A remount (a route change) with autoStart neither starts nor hands off again.
        unmount();
        const again = renderFlow(c, { autoStart: true });
        await act(async () => {});
        expect(again.flow().status).toBe('completed');
        expect(await run(() => again.flow().start())).toBe(flow().session);
        expect(sessionsCreated()).toBe(1);
        expect(onTempToken).toHaveBeenCalledTimes(1);
      });

      it('gives two components of one flow the same session', async () => {
        const c = client();
        function Progress() {
          const { status, snapshot } = useOnboarding(c, { skill: kyc, tenantUserId: 'u-42', autoStart: true });
          return <p data-testid="progress">{`${status} ${snapshot?.stepIndex ?? '-'}/${snapshot?.totalSteps ?? '-'}`}</p>;
        }
        function Step() {
          const { session, snapshot } = useOnboarding(c, { skill: kyc, tenantUserId: 'u-42', autoStart: true });
          return <p data-testid="step">{`${snapshot?.currentStep ?? ''}@${session?.id ?? ''}`}</p>;
        }
        render(
          <StrictMode>
            <Progress />
            <Step />
          </StrictMode>,
        );
        await waitFor(() => expect(screen.getByTestId('progress').textContent).toBe('active 0/3'));
        expect(screen.getByTestId('step').textContent).toBe(`product_form@${api.sessions[0]!.id}`);
        expect(sessionsCreated()).toBe(1);
      });
    });

    describe('resume', () => {
      it('resumes the stored session on a remount after a reload, instead of creating another', async () => {
        const first = renderFlow(client({ storage: sessionStorage }), { resume: true, autoStart: true });
        await statusIs(first.flow, 'active');
        await run(() => first.flow().submitStep('product_form', PRODUCT));
        first.unmount();

        // A reload: a new client over the same storage; resume alone (no autoStart) finds the session.
        const second = renderFlow(client({ storage: sessionStorage }), { resume: true });
        await statusIs(second.flow, 'active');

        expect(distinct(second.statuses)).toEqual(['idle', 'starting', 'active']);
        expect(second.flow().session?.id).toBe(api.sessions[0]!.id);
        expect(second.flow().snapshot).toMatchObject({ currentStep: 'kyc_documents', stepIndex: 1, completedSteps: ['product_form'] });
        await run(() => second.flow().submitStep('kyc_documents', {}));
        expect(sessionsCreated()).toBe(1);
        expect(api.requests.every((r) => r.responseStatus === 200)).toBe(true);
      });

      it('with resume and autoStart after a reload: resumes, still one session', async () => {
        const first = renderFlow(client({ storage: sessionStorage }), { resume: true, autoStart: true });
        await statusIs(first.flow, 'active');
        first.unmount();

        const second = renderFlow(client({ storage: sessionStorage }), { resume: true, autoStart: true });
        await statusIs(second.flow, 'active');
        expect(second.flow().session?.id).toBe(api.sessions[0]!.id);
        expect(sessionsCreated()).toBe(1);
      });

      it("on a bank's return address, resume goes through handleRedirect: the same session, the bank's parameters, the state consumed once", async () => {
        const first = renderFlow(client({ storage: sessionStorage }), { resume: true, autoStart: true });
        await statusIs(first.flow, 'active');
        const session = first.flow().session!;
        const back = new URL(session.returnUrl(`${location.origin}/onboarding/return`));
        // Leaving for the bank: a same-document address, so the test DOM records the redirect without loading a page.
        session.followRedirect(`${location.origin}${location.pathname}#at-the-bank`);
        first.unmount();
        back.searchParams.set('code', 'ok');
        history.replaceState(null, '', back.href);

        const second = renderFlow(client({ storage: sessionStorage }), { resume: true });
        await statusIs(second.flow, 'active');
        expect(second.flow().session?.id).toBe(session.id);
        expect(second.flow().redirectParams).toEqual({ code: 'ok' });
        expect(location.href).not.toContain('state=');
        expect(sessionsCreated()).toBe(1);
        history.replaceState(null, '', '/');
      });

      it('a return address whose state matches no pending redirect is refused into error, nothing sent', async () => {
        history.replaceState(null, '', '/onboarding/return?state=00112233445566778899aabbccddeeff');
        const { flow } = renderFlow(client({ storage: sessionStorage }), { resume: true });
        await waitFor(() => expect(flow().error?.code).toBe('redirect_state_mismatch'));
        expect(api.requests).toHaveLength(0);
        history.replaceState(null, '', '/');
      });

      it('with nothing stored goes back to idle, and start() then creates one session', async () => {
        const { flow, statuses } = renderFlow(client({ storage: sessionStorage }), { resume: true });
        await waitFor(() => expect(distinct(statuses)).toEqual(['idle', 'starting', 'idle']));
        expect(sessionsCreated()).toBe(0);

        await run(() => flow().start());
        expect(flow().status).toBe('active');
        expect(sessionsCreated()).toBe(1);
      });
    });

    describe('errors', () => {
      it('records a refused start in error, rejects start() with it, and goes back to idle', async () => {
        const { flow, statuses } = renderFlow(client({ clientAppKey: 'wrong-key' }));

        const error = (await run(() => flow().start())) as OnboardingError;

        expect(error).toMatchObject({ name: 'OnboardingError', code: 'invalid_client_app_key', status: 401 });
        expect(flow().error).toBe(error);
        expect(flow().status).toBe('idle');
        expect(distinct(statuses)).toEqual(['idle', 'starting', 'idle']);
      });

      it('records a failed start from autoStart in error (no caller to reject to)', async () => {
        const { flow } = renderFlow(client({ clientAppKey: 'wrong-key' }), { autoStart: true });
        await waitFor(() => expect(flow().error?.code).toBe('invalid_client_app_key'));
        expect(flow().status).toBe('idle');
        expect(sessionsCreated()).toBe(1);
      });

      it('rejects data the schema refuses with validation_error, sending nothing; the next action clears it', async () => {
        const { flow } = renderFlow(client(), { autoStart: true });
        await statusIs(flow, 'active');
        const sent = api.requests.length;

        const error = (await run(() => flow().submitStep('product_form', { ...PRODUCT, currency: 'USD' as 'EUR' }))) as OnboardingError;

        expect(error.code).toBe('validation_error');
        expect(flow().error).toBe(error);
        expect(flow().status).toBe('active');
        expect(api.requests.length).toBe(sent);
        await run(() => flow().submitStep('product_form', PRODUCT));
        expect(flow().error).toBeNull();
        expect(flow().snapshot?.stepIndex).toBe(1);
      });

      it('surfaces a server failure in error, the session still active for a retry', async () => {
        const { flow } = renderFlow(client(), { autoStart: true });
        await statusIs(flow, 'active');
        api.inject({ kind: 'status', status: 500, endpoint: 'steps' });

        const error = (await run(() => flow().submitStep('product_form', PRODUCT))) as OnboardingError;

        expect(error).toMatchObject({ status: 500, retryable: true });
        expect(flow().error).toBe(error);
        expect(flow().status).toBe('active');
        await run(() => flow().submitStep('product_form', PRODUCT));
        expect(flow().snapshot?.stepIndex).toBe(1);
      });

      it('rejects an action before start() with invalid_state', async () => {
        const { flow } = renderFlow(client());
        const error = (await run(() => flow().submitStep('product_form', PRODUCT))) as OnboardingError;
        expect(error.code).toBe('invalid_state');
        expect(flow().error).toBe(error);
        expect(sessionsCreated()).toBe(0);
      });

      it('records a failed handoff in error; retryHandoff() calls onTempToken again with the same token', async () => {
        const onTempToken = vi.fn<(token: string) => Promise<void>>().mockRejectedValueOnce(new Error('backend down')).mockResolvedValue(undefined);
        const { flow } = renderFlow(client({ onTempToken }), { autoStart: true });
        await statusIs(flow, 'active');
        await run(() => flow().submitStep('product_form', PRODUCT));
        await run(() => flow().submitStep('kyc_documents', {}));
        await run(() => flow().upload(passport()));

        const last = await run(() => flow().submitStep('confirm', { accept: true }));

        expect(last).toMatchObject({ completed: true, handedOff: false });
        expect(flow().status).toBe('completed');
        expect(flow().snapshot?.handoff).toBe('failed');
        expect(flow().error?.code).toBe('handoff_failed');
        // Re-renders never call it again on their own.
        await act(async () => new Promise((resolve) => setTimeout(resolve, 50)));
        expect(onTempToken).toHaveBeenCalledTimes(1);

        await run(() => flow().retryHandoff());

        expect(onTempToken).toHaveBeenCalledTimes(2);
        expect(onTempToken.mock.calls[1]![0]).toBe(onTempToken.mock.calls[0]![0]);
        expect(flow().snapshot?.handoff).toBe('delivered');
        expect(flow().error).toBeNull();
        expect(sessionsCreated()).toBe(1);
      });

      it('shows an expired session as expired; start() then creates a new one', async () => {
        const { flow, statuses } = renderFlow(client(), { autoStart: true });
        await statusIs(flow, 'active');
        const expired = flow().session;
        api.scenario('expiry-mid-flow');

        const error = (await run(() => flow().submitStep('product_form', PRODUCT))) as OnboardingError;

        expect(error.code).toBe('nonce_expired');
        expect(flow().status).toBe('expired');
        expect(flow().error).toBe(error);
        const next = await run(() => flow().start());
        expect(next).not.toBe(expired);
        expect(flow().session).toBe(next);
        expect(flow().error).toBeNull();
        expect(distinct(statuses)).toEqual(['idle', 'starting', 'active', 'expired', 'starting', 'active']);
        expect(sessionsCreated()).toBe(2);
      });
    });
  });
}
