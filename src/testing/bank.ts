/**
 * The fake bank's rules, free of msw like state.ts: the bank step's
 * `return_url`, the single-use tickets its `redirect_url` carries, what a visit
 * to the bank page does, and whether a session may go on past the bank step.
 */
import type { MockBank, MockBankBehaviour, MockBankOutcome, MockBankReturn, MockBankStep, MockBankVisit } from './bank-types.js';
import { badRequest } from './errors.js';
import { randomToken } from './random.js';
import type { MockSkill } from './types.js';

const OUTCOMES: readonly MockBankOutcome[] = ['approve', 'deny', 'bare', 'twice'];
/** The outcomes after which the bank has given its consent. */
const APPROVING: ReadonlySet<MockBankOutcome> = new Set(['approve', 'twice']);

/** The path of the bank page under the kit's `baseUrl`. */
export const BANK_PATH = '/bank/authorize';

interface Ticket {
  sessionId: string;
  returnUrl: string;
  /** The skill's `bank` options; replaced at the first visit by a queued `api.bank.next()`. */
  behaviour: Required<MockBankBehaviour>;
  /** Fixed at the first visit; returns the ticket still allows. */
  returnsLeft: number | undefined;
  outcomes: MockBankOutcome[];
}

/** What the page should answer to a visit. */
export type BankAnswer =
  | { kind: 'page'; approveUrl: string; denyUrl: string; outcome: MockBankOutcome }
  | { kind: 'return'; location: string }
  | { kind: 'refused'; reason: string };

/** The fake bank's state: tickets, the queue of `next()` behaviours, and what it recorded. */
export class BankDesk implements MockBank {
  private tickets = new Map<string, Ticket>();
  private bySession = new Map<string, Ticket>();
  private queue: MockBankBehaviour[] = [];
  private visitLog: MockBankVisit[] = [];
  private returnLog: MockBankReturn[] = [];

  /** `pageUrl`: the bank page's absolute address, `{baseUrl}/bank/authorize`. */
  constructor(private readonly pageUrl: string) {}

  get visits(): MockBankVisit[] {
    return this.visitLog.map((v) => ({ ...v }));
  }

  get returns(): MockBankReturn[] {
    return this.returnLog.map((r) => ({ ...r }));
  }

  get lastReturnUrl(): string | undefined {
    return this.returnLog.at(-1)?.url;
  }

  next(behaviour: MockBankBehaviour): void {
    checkBehaviour(behaviour, 'api.bank.next');
    this.queue.push({ ...behaviour });
  }

  /**
   * The bank rules for step `index` (`step`) of a session, checked before the
   * state accepts it (throws `MockApiError`, nothing changes). Returns the
   * checked `return_url` when `step` is the bank step.
   */
  check(sessionId: string, skill: MockSkill, index: number, step: string, data: Record<string, unknown>): string | undefined {
    const bank = skill.bank;
    if (!bank) return undefined;
    const bankIndex = skill.steps.indexOf(bank.step);
    if (index === bankIndex) return checkReturnUrl(step, data.return_url);
    if (index < bankIndex || !(bank.requireApproval ?? true)) return undefined;
    const outcomes = this.bySession.get(sessionId)?.outcomes ?? [];
    if (outcomes.some((o) => APPROVING.has(o))) return undefined;
    const why =
      outcomes.length > 0
        ? `the bank answered "${outcomes.at(-1)}", without consent: this session cannot go on, start a new one`
        : `the user has not come back from the bank approving: open the bank step's data.redirect_url and press Approve (#bank-approve), or use autoReturn`;
    throw badRequest(
      'sca_not_completed',
      `step "${step}" needs the bank's consent first (strong customer authentication of "${bank.step}"): ${why}; ` +
        'a test that does not go to the bank creates the kit with `bank: { requireApproval: false }`',
    );
  }

  /** Issues the ticket for an accepted bank step; returns the step's `redirect_url`. */
  open(sessionId: string, bank: MockBankStep, returnUrl: string): string {
    const value = randomToken();
    const ticket: Ticket = {
      sessionId,
      returnUrl,
      behaviour: { outcome: bank.outcome ?? 'approve', autoReturn: bank.autoReturn ?? false },
      returnsLeft: undefined,
      outcomes: [],
    };
    this.tickets.set(value, ticket);
    this.bySession.set(sessionId, ticket);
    const url = new URL(this.pageUrl);
    url.searchParams.set('session', sessionId);
    url.searchParams.set('ticket', value);
    return url.href;
  }

  /** A request to the bank page (`url` as requested): shows the page, sends the user back, or refuses. */
  visit(url: URL): BankAnswer {
    const sessionId = url.searchParams.get('session') ?? undefined;
    const answer = this.answer(url, sessionId);
    const result = answer.kind === 'refused' ? 'refused' : answer.kind;
    this.visitLog.push({
      url: url.href,
      ...(sessionId !== undefined && { sessionId }),
      result,
      status: { page: 200, return: 302, refused: 400 }[result],
      ...(answer.kind === 'refused' && { reason: answer.reason }),
    });
    return answer;
  }

  /** What `api.bank` shows: the desk's rules and `reset` stay the kit's own. */
  view(): MockBank {
    const desk = this;
    return {
      next: (behaviour) => desk.next(behaviour),
      get visits() {
        return desk.visits;
      },
      get returns() {
        return desk.returns;
      },
      get lastReturnUrl() {
        return desk.lastReturnUrl;
      },
    };
  }

