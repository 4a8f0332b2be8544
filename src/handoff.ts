import type { HandoffInfo, ResolvedConfig } from './config.js';
import { OnboardingError } from './errors.js';
import { redact } from './internal/redact.js';
import { later } from './internal/timer.js';

/**
 * Where the temp token stands: `none` before completion, `pending` while it
 * waits to be delivered (first call or a retry), `delivering` while
 * `onTempToken` runs, `delivered` once it succeeded (the token is then
 * dropped), `failed` when it threw, rejected or did not settle in time (the
 * token is kept for `retryHandoff()`).
 */
export type HandoffStatus = 'none' | 'pending' | 'delivering' | 'delivered' | 'failed';

/** What a handoff reads of the client's config: the callback and how long to wait for it. */
export type HandoffConfig = Pick<ResolvedConfig, 'onTempToken' | 'handoffTimeoutMs'>;

/** Every change of status goes through the session's one transition. */
export type HandoffChange = (status: HandoffStatus, error?: OnboardingError) => void;

const KEPT = 'the temp token is kept in memory: call session.retryHandoff()';

/**
 * Hands the temp token to `onTempToken`: one current call at a time (callers
 * join it), the token kept in memory until a call succeeds, and every wait
 * bounded (a time limit, the caller's signal) so a hung backend cannot hang the
 * flow. A wait given up also gives up its call — the next `deliver()` calls
 * again with the same token, while the abandoned call may still be running;
 * if it succeeds late, the token counts as delivered.
 */
export class Handoff {
  readonly #config: HandoffConfig;
  /** The session's secrets, redacted from whatever the callback throws. */
  readonly #secrets: readonly string[];
  readonly #onChange: HandoffChange;
  #token: string | undefined;
  #info: HandoffInfo | undefined;
  #call: Promise<OnboardingError | undefined> | undefined;
  // Which call is the current one; a call given up (time limit, abort) is not.
  #generation = 0;

  constructor(config: HandoffConfig, secrets: readonly string[], onChange: HandoffChange) {
    this.#config = config;
    this.#secrets = secrets;
    this.#onChange = onChange;
  }

  /** True while a token waits to be delivered. */
  get pending(): boolean {
    return this.#token !== undefined;
  }

  /** Keeps the token of a completed session (the session's transition reports the `pending` status). */
  start(token: string, info: HandoffInfo): void {
    this.#token = token;
    this.#info = info;
  }

  /** Delivers the token (or joins the delivery in progress); resolves with the failure, or undefined once delivered. */
  deliver(signal?: AbortSignal): Promise<OnboardingError | undefined> {
    const token = this.#token;
    const info = this.#info;
    if (token === undefined || info === undefined) return Promise.resolve(undefined);
    const aborted = () => new OnboardingError('aborted', `Waiting for onTempToken was aborted; ${KEPT}.`, { retryable: true });
    // Nothing is called for a caller who already gave up.
    if (signal?.aborted) return Promise.resolve(aborted());
    if (!this.#call) {
      const generation = ++this.#generation;
      // The callback runs a microtask later, after the marker is set: a callback
      // that calls retryHandoff() itself joins this call instead of starting a second delivery.
      this.#call = Promise.resolve().then(() => this.#run(token, info, generation));
    }
    const call = this.#call;
    const { handoffTimeoutMs: timeoutMs } = this.#config;
    return new Promise((resolve) => {
      const done = (error: OnboardingError | undefined, giveUp = false) => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        if (this.#call === call) this.#call = undefined;
        if (giveUp && this.#token !== undefined) {
          // The call goes on, but is no longer the current one: only a late success may still report.
          this.#generation++;
          const timedOut = error?.code !== 'aborted';
          this.#onChange(timedOut ? 'failed' : 'pending', timedOut ? error : undefined);
        }
        resolve(error);
      };
      const timer = later(timeoutMs, () =>
        done(new OnboardingError('handoff_failed', `onTempToken did not settle within ${timeoutMs} ms; ${KEPT}.`, { retryable: true }), true),
      );
      const onAbort = () => done(aborted(), true);
      signal?.addEventListener('abort', onAbort, { once: true });
      void call.then((error) => done(error));
    });
  }

  async #run(token: string, info: HandoffInfo, generation: number): Promise<OnboardingError | undefined> {
    this.#onChange('delivering');
    try {
      await this.#config.onTempToken(token, info);
      // A given-up call that succeeds late still delivered the token: drop it, once.
      if (this.#token !== undefined) {
        this.#token = undefined;
        this.#onChange('delivered');
      }
      return undefined;
    } catch (cause) {
      const message = cause instanceof Error ? redact(cause.message, this.#secrets) : 'a non-Error value was thrown';
      const error = new OnboardingError('handoff_failed', `onTempToken failed (${message}); ${KEPT}.`, {
        retryable: true,
        cause: new Error(message),
      });
      // A given-up call's late failure says nothing about the call that replaced it.
      if (this.#token !== undefined && generation === this.#generation) this.#onChange('failed', error);
      return error;
    }
  }
}
