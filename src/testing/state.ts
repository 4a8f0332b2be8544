/**
 * The fake API's state and protocol rules (PROTOCOL §1-4, §6), free of msw so
 * the rules read as plain code. Every method validates like a strict server
 * and throws `MockApiError`; a rejected request changes nothing (in particular
 * it does not spend the nonce), so a client can correct and retry.
 */
import type {
  CreateSessionResponse,
  ExchangeTokenResponse,
  SubmitStepResponse,
  UploadResponse,
} from '../protocol.js';
import { describeFile, isBlobLike, optionalString, requireObject, requireStrings, type UploadParts } from './body.js';
import type { BankDesk } from './bank.js';
import type { MockClock } from './clock.js';
import { badRequest, notFound, unauthorized } from './errors.js';
import { randomToken, randomUuid } from './random.js';
import type { MockSession, MockSkill, MockUpload } from './types.js';

/** Options resolved by `createMockOnboardingApi`. */
export interface StateConfig {
  skills: ReadonlyMap<string, MockSkill>;
  clientId: string | undefined;
  clientAppKey: string | undefined;
  clientSecret: string | undefined;
  /** Credentials left `undefined` accept any value (only ever true when asked for). */
  acceptAnyCredentials: boolean;
  nonceTtlMs: number;
  uploadRotatesNonce: boolean;
  lastStepNonce: boolean;
  requireTenantUserId: boolean;
  /** The fake bank: the bank step's return_url and ticket, the consent later steps need. */
  bank: BankDesk;
}

interface SessionRecord {
  id: string;
  skill: string;
  steps: readonly string[];
  tenantUserId: string | undefined;
  completedSteps: string[];
  stepIds: string[];
  uploads: MockUpload[];
  nonce: { value: string; issuedAt: number } | undefined;
  tempToken: string | undefined;
}

const DAY_MS = 24 * 60 * 60 * 1000;
/** Lifetimes of the fake consent; the documented example has retention one month past consent expiry. */
const CONSENT_DAYS = 90;
const RETENTION_DAYS = 120;

export class OnboardingState {
  private sessions = new Map<string, SessionRecord>();
  /** step_id -> the step it answered, so uploads can find their session. */
  private stepsById = new Map<string, { session: SessionRecord; name: string }>();
  /** temp token -> whether it was already exchanged (single use). */
  private tempTokens = new Map<string, { exchanged: boolean }>();

  constructor(
    private readonly config: StateConfig,
    private readonly clock: MockClock,
  ) {}

  createSession(body: unknown): CreateSessionResponse {
    const fields = requireStrings(body, ['client_id', 'client_app_key', 'skill']);
    const tenantUserId = optionalString(fields, 'tenant_user_id');
    if (this.config.requireTenantUserId && !tenantUserId) {
      throw badRequest(
        'missing_fields',
        'missing fields: tenant_user_id (production requires it: pass `tenantUserId` to startSession(); ' +
          'a test that means to leave it out creates the kit with `requireTenantUserId: false`)',
      );
    }
    this.checkClientId(fields.client_id);
    if (this.config.clientAppKey !== undefined && fields.client_app_key !== this.config.clientAppKey) {
      throw unauthorized('invalid_client_app_key', 'client_app_key is not valid for this client_id');
    }
    const skill = this.config.skills.get(fields.skill);
    if (!skill) throw badRequest('invalid_skill_name', `unknown skill "${fields.skill}"`);

    const session: SessionRecord = {
      id: randomUuid(),
      skill: fields.skill,
      steps: skill.steps,
      tenantUserId,
      completedSteps: [],
      stepIds: [],
      uploads: [],
      nonce: undefined,
      tempToken: undefined,
    };
    this.sessions.set(session.id, session);
    return { nonce: this.issueNonce(session), session_id: session.id, status: 'SESSION_CREATED' };
  }

