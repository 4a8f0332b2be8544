/**
 * Compile-time behaviour of typed skills, checked by vitest's typecheck mode
 * inside `npm test` (nothing here runs): an `expectTypeOf` that does not hold,
 * or an `@ts-expect-error` line that compiles, fails its test.
 */
import { describe, expectTypeOf, it } from 'vitest';
import * as z from 'zod/mini';
import { OnboardingClient, defineSkill, type OnboardingSession, type StepResult, type StepsOf } from '../src/index.js';

const kyc = defineSkill('xyz_sbx_#3.0', {
  steps: {
    product_form: z.object({ value: z.string(), currency: z.enum(['EUR', 'RON']), period: z.string() }),
    kyc_documents: z.object({}),
    confirm: z.object({ accept: z.literal(true) }),
  },
});

const client = new OnboardingClient({ baseUrl: 'https://api.typed.test/v1', clientId: 'c', clientAppKey: 'k', onTempToken: () => {} });

type KycSession = OnboardingSession<StepsOf<typeof kyc>>;
type PlainSession = OnboardingSession<StepsOf<'plain_skill'>>;
declare const session: KycSession;
declare const plain: PlainSession;

describe('a session of a defined skill', () => {
  it('is what startSession and resumeSession give for that skill', () => {
    expectTypeOf(client.startSession({ skill: kyc, tenantUserId: 'u-42' })).resolves.toEqualTypeOf<KycSession>();
    expectTypeOf(client.resumeSession({ skill: kyc })).resolves.toEqualTypeOf<KycSession | null>();
  });

  it('types the data of each step by the step name', () => {
    expectTypeOf(session.submitStep<'confirm'>).parameter(1).toEqualTypeOf<{ accept: true }>();
    expectTypeOf(session.submitStep<'product_form'>).parameter(1).toEqualTypeOf<{ value: string; currency: 'EUR' | 'RON'; period: string }>();
    expectTypeOf(session.submitStep<'confirm'>).returns.resolves.toEqualTypeOf<StepResult>();
  });

  it('refuses an unknown step name, wrong data, a missing field and a value outside an enum', () => {
    // @ts-expect-error unknown step name
    void session.submitStep('nope', {});
    // @ts-expect-error wrong data for the step
    void session.submitStep('confirm', { accept: false });
    // @ts-expect-error missing field
    void session.submitStep('product_form', { value: '1', currency: 'EUR' });
    // @ts-expect-error currency outside the enum
    void session.submitStep('product_form', { value: '1', currency: 'USD', period: '12' });
  });

  it('names the next step with the union of its step names', () => {
    expectTypeOf<KycSession['currentStep']>().toEqualTypeOf<'product_form' | 'kyc_documents' | 'confirm' | undefined>();
  });
});

describe('a session of a plain string skill', () => {
  it('takes any step name with any object as its data', () => {
    expectTypeOf(client.startSession({ skill: 'plain_skill', tenantUserId: 'u-42' })).resolves.toEqualTypeOf<PlainSession>();
    expectTypeOf(plain.submitStep<'anything'>).parameter(1).toEqualTypeOf<Record<string, unknown>>();
    expectTypeOf(plain.submitStep('one', { whatever: 1 })).resolves.toEqualTypeOf<StepResult>();
  });

  it('still refuses data that is not an object', () => {
    // @ts-expect-error a step's data is an object
    void plain.submitStep('one', 'redirect');
  });
});

describe('naming a typed session as users write it', () => {
  it('OnboardingSession<typeof kyc> is the session startSession gives for kyc, and types its steps', async () => {
    const named: OnboardingSession<typeof kyc> = await client.startSession({ skill: kyc });
    const back: KycSession = named;
    void back;
    expectTypeOf(named.submitStep<'confirm'>).parameter(1).toEqualTypeOf<{ accept: true }>();
    expectTypeOf(named.currentStep).toEqualTypeOf<'product_form' | 'kyc_documents' | 'confirm' | undefined>();
    // @ts-expect-error unknown step name
    void named.submitStep('nope', {});
    // @ts-expect-error wrong data for the step
    void named.submitStep('confirm', { accept: false });
  });

  it('a bank return resumes the same typed session', () => {
    expectTypeOf(client.handleRedirect(undefined, { skill: kyc })).resolves.toHaveProperty('session').toEqualTypeOf<KycSession>();
    expectTypeOf(client.handleRedirect()).resolves.toHaveProperty('params').toEqualTypeOf<Record<string, string>>();
  });
});
