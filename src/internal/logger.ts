import { redact } from './redact.js';

/** A sink for the SDK's debug lines, e.g. `console`. */
export interface OnboardingLogger {
  debug(message: string, details?: Record<string, unknown>): void;
}

/** The SDK's internal log function. */
export type Log = (message: string, details?: Record<string, unknown>) => void;

/** A log that redacts the given secrets from every line and every string detail, and never throws. */
export function createLog(logger: OnboardingLogger | undefined, secrets: () => ReadonlyArray<string | undefined>): Log {
  if (!logger) return () => {};
  return (message, details) => {
    const s = secrets();
    const clean: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(details ?? {})) {
      clean[key] = typeof value === 'string' ? redact(value, s) : value;
    }
    try {
      logger.debug(`[onboarding-sdk] ${redact(message, s)}`, clean);
    } catch {
      // A broken logger must not turn a working call into a failure.
    }
  };
}
