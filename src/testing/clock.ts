/**
 * The kit's notion of time. Nonce expiry is 30 minutes: tests must be able to
 * jump past it without waiting, so every time check goes through this clock.
 */

/** Controls the time the fake API sees (nonce expiry, token dates). */
export interface MockClock {
  /** Current time in ms since the epoch, as the fake API sees it. */
  now(): number;
  /** Moves the fake API's time forward by `ms` (e.g. `advance(31 * 60_000)` expires every nonce). */
  advance(ms: number): void;
  /** Sets the fake API's time to `ms` since the epoch. */
  set(ms: number): void;
}

/** The clock plus the kit-internal reset used by `api.reset()`. */
export interface ResettableClock extends MockClock {
  reset(): void;
}

/**
 * - `'real'`: time follows `source` (default `Date.now`, so vitest fake timers
 *   move it too) plus whatever `advance`/`set` added.
 * - `'manual'`: time starts at `source()` and only moves through `advance`/`set`,
 *   so a slow machine can never expire a nonce by accident.
 */
export function createClock(source: () => number, mode: 'real' | 'manual'): ResettableClock {
  const start = source();
  let offset = 0;
  const base = mode === 'manual' ? () => start : source;
  const checkFinite = (ms: number, what: string) => {
    if (!Number.isFinite(ms)) throw new RangeError(`clock.${what}: expected a finite number of ms, got ${ms}`);
  };
  return {
    now: () => base() + offset,
    advance(ms) {
      checkFinite(ms, 'advance');
      offset += ms;
    },
    set(ms) {
      checkFinite(ms, 'set');
      offset = ms - base();
    },
    reset() {
      offset = 0;
    },
  };
}
