/**
 * Named scenarios: the failures integrators test most, each one call on the
 * kit, so a test reads as the story it tells (`api.scenario('lost-answer')`).
 */
import type { MockClock } from './clock.js';
import type { MockBank } from './bank-types.js';
import type { FaultHandle, MockFault } from './faults.js';

/**
 * - `'sca-refused'`: the user refuses at the bank: the next bank visit returns
 *   with `error=access_denied`, and the step after the bank step is refused
 *   (`sca_not_completed`) — needs a skill with a `bank` step.
 * - `'expiry-mid-flow'`: the current nonce is past its 30 minutes on the
 *   kit's clock: the next call gets 401 `expired_nonce` (the SDK's
 *   `nonce_expired`). To also fire the SDK's own `nonce:expiring` timer, move
 *   both clocks with vitest's fake timers instead (see the README).
 * - `'lost-answer'`: the next step is processed but its answer never arrives:
 *   the SDK's `network_error`, then `session_failed` on the retry.
 * - `'rate-limited'`: the next call gets 429 with `Retry-After: 1`; the SDK
 *   waits a second and retries on its own.
 */
export type MockScenario = 'sca-refused' | 'expiry-mid-flow' | 'lost-answer' | 'rate-limited';

/** Where a scenario applies. */
export interface MockScenarioOptions {
  /** Only this step's call (a step name); default the next call of the scenario's kind. */
  step?: string;
}

/** Sets a scenario up on the kit's parts; returns the fault it queued, if any. */
export function applyScenario(
  kit: { clock: MockClock; bank: MockBank; inject: (fault: MockFault) => FaultHandle; nonceTtlMs: number },
  name: MockScenario,
  options: MockScenarioOptions = {},
): FaultHandle | undefined {
  const { step } = options;
  switch (name) {
    case 'sca-refused':
      kit.bank.next({ outcome: 'deny' });
      return undefined;
    case 'expiry-mid-flow':
      kit.clock.advance(kit.nonceTtlMs + 1);
      return undefined;
    case 'lost-answer':
      return kit.inject({ kind: 'lost-response', endpoint: 'steps', ...(step !== undefined && { step }) });
    case 'rate-limited':
      return kit.inject({ kind: 'status', status: 429, retryAfter: 1, ...(step !== undefined && { step }) });
    default:
      throw new TypeError(`api.scenario: unknown scenario "${String(name)}" (expected sca-refused, expiry-mid-flow, lost-answer or rate-limited)`);
  }
}
