// Issue 5 (typed skills) against the PACKED package: TypeScript sees the
// tarball's own .d.ts files, and the runtime checks run against the strict server.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { defineSkill } from 'onboarding-sdk';
import * as z from 'zod/mini';
import { assert } from './lib.mjs';
import { KYC_SKILL, expectError, setup } from './sdk.mjs';

const kyc = () =>
  defineSkill(KYC_SKILL, {
    steps: {
      product_form: z.object({ value: z.string(), currency: z.enum(['EUR', 'RON']), period: z.string() }),
      kyc_documents: z.object({}),
      review: z.object({}),
      confirm: z.object({ accept: z.literal(true) }),
    },
    uploads: { kyc_documents: { accept: ['image/jpeg', 'application/pdf'], maxBytes: 100_000 } },
  });

const PRELUDE = `
import { OnboardingClient, defineSkill, type OnboardingSession, type StepsOf } from 'onboarding-sdk';
import * as z from 'zod/mini';
const kyc = defineSkill('xyz_kyc_sbx_#3.0', {
  steps: {
    product_form: z.object({ value: z.string(), currency: z.enum(['EUR', 'RON']), period: z.string() }),
    kyc_documents: z.object({}),
    confirm: z.object({ accept: z.literal(true) }),
  },
});
const client = new OnboardingClient({ baseUrl: 'https://api.example.com/v1', clientId: 'c', clientAppKey: 'k', onTempToken: async () => {} });
export async function flow() {
  const s = await client.startSession({ skill: kyc });
`;
const CORRECT = `
  await s.submitStep('product_form', { value: '100000', currency: 'EUR', period: '12' });
  await s.submitStep('kyc_documents', {});
  const r = await s.submitStep('confirm', { accept: true });
  const done: boolean = r.completed;
  const next: 'product_form' | 'kyc_documents' | 'confirm' | undefined = s.currentStep;
  const plain = await client.startSession({ skill: 'any_skill_#1.0' });
  await plain.submitStep('whatever', { any: 1 });
  // Issue 12: a typed session named as users write it, and the same type by its steps.
  const named: OnboardingSession<typeof kyc> = s;
  const byGetter: OnboardingSession<typeof kyc> = await client.startSession({ skill: kyc });
  const bySteps: OnboardingSession<StepsOf<typeof kyc>> = named;
  await byGetter.submitStep('confirm', { accept: true });
  return [done, next, bySteps];
}`;
const WRONG = {
  'an unknown step name': `await s.submitStep('nope', {});`,
  'wrong data for a step': `await s.submitStep('confirm', { accept: false });`,
  'a missing field': `await s.submitStep('product_form', { value: '1', currency: 'EUR' });`,
  'a value outside an enum': `await s.submitStep('product_form', { value: '1', currency: 'USD', period: '12' });`,
  'wrong data through OnboardingSession<typeof kyc>': `const t: import('onboarding-sdk').OnboardingSession<typeof kyc> = s; await t.submitStep('confirm', { accept: false });`,
};

