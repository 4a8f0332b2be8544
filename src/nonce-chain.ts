import type { ResolvedConfig } from './config.js';
import { OnboardingError } from './errors.js';
import { claimNonce } from './internal/nonce-claims.js';
import { later } from './internal/timer.js';

/** What a nonce chain reads of the client's config: the app key (a secret to redact), the lifetime, the warning and the clock. */
export type NonceChainConfig = Pick<ResolvedConfig, 'clientAppKey' | 'nonceTtlMs' | 'nonceWarningMs' | 'now'>;

/** What the chain's timers report to its session. */
export interface NonceChainHooks {
  /** The nonce expires in `msLeft` (`nonceWarningMs` before its end). */
  onWarning: (msLeft: number) => void;
  /** The nonce is dead by the clock. */
  onDue: () => void;
}

/**
 * A session's nonce chain: the current nonce and when it was issued, the
 * timers that warn before it expires and report when it has, and every secret
 * the session has held. Each nonce is single-use and lives `ttlMs`; `spend()`
 * hands out the current one only while it is alive and only to this chain
 * (page-wide: a twin of this session may never send one of its nonces), and
 * `rotate()` takes the next one from an answer.
 */
export class NonceChain {
  readonly #config: NonceChainConfig;
  readonly #hooks: NonceChainHooks;
  #nonce: string | undefined;
  #issuedAt: number;
  #timers: ReturnType<typeof setTimeout>[] = [];
  readonly #owner = {};
  readonly #scope: object | undefined;
  /**
   * The app key, every nonce and the temp token this session has held: an
   * error mapped after a rotation, or after the end, must still redact the one it sent.
   */
  readonly secrets: string[];

  /** `scope` is the storage the session persists to: only sessions sharing one can be twins (see nonce-claims.ts). */
  constructor(config: NonceChainConfig, scope: object | undefined, nonce: string, issuedAt: number, hooks: NonceChainHooks) {
    this.#config = config;
    this.#scope = scope;
    this.#hooks = hooks;
    this.#nonce = nonce;
    this.#issuedAt = issuedAt;
    this.secrets = [config.clientAppKey, nonce];
  }

  /** The nonce the next call sends; undefined once the session ended. */
  get current(): string | undefined {
    return this.#nonce;
  }

  /** When the current nonce was issued (ms since the epoch, on the SDK's clock). */
  get issuedAt(): number {
    return this.#issuedAt;
  }

  /** When the current nonce dies. */
  get expiresAt(): number {
    return this.#issuedAt + this.#config.nonceTtlMs;
  }

  /** True once the clock says the nonce is dead, or the chain ended. */
  get dead(): boolean {
    return this.#nonce === undefined || this.#config.now() >= this.expiresAt;
  }

  /** The nonce to send now. The caller checks `dead` first; a twin session's claim is refused here. */
  spend(): string {
    const nonce = this.#nonce!;
    if (!claimNonce(this.#scope, nonce, this.#owner)) {
      throw new OnboardingError(
        'invalid_state',
        'Another OnboardingSession object on this page already uses this session (it was resumed twice, e.g. by two clients on one storage); continue with that one.',
      );
    }
    return nonce;
  }

  /**
   * Takes the next nonce. `issuedAt` is when the request was sent: the server's
   * clock started no later, so ours must not either. Without a nonce (another
   * tab's news, which never carries one) only the clock follows.
   */
  rotate(nonce: string | undefined, issuedAt: number): void {
    if (nonce !== undefined && nonce !== this.#nonce) this.hold((this.#nonce = nonce));
    this.#issuedAt = issuedAt;
    this.arm();
  }

  /** Keeps a secret for redaction (the temp token, a redirect's state); returns it. */
  hold<T extends string>(secret: T): T {
    this.secrets.push(secret);
    return secret;
  }

  /** Forgets the nonce for good: an ended session sends nothing. */
  end(): void {
    this.#nonce = undefined;
    this.disarm();
  }

  /**
   * Arms the warning and expiry timers. Timers are clamped to setTimeout's
   * ceiling: one that fires before the expiry re-arms itself (`rearm`), and a
   * warning already past is then not given twice.
   */
  arm(rearm = false): void {
    this.disarm();
    if (this.#nonce === undefined) return;
    const { nonceWarningMs: warningMs, now } = this.#config;
    const { onWarning, onDue } = this.#hooks;
    const left = this.expiresAt - now();
    if (warningMs > 0 && left > 0 && !(rearm && left <= warningMs)) {
      this.#timers.push(later(left - warningMs, () => onWarning(Math.max(0, this.expiresAt - now()))));
    }
    this.#timers.push(later(left, () => (now() >= this.expiresAt ? onDue() : this.arm(true))));
  }

  /** Stops the timers (the chain itself stays usable). */
  disarm(): void {
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers = [];
  }
}

/**
 * What the API's refusal of a nonce means for the session, in the SDK's words
 * (the API's code stays in `apiCode`): `expired_nonce` is `nonce_expired`;
 * `invalid_nonce` or `invalid_session_id` mean the server already spent the
 * nonce, most likely on a call whose answer was lost — the chain is out of step
 * (`session_failed`) and no retry can repair it. A 2xx the SDK could not use
 * (`invalid_response`) spent the nonce too. Undefined for any other error.
 */
export function nonceRefusal(error: OnboardingError, what: string): OnboardingError | undefined {
  const { apiCode } = error;
  if (apiCode === 'expired_nonce') {
    return new OnboardingError('nonce_expired', `${what} was refused: the server says the nonce expired. Start a new session.`, {
      ...error,
      retryable: false,
    });
  }
  if (apiCode === 'invalid_nonce' || apiCode === 'invalid_session_id') {
    return new OnboardingError(
      'session_failed',
      `${what} was refused (${apiCode}): the session is out of step with the server, probably because an earlier answer was lost. Start a new session.`,
      { ...error, retryable: false },
    );
  }
  if (error.code === 'invalid_response' && error.status !== undefined && error.status < 300) {
    // The server answered 2xx: it accepted the call and spent the nonce, but gave no usable next one.
    return new OnboardingError('invalid_response', `${error.message} The server accepted the call, so its nonce is spent: start a new session.`, {
      ...error,
    });
  }
  return undefined;
}
