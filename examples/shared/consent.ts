import { defineSkill } from 'onboarding-sdk';
import * as z from 'zod/mini';

/**
 * The PSD2 account-information consent this app asks for: the user picks what
 * to share, goes to their bank to approve it (`bank_redirect`, whose answer
 * carries the bank's address) and comes back to confirm.
 */
export const consent = defineSkill('xyz_aisp_sbx_#1.0', {
  steps: {
    consent_form: z.object({
      bank: z.enum(['northwind', 'contoso']),
      scope: z.enum(['balances', 'balances_transactions']),
    }),
    bank_redirect: z.object({ return_url: z.string() }),
    confirm: z.object({ accept: z.literal(true, 'Please confirm to continue') }),
  },
});

export type ConsentForm = { bank: 'northwind' | 'contoso'; scope: 'balances' | 'balances_transactions' };

/** The choices of the consent form, with the words the user reads. */
export const BANKS: [ConsentForm['bank'], string][] = [
  ['northwind', 'Northwind Bank'],
  ['contoso', 'Contoso Savings'],
];
export const SCOPES: [ConsentForm['scope'], string][] = [
  ['balances', 'Balances only'],
  ['balances_transactions', 'Balances and 12 months of transactions'],
];

/** The bank's refusal (`error=access_denied` on the return address), in the user's words, for `userMessage`. */
export const BANK_MESSAGES = {
  access_denied: 'You did not give access at your bank, so nothing was shared. You can start again whenever you like.',
  default: 'Your bank did not give access. Please start again.',
} as const;
