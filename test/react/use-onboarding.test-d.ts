/**
 * Compile-time behaviour of `useOnboarding`, checked by vitest's typecheck
 * mode inside `npm test` (nothing here runs, so the hook is never called
 * outside a component): a typed skill types the hook's actions as it types
 * the session's.
 */
import { describe, expectTypeOf, it } from 'vitest';
import * as z from 'zod/mini';
import { OnboardingClient, defineSkill, type OnboardingError, type OnboardingSession, type OnboardingSessionSnapshot, type StepResult, type UploadResult } from '../../src/index.js';
import { useOnboarding, type OnboardingStatus } from '../../src/react/index.js';

const kyc = defineSkill('xyz_sbx_#3.0', {
  steps: {
    product_form: z.object({ value: z.string(), currency: z.enum(['EUR', 'RON']), period: z.string() }),
    kyc_documents: z.object({}),
    confirm: z.object({ accept: z.literal(true) }),
  },
});

declare const client: OnboardingClient;

describe('useOnboarding with a skill from defineSkill', () => {
  const ob = useOnboarding(client, { skill: kyc, tenantUserId: 'u-42', resume: true });

  it('gives the state the contract names', () => {
    expectTypeOf(ob.status).toEqualTypeOf<OnboardingStatus>();
    expectTypeOf<OnboardingStatus>().toEqualTypeOf<'idle' | 'starting' | 'active' | 'completed' | 'expired' | 'failed'>();
    expectTypeOf(ob.session).toEqualTypeOf<OnboardingSession<typeof kyc> | null>();
    expectTypeOf(ob.snapshot).toEqualTypeOf<OnboardingSessionSnapshot | null>();
    expectTypeOf(ob.error).toEqualTypeOf<OnboardingError | null>();
  });

  it('types submitStep by step name and data, as the session does', () => {
    expectTypeOf(ob.submitStep<'confirm'>).parameter(1).toEqualTypeOf<{ accept: true }>();
    expectTypeOf(ob.submitStep<'product_form'>).parameter(1).toEqualTypeOf<{ value: string; currency: 'EUR' | 'RON'; period: string }>();
    expectTypeOf(ob.submitStep<'confirm'>).returns.resolves.toEqualTypeOf<StepResult>();
    expectTypeOf(ob.start).returns.resolves.toEqualTypeOf<OnboardingSession<typeof kyc>>();
    expectTypeOf(ob.upload).returns.resolves.toEqualTypeOf<UploadResult>();
  });

  it('refuses an unknown step name and wrong data', () => {
    // @ts-expect-error unknown step name
    void ob.submitStep('nope', {});
    // @ts-expect-error wrong data for the step
    void ob.submitStep('confirm', { accept: false });
    // @ts-expect-error a value outside the enum
    void ob.submitStep('product_form', { value: '1', currency: 'USD', period: '12' });
  });
});

describe('useOnboarding with a catalog name', () => {
  it('accepts any step and any object, untyped', () => {
    const ob = useOnboarding(client, { skill: 'plain_skill' });
    void ob.submitStep('anything', { any: 'data' });
    expectTypeOf(ob.session).toEqualTypeOf<OnboardingSession | null>();
  });
});
