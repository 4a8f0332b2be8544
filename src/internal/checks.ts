import { MAX_TIMEOUT_MS, TRANSPORT_DEFAULTS } from '../defaults.js';

/** Throws the caller's `invalid_config` error; messages name a field, never its value (it may be a misplaced secret). */
export type Fail = (message: string) => never;

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

/** Retry options after defaults; the same shape for the client and the server helper. */
export interface ResolvedRetry {
  limit: number;
  maxRetryAfterMs: number;
}

export function resolveRetry(value: unknown, fail: Fail): ResolvedRetry {
  if (value !== undefined && (typeof value !== 'object' || value === null)) fail('`retry` must be an object.');
  const raw = (value ?? {}) as Record<string, unknown>;
  return {
    limit: optionalNumber(raw, 'limit', TRANSPORT_DEFAULTS.retry.limit, fail, true),
    maxRetryAfterMs: optionalNumber(raw, 'maxRetryAfterMs', TRANSPORT_DEFAULTS.retry.maxRetryAfterMs, fail, true),
  };
}