  reset(): void {
    this.tickets.clear();
    this.bySession.clear();
    this.queue = [];
    this.visitLog = [];
    this.returnLog = [];
  }

  private answer(url: URL, sessionId: string | undefined): BankAnswer {
    const value = url.searchParams.get('ticket');
    const decision = url.searchParams.get('decision');
    const ticket = value ? this.tickets.get(value) : undefined;
    if (!ticket) return refuse(value ? 'unknown ticket (from another kit, or forgotten by api.reset())' : 'the address carries no ticket');
    if (ticket.sessionId !== sessionId) return refuse('the ticket was issued for another session');
    if (decision !== null && decision !== 'approve' && decision !== 'deny') return refuse(`unknown decision ${JSON.stringify(decision)}`);
    if (ticket.returnsLeft === undefined) {
      const queued = this.queue.shift();
      if (queued) ticket.behaviour = { ...ticket.behaviour, ...definedOnly(queued) };
      ticket.returnsLeft = ticket.behaviour.outcome === 'twice' ? 2 : 1;
    }
    if (ticket.returnsLeft === 0) return refuse('this bank link was already used: a ticket is good for one return');
    const { outcome, autoReturn } = ticket.behaviour;
    if (decision === null && !autoReturn) {
      const link = (choice: string) => {
        const next = new URL(url);
        next.searchParams.set('decision', choice);
        return next.href;
      };
      return { kind: 'page', approveUrl: link('approve'), denyUrl: link('deny'), outcome };
    }
    const returned: MockBankOutcome = decision === 'deny' ? 'deny' : outcome;
    ticket.returnsLeft -= 1;
    ticket.outcomes.push(returned);
    const location = returnAddress(ticket.returnUrl, returned);
    this.returnLog.push({ sessionId: ticket.sessionId, outcome: returned, url: location });
    return { kind: 'return', location };
  }
}

const refuse = (reason: string): BankAnswer => ({ kind: 'refused', reason });

function definedOnly(behaviour: MockBankBehaviour): MockBankBehaviour {
  return Object.fromEntries(Object.entries(behaviour).filter(([, v]) => v !== undefined));
}

/** The return address for an outcome: the bank's parameters added to the app's own (its `state` kept), or none at all (`bare`). */
function returnAddress(returnUrl: string, outcome: MockBankOutcome): string {
  const url = new URL(returnUrl);
  if (outcome === 'bare') {
    url.search = '';
    url.hash = '';
  } else if (outcome === 'deny') {
    url.searchParams.set('error', 'access_denied');
  } else {
    url.searchParams.set('code', 'ok');
  }
  return url.href;
}

/** The bank step's `return_url`, as a strict API would check it. */
function checkReturnUrl(step: string, value: unknown): string {
  const hint =
    `the bank step "${step}" needs data.return_url, the absolute http(s) address the bank sends the user back to ` +
    "(the SDK builds it: session.returnUrl('https://app.example/return'))";
  if (value === undefined || value === null || value === '') throw badRequest('missing_fields', `missing fields: data.return_url; ${hint}`);
  if (typeof value !== 'string') throw badRequest('invalid_field', `data.return_url must be a string; ${hint}`);
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:')) {
    throw badRequest('invalid_field', `data.return_url ${JSON.stringify(value.slice(0, 80))} is not an absolute http(s) address; ${hint}`);
  }
  if (url.username || url.password) throw badRequest('invalid_field', 'data.return_url must not carry a user name or password');
  return url.href;
}

function checkBehaviour(behaviour: MockBankBehaviour, where: string): void {
  if (typeof behaviour !== 'object' || behaviour === null) throw new TypeError(`${where}: expected an object like { outcome: 'deny' }`);
  const { outcome, autoReturn } = behaviour;
  if (outcome !== undefined && !OUTCOMES.includes(outcome)) {
    throw new TypeError(`${where}: outcome must be one of ${OUTCOMES.map((o) => `'${o}'`).join(', ')}, got ${JSON.stringify(outcome)}`);
  }
  if (autoReturn !== undefined && typeof autoReturn !== 'boolean') throw new TypeError(`${where}: autoReturn must be a boolean`);
}

/** Validates a skill's `bank` when the kit is created: a typo fails there, not as a puzzling answer mid-test. */
export function checkBankStep(name: string, skill: MockSkill): void {
  const bank = skill.bank;
  if (bank === undefined) return;
  const where = `createMockOnboardingApi: skill "${name}": bank`;
  checkBehaviour(bank, where);
  if (typeof bank.step !== 'string' || !skill.steps.includes(bank.step)) {
    throw new TypeError(`${where}.step must be one of the skill's steps, got ${JSON.stringify(bank.step)}`);
  }
  if (bank.step === skill.steps[skill.steps.length - 1]) {
    throw new TypeError(`${where}.step "${bank.step}" is the last step, which completes the session: the user could not come back to it`);
  }
  if (bank.requireApproval !== undefined && typeof bank.requireApproval !== 'boolean') {
    throw new TypeError(`${where}.requireApproval must be a boolean`);
  }
  if (skill.responses?.[bank.step]?.redirect_url !== undefined) {
    throw new TypeError(`${where}: responses["${bank.step}"] has its own redirect_url; the kit's bank answers it (leave one of them out)`);
  }
}
