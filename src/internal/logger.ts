import { redact } from './redact.js';

/**
 * A sink for the SDK's log lines, e.g. `console`. Each line goes to the method
 * of its level; a logger with `debug` only gets every line there.
 */
export interface OnboardingLogger {
  /**
   * Receives `debug` lines, and every other level's lines the logger has no method for.
   * @param message The line, prefixed `[onboarding-sdk]` and redacted of secrets.
   * @param details Structured context (e.g. method, path, status); string values are redacted too.
   */
  debug(message: string, details?: Record<string, unknown>): void;
  /**
   * Receives `info` lines: one per API call (method, path, status, duration, attempt).
   * @param message The line, prefixed `[onboarding-sdk]` and redacted of secrets.
   * @param details Structured context; string values are redacted too.
   */
  info?(message: string, details?: Record<string, unknown>): void;
  /**
   * Receives `warn` lines: failed calls.
   * @param message The line, prefixed `[onboarding-sdk]` and redacted of secrets.
   * @param details Structured context (the API's code and request id, when known); string values are redacted too.
   */
  warn?(message: string, details?: Record<string, unknown>): void;
  /**
   * Receives `error` lines: the SDK's own trouble, e.g. an event handler that threw.
   * @param message The line, prefixed `[onboarding-sdk]` and redacted of secrets.
   * @param details Structured context; string values are redacted too.
   */
  error?(message: string, details?: Record<string, unknown>): void;
}

/**
 * Which lines reach the logger: `debug` adds the SDK's reasoning (retry waits,
 * storage, tabs) to `info` (one line per call: method, path, status, duration,
 * attempt), `warn` is failed calls only, `error` the SDK's own trouble (a
 * handler that threw).
 */
export type OnboardingLogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

type Level = Exclude<OnboardingLogLevel, 'silent'>;
const RANK: Record<OnboardingLogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3, silent: 4 };

/** The SDK's internal log function; lines are `debug` unless told otherwise. `off` when there is no logger, so a caller can skip building a line. */
export type Log = ((message: string, details?: Record<string, unknown>, level?: Level) => void) & { off?: boolean };

const silent: Log = Object.assign(() => {}, { off: true });

/** A log that redacts the given secrets from every line and every string detail, drops lines below `min`, and never throws. */
export function createLog(logger: OnboardingLogger | undefined, secrets: () => ReadonlyArray<string | undefined>, min: OnboardingLogLevel = 'info'): Log {
  if (!logger) return silent;
  return (message, details, level = 'debug') => {
    if (RANK[level] < RANK[min]) return;
    const s = secrets();
    const clean: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(details ?? {})) {
      clean[key] = typeof value === 'string' ? redact(value, s) : value;
    }
    try {
      (logger[level] ?? logger.debug).call(logger, `[onboarding-sdk] ${redact(message, s)}`, clean);
    } catch {
      // A broken logger must not turn a working call into a failure.
    }
  };
}
