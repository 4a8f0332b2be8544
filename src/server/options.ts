import { resolveBaseUrl } from '../config.js';
import { OnboardingError } from '../errors.js';
import type { ExchangeLogger, ExchangeTempTokenOptions } from './types.js';

/** The options after validation and defaults. */
export interface ResolvedExchangeOptions {
  baseUrl: string;
  clientId: string;
  clientSecret: string;
  tempToken: string;
  signal: AbortSignal | undefined;
  timeoutMs: number;
  retry: { limit: number; maxRetryAfterMs: number };
  fetch: typeof globalThis.fetch;
  logger: ExchangeLogger | undefined;
}

const DEFAULTS = {
  timeoutMs: 30_000,
  retry: { limit: 2, maxRetryAfterMs: 10_000 },
} as const;

// setTimeout's ceiling: ky refuses a longer timeout with a RangeError.
const MAX_TIMEOUT_MS = 2_147_483_647;

function invalid(message: string): never {
  throw new OnboardingError('invalid_config', `exchangeTempToken: ${message}`);
}

// Messages name the field, never its value: the value may be the secret put in the wrong place.
function requireString(raw: Record<string, unknown>, key: string): string {
  const value = raw[key];
  if (typeof value !== 'string' || value.trim() === '') invalid(`\`${key}\` is required and must be a non-empty string.`);
  return value;
}

function number(raw: Record<string, unknown>, key: string, fallback: number, allowZero: boolean): number {
  const value = raw[key];
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || (!allowZero && value === 0)) {
    invalid(`\`${key}\` must be a ${allowZero ? 'non-negative' : 'positive'} finite number.`);
  }
  return value;
}

/** Validates the input; every problem is an `invalid_config` error that echoes no value. */
export function resolveExchangeOptions(input: ExchangeTempTokenOptions): ResolvedExchangeOptions {
  if (typeof input !== 'object' || input === null) invalid('it needs an options object.');
  const raw = input as unknown as Record<string, unknown>;
  const baseUrl = resolveBaseUrl(raw.baseUrl);
  const clientId = requireString(raw, 'clientId');
  const clientSecret = requireString(raw, 'clientSecret');
  const tempToken = requireString(raw, 'tempToken');

  const timeoutMs = number(raw, 'timeoutMs', DEFAULTS.timeoutMs, false);
  if (timeoutMs > MAX_TIMEOUT_MS) invalid(`\`timeoutMs\` must be at most ${MAX_TIMEOUT_MS}.`);

  const retryRaw = raw.retry ?? {};
  if (typeof retryRaw !== 'object' || retryRaw === null) invalid('`retry` must be an object.');
  const retry = {
    limit: number(retryRaw as Record<string, unknown>, 'limit', DEFAULTS.retry.limit, true),
    maxRetryAfterMs: number(retryRaw as Record<string, unknown>, 'maxRetryAfterMs', DEFAULTS.retry.maxRetryAfterMs, true),
  };

  const signal = input.signal;
  if (signal !== undefined && (typeof signal !== 'object' || signal === null || typeof signal.aborted !== 'boolean')) {
    invalid('`signal` must be an AbortSignal.');
  }
  if (input.fetch !== undefined && typeof input.fetch !== 'function') invalid('`fetch` must be a function.');
  if (input.fetch === undefined && typeof globalThis.fetch !== 'function') {
    invalid('no global `fetch` is available (Node >= 18 has one); pass one in the `fetch` option.');
  }
  const logger = input.logger;
  if (logger !== undefined && typeof logger?.debug !== 'function') invalid('`logger` must have a `debug` method.');

  return {
    baseUrl,
    clientId,
    clientSecret,
    tempToken,
    signal,
    timeoutMs,
    retry,
    // Looked up per call so msw/nock-style interceptors installed later still see the request.
    fetch: input.fetch ?? ((...args) => globalThis.fetch(...args)),
    logger,
  };
}