  submitStep(sessionId: string, body: unknown): SubmitStepResponse {
    const fields = requireStrings(body, ['client_id', 'nonce', 'skill', 'step']);
    const stepData = requireObject(fields, 'data');
    this.checkClientId(fields.client_id);
    const session = this.sessions.get(sessionId);
    if (!session) throw notFound('invalid_session_id', `no session with id "${sessionId}"`);
    if (fields.skill !== session.skill) {
      throw badRequest('invalid_skill_name', `session runs skill "${session.skill}", request names "${fields.skill}"`);
    }
    // Completion is checked before the nonce: a finished session has no usable
    // nonce, and "already completed" tells the client more than "invalid nonce".
    this.checkNotCompleted(session);
    // The nonce is checked before the step name, so that replaying a request
    // whose answer was lost meets 401 invalid_nonce, as on the real API.
    this.checkNonce(session, fields.nonce);
    const expected = session.steps[session.completedSteps.length]!;
    if (fields.step !== expected) {
      const why = session.steps.includes(fields.step) ? 'out of order' : `unknown to skill "${session.skill}"`;
      throw badRequest('invalid_step', `step "${fields.step}" is ${why}; expected "${expected}"`);
    }
    const skill = this.config.skills.get(session.skill)!;
    const returnUrl = this.config.bank.check(session.id, skill, session.completedSteps.length, fields.step, stepData);

    const stepId = randomUuid();
    session.completedSteps.push(fields.step);
    session.stepIds.push(stepId);
    this.stepsById.set(stepId, { session, name: fields.step });
    const data = structuredClone(skill.responses?.[fields.step] ?? {});
    if (returnUrl !== undefined) data.redirect_url = this.config.bank.open(session.id, skill.bank!, returnUrl);

    if (session.completedSteps.length < session.steps.length) {
      return { step_id: stepId, nonce: this.issueNonce(session), status: 'SESSION_IN_PROGRESS', data };
    }
    const tempToken = randomToken(32);
    session.tempToken = tempToken;
    this.tempTokens.set(tempToken, { exchanged: false });
    session.nonce = undefined;
    const nonce = this.config.lastStepNonce ? { nonce: this.issueNonce(session) } : {};
    return { step_id: stepId, temp_token: tempToken, ...nonce, status: 'SESSION_COMPLETED', data };
  }

  upload(stepId: string, parts: UploadParts): UploadResponse {
    const fields = requireStrings(parts, ['client_id', 'nonce']);
    const file = parts.file;
    if (file === null || file === undefined) throw badRequest('missing_fields', 'missing fields: file');
    if (!isBlobLike(file)) throw badRequest('invalid_field', 'the file part must be a file, not a text field');
    const described = describeFile(file);
    // No MIME type check: multipart parsing never yields an empty one (an
    // unlabeled part reads as text/plain), so tests assert the recorded type.
    if (!described.name) throw badRequest('invalid_field', 'the file part has no file name');
    this.checkClientId(fields.client_id);
    const owner = this.stepsById.get(stepId);
    if (!owner) throw notFound('invalid_step', `no step with id "${stepId}"`);
    const session = owner.session;
    this.checkNotCompleted(session);
    this.checkNonce(session, fields.nonce);
    this.checkUploadTarget(session, stepId, owner.name);

    session.uploads.push({ stepId, ...described });
    const nonce = this.config.uploadRotatesNonce ? { nonce: this.issueNonce(session) } : {};
    return { step_id: stepId, status: 'UPLOAD_RECEIVED', ...nonce };
  }

  exchangeToken(body: unknown): ExchangeTokenResponse {
    const fields = requireStrings(body, ['client_id', 'client_secret', 'temp_token']);
    this.checkClientId(fields.client_id);
    if (this.config.clientSecret === undefined && !this.config.acceptAnyCredentials) {
      throw unauthorized(
        'invalid_client_secret',
        'the testing kit has no client secret to check against: pass `clientSecret` (the one your backend sends) ' +
          'to createMockOnboardingApi, or `acceptAnyCredentials: true` to accept any',
      );
    }
    if (this.config.clientSecret !== undefined && fields.client_secret !== this.config.clientSecret) {
      throw unauthorized('invalid_client_secret', 'client_secret is not valid for this client_id');
    }
    const token = this.tempTokens.get(fields.temp_token);
    if (!token || token.exchanged) {
      throw unauthorized('invalid_temp_token', token ? 'temp_token was already exchanged' : 'unknown temp_token');
    }
    token.exchanged = true;
    const now = this.clock.now();
    return {
      credentials_id: randomUuid(),
      access_token: randomToken(32),
      consent_exp: isoSeconds(now + CONSENT_DAYS * DAY_MS),
      max_data_retention: isoSeconds(now + RETENTION_DAYS * DAY_MS),
    };
  }

