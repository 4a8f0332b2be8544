/** Public types of the kit's fake bank (PSD2 strong customer authentication by redirect). */

/**
 * What the fake bank does when the user presses Approve on its page (or at
 * once, with `autoReturn`). Every outcome sends the user back to the step's
 * `return_url`:
 * - `'approve'`: with its query (its `state` included) plus `code=ok`;
 * - `'deny'`: with its query plus `error=access_denied`, as an OAuth bank
 *   reports a refusal;
 * - `'bare'`: with no query at all, not even `state` (a bank that drops the
 *   parameters: the app's `handleRedirect` must refuse it);
 * - `'twice'`: as `'approve'`, but the ticket is good for a second return to
 *   the same address (a user going Back to the bank and approving again), so
 *   the app meets the same `state` twice; `api.bank.lastReturnUrl` is that
 *   address, for a test to load again.
 */
export type MockBankOutcome = 'approve' | 'deny' | 'bare' | 'twice';

/** How the fake bank behaves for one visit: per skill (`bank`) or for the next visit (`api.bank.next`). */
export interface MockBankBehaviour {
  /**
   * What the bank answers when the user approves.
   * @default 'approve'
   */
  outcome?: MockBankOutcome;
  /**
   * `true`: the bank page answers 302 straight back to the return address
   * with the `outcome`, so a headless test or a fetch needs no click.
   * `false`: it shows a page whose `#bank-approve` link ("Approve") returns
   * with the `outcome` and whose `#bank-deny` link ("Deny") returns with
   * `error=access_denied`; plain links, no script, so it works under any CSP.
   * @default false
   */
  autoReturn?: boolean;
}

/**
 * Marks one step of a skill as the PSD2 bank redirect, e.g.
 * `bank: { step: 'bank_redirect' }`. Submitting that step requires
 * `data.return_url` (an absolute http(s) address; the SDK builds it with
 * `session.returnUrl(...)`): missing gets 400 `missing_fields`, anything else
 * 400 `invalid_field`, and the nonce is not spent. Its answer carries
 * `data.redirect_url`: the kit's bank page, `{baseUrl}/bank/authorize?session=…&ticket=…`
 * (a single-use ticket of the kit, never a nonce or a secret).
 */
export interface MockBankStep extends MockBankBehaviour {
  /** The step that sends the user to the bank; one of the skill's steps, not the last (it completes the session). */
  step: string;
  /**
   * `true`: a step after the bank step is refused with 400 `sca_not_completed`
   * (nonce not spent) until the user came back from the bank page with
   * `approve` or `twice` — as the real API cannot go on without the bank's
   * consent. After `deny` or `bare` the session cannot go on (start a new
   * one). `false`: the next step is accepted whether or not the bank was visited.
   * @default true
   */
  requireApproval?: boolean;
}

/** A request to the fake bank page, as `api.bank.visits` lists them. */
export interface MockBankVisit {
  /** The address requested, as sent (its `ticket` is the kit's, not a secret). */
  url: string;
  /** The `session` the address named, if any. */
  sessionId?: string;
  /** `'page'`: the Approve/Deny page was shown; `'return'`: the user was sent back (302); `'refused'`: unknown, used or mismatched ticket (400 page). */
  result: 'page' | 'return' | 'refused';
  /** The status answered: 200, 302 or 400. */
  status: number;
  /** Why a `'refused'` visit was refused. */
  reason?: string;
}

/** One time the fake bank sent the user back, as `api.bank.returns` lists them. */
export interface MockBankReturn {
  /** The session whose bank step issued the ticket. */
  sessionId: string;
  /** What the bank answered (`'deny'` also when the user pressed Deny). */
  outcome: MockBankOutcome;
  /** The address the user was sent to: the step's `return_url` with the outcome's parameters. */
  url: string;
}

/** `api.bank`: steer the fake bank and see what it did. */
export interface MockBank {
  /**
   * Queues a behaviour for the next bank ticket visited for the first time
   * (first in, first out; one ticket each), overriding the skill's `bank`
   * options; e.g. `api.bank.next({ outcome: 'deny' })`.
   * @throws TypeError for an unknown outcome or a non-boolean `autoReturn`.
   */
  next(behaviour: MockBankBehaviour): void;
  /** Every request to the bank page, in order. A fresh array each read. */
  readonly visits: readonly MockBankVisit[];
  /** Every return the bank sent, in order. A fresh array each read. */
  readonly returns: readonly MockBankReturn[];
  /** The address of the latest return, to load it again (`'twice'`); `undefined` before any. */
  readonly lastReturnUrl: string | undefined;
}
