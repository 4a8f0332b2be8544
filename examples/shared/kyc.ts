import { defineSkill } from 'onboarding-sdk';
import * as z from 'zod/mini';

/** The KYC skill this app runs: its steps in order, each with the data schema the SDK checks before sending. */
export const kyc = defineSkill('xyz_kyc_sbx_#3.0', {
  steps: {
    product_form: z.object({
      value: z.string().check(z.regex(/^[1-9]\d{2,7}$/, 'Enter an amount between 100 and 99,999,999')),
      currency: z.enum(['EUR', 'RON']),
      period: z.enum(['6', '12', '24', '36']),
    }),
    personal_data: z.object({
      first_name: z.string().check(z.trim(), z.minLength(1, 'Enter your first name')),
      last_name: z.string().check(z.trim(), z.minLength(1, 'Enter your last name')),
      birth_date: z.string().check(z.regex(/^\d{4}-\d{2}-\d{2}$/, 'Enter your date of birth')),
    }),
    kyc_documents: z.object({}),
    confirm: z.object({ accept: z.literal(true, 'Please confirm to continue') }),
  },
  uploads: {
    kyc_documents: { accept: ['image/jpeg', 'image/png', 'application/pdf'], maxBytes: 10_000_000 },
  },
});

export type ProductForm = { value: string; currency: 'EUR' | 'RON'; period: '6' | '12' | '24' | '36' };
export type PersonalData = { first_name: string; last_name: string; birth_date: string };