  /** The step (name and session) that issued `stepId`, for records and fault matching. */
  stepOwner(stepId: string): { sessionId: string; name: string } | undefined {
    const owner = this.stepsById.get(stepId);
    return owner && { sessionId: owner.session.id, name: owner.name };
  }

  snapshot(): MockSession[] {
    return [...this.sessions.values()].map((s) => ({
      id: s.id,
      skill: s.skill,
      ...(s.tenantUserId !== undefined && { tenantUserId: s.tenantUserId }),
      status: s.tempToken ? 'SESSION_COMPLETED' : s.completedSteps.length > 0 ? 'SESSION_IN_PROGRESS' : 'SESSION_CREATED',
      completedSteps: [...s.completedSteps],
      stepIds: [...s.stepIds],
      uploads: [...s.uploads],
      ...(s.nonce && { nonce: s.nonce.value, nonceIssuedAt: s.nonce.issuedAt }),
      ...(s.tempToken !== undefined && { tempToken: s.tempToken }),
    }));
  }

  issuedTempTokens(): string[] {
    return [...this.tempTokens.keys()];
  }

  reset(): void {
    this.sessions.clear();
    this.stepsById.clear();
    this.tempTokens.clear();
  }

  /** Replaces the session's nonce: the previous one can never be used again. */
  private issueNonce(session: SessionRecord): string {
    const value = randomToken();
    session.nonce = { value, issuedAt: this.clock.now() };
    return value;
  }

  private checkClientId(clientId: string): void {
    if (this.config.clientId !== undefined && clientId !== this.config.clientId) {
      throw unauthorized('invalid_client_id', 'unknown client_id');
    }
  }

  /**
   * Files belong to the step that asked for them: only a step the skill lists
   * under `uploads`, and only while it is the session's latest step (once the
   * next step is submitted, that step is finished).
   */
  private checkUploadTarget(session: SessionRecord, stepId: string, step: string): void {
    const uploads = this.config.skills.get(session.skill)?.uploads ?? [];
    if (!uploads.includes(step)) {
      const listed = uploads.length > 0 ? `only ${uploads.map((s) => `"${s}"`).join(', ')}` : 'none of its steps';
      throw badRequest(
        'invalid_step',
        `step "${step}" takes no uploads (skill "${session.skill}" lists ${listed} under \`uploads\`); ` +
          `if it should, list the step under \`uploads\` in the kit's skill`,
      );
    }
    const latestIndex = session.stepIds.length - 1;
    if (session.stepIds[latestIndex] !== stepId) {
      throw badRequest(
        'invalid_step',
        `step "${step}" is finished: the session has moved on to step "${session.completedSteps[latestIndex]}"; ` +
          'upload a step\'s files after submitting it and before submitting the next step',
      );
    }
  }

  /** Kit-chosen: a completed session answers 400 invalid_step to any further step or upload. */
  private checkNotCompleted(session: SessionRecord): void {
    if (session.tempToken !== undefined) {
      throw badRequest('invalid_step', `session "${session.id}" is already completed`);
    }
  }

  private checkNonce(session: SessionRecord, nonce: string): void {
    const current = session.nonce;
    if (!current || nonce !== current.value) {
      throw unauthorized('invalid_nonce', "nonce is not the session's current nonce (already used or unknown)");
    }
    const age = this.clock.now() - current.issuedAt;
    if (age >= this.config.nonceTtlMs) {
      throw unauthorized('expired_nonce', `nonce expired: issued ${age} ms ago, lifetime ${this.config.nonceTtlMs} ms`);
    }
  }
}

/** ISO 8601 without milliseconds, as in the documented example (`2020-11-03T11:22:54Z`). */
function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