function tsc(source) {
  // Inside the consumer project, so 'onboarding-sdk' resolves to the installed tarball.
  const dir = mkdtempSync(path.join(process.cwd(), '..', '..', 'types-'));
  try {
    writeFileSync(path.join(dir, 'flow.ts'), source);
    const compilerOptions = { noEmit: true, strict: true, target: 'es2022', module: 'nodenext', moduleResolution: 'nodenext', lib: ['es2023', 'dom'], types: [] };
    writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions, files: ['flow.ts'] }));
    const r = spawnSync(process.execPath, [process.env.ACCEPTANCE_TSC, '-p', dir], { encoding: 'utf8' });
    return { ok: r.status === 0, out: `${r.stdout}${r.stderr}`.trim() };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export const checks = [
  {
    name: 'tsc: correct typed-skill code compiles against the tarball\'s types (plain string skills accept any step)',
    async run() {
      assert.ok(process.env.ACCEPTANCE_TSC, 'ACCEPTANCE_TSC not set by the runner');
      const r = tsc(PRELUDE + CORRECT);
      assert.ok(r.ok, `tsc failed on correct code:\n${r.out}`);
    },
  },
  ...Object.entries(WRONG).map(([what, line]) => ({
    name: `tsc: ${what} is a compile-time error`,
    async run() {
      const r = tsc(`${PRELUDE}  ${line}\n}`);
      assert.ok(!r.ok, `tsc accepted ${what}`);
      // The error must be in the flow itself, on the offending line — not a config or import problem.
      const at = PRELUDE.split('\n').length;
      assert.match(r.out, new RegExp(`flow\\.ts\\(${at},\\d+\\): error TS\\d+`), r.out);
    },
  })),
  {
    name: 'invalid data rejects with validation_error, the server receives nothing, and the same nonce then submits the valid data',
    async run(t) {
      const h = await setup(t);
      const s = await h.client.startSession({ skill: kyc() });
      const before = h.server.requests.length;
      const err = await expectError(h, s.submitStep('product_form', { value: '1', currency: 'USD', period: '12' }), { code: 'validation_error' });
      assert.deepEqual(err.issues.map((i) => i.path), [['currency']]);
      assert.equal(h.server.requests.length, before, 'a request was sent for invalid data');
      const r = await s.submitStep('product_form', { value: '1', currency: 'EUR', period: '12' });
      assert.equal(r.completed, false);
      const stepReq = h.server.requests.at(-1);
      const created = h.server.requests.find((q) => q.route === 'sessions');
      assert.ok(created.issuedNonce, 'no nonce recorded for the session');
      assert.equal(stepReq.nonce, created.issuedNonce, 'the valid submit did not reuse the unspent nonce');
      assert.equal(h.server.requests.filter((q) => q.route === 'steps').length, 1);
    },
  },
  {
    name: 'a file of a disallowed type or over maxBytes is refused without a request',
    async run(t) {
      const h = await setup(t);
      const s = await h.client.startSession({ skill: kyc() });
      await s.submitStep('product_form', { value: '1', currency: 'RON', period: '6' });
      await s.submitStep('kyc_documents', {});
      const before = h.server.requests.length;
      await expectError(h, s.upload(new File([new Uint8Array(10)], 'a.gif', { type: 'image/gif' })), { code: 'validation_error' });
      await expectError(h, s.upload(new File([new Uint8Array(100_001)], 'big.jpg', { type: 'image/jpeg' })), { code: 'validation_error' });
      assert.equal(h.server.requests.length, before, 'a refused file reached the server');
      const ok = await s.upload(new File([new Uint8Array(100_000)], 'id.pdf', { type: 'application/pdf' }));
      assert.equal(ok.fileName, 'id.pdf');
    },
  },
  {
    name: 'step:submitted carries index and total; the session reports the next step; out-of-order steps send nothing',
    async run(t) {
      const h = await setup(t);
      const s = await h.client.startSession({ skill: kyc() });
      assert.deepEqual([s.currentStep, s.stepIndex, s.totalSteps], ['product_form', 0, 4]);
      const before = h.server.requests.length;
      await expectError(h, s.submitStep('review', {}), { code: 'step_out_of_order' });
      assert.equal(h.server.requests.length, before);
      await s.submitStep('product_form', { value: '1', currency: 'EUR', period: '12' });
      await s.submitStep('kyc_documents', {});
      assert.equal(s.currentStep, 'review');
      await s.submitStep('review', {});
      await s.submitStep('confirm', { accept: true });
      const submitted = h.events.filter((e) => e.type === 'step:submitted').map((e) => [e.payload.step, e.payload.index, e.payload.total]);
      assert.deepEqual(submitted, [['product_form', 0, 4], ['kyc_documents', 1, 4], ['review', 2, 4], ['confirm', 3, 4]]);
      assert.equal(s.currentStep, undefined);
      assert.equal(h.tokens.length, 1);
    },
  },
];
