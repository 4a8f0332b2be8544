import type { RetryOptions } from '../config.js';

/** Throws the caller's `invalid_config` error; messages name a field, never its value (it may be a misplaced secret). */
export type Fail = (message: string) => never;

/** setTimeout's ceiling: a longer delay would fire at once (browsers) or be refused (ky). */
export const MAX_TIMEOUT_MS = 2_147_483_647;

/** Defaults shared by the browser client and the server helper. */
export const TRANSPORT_DEFAULTS = {
  timeoutMs: 30_000,
  // The API's answers are a few hundred bytes; 1 MiB leaves room for any step's data.
  maxResponseBytes: 1_048_576,
  retry: { limit: 2, maxRetryAfterMs: 10_000 },
} as const;

export function requireString(raw: Record<string, unknown>, key: string, fail: Fail): string {
  const value = raw[key];
  if (typeof value !== 'string' || value.trim() === '') fail(`\`${key}\` is required and must be a non-empty string.`);
  return value;
}

/** A finite number ≥ 0 (> 0 unless `allowZero`), at most setTimeout's ceiling; `fallback` when absent. */
export function optionalNumber(raw: Record<string, unknown>, key: string, fallback: number, fail: Fail, allowZero = false): number {
  const value = raw[key];
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !(value >= (allowZero ? 0 : Number.MIN_VALUE)) || value > MAX_TIMEOUT_MS) {
    fail(`\`${key}\` must be a ${allowZero ? 'non-negative' : 'positive'} number of at most ${MAX_TIMEOUT_MS}.`);
  }
  return value;
}

export function resolveRetry(value: unknown, fail: Fail): Required<RetryOptions> {
  if (value !== undefined && (typeof value !== 'object' || value === null)) fail('`retry` must be an object.');
  const raw = (value ?? {}) as Record<string, unknown>;
  return {
    limit: optionalNumber(raw, 'limit', TRANSPORT_DEFAULTS.retry.limit, fail, true),
    maxRetryAfterMs: optionalNumber(raw, 'maxRetryAfterMs', TRANSPORT_DEFAULTS.retry.maxRetryAfterMs, fail, true),
  };
}
