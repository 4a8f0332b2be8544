import { resolveBaseUrl } from '../config.js';
import { OnboardingError } from '../errors.js';
import { TRANSPORT_DEFAULTS } from '../defaults.js';
import { optionalNumber, requireString, resolveRetry, type Fail } from '../internal/checks.js';
import type { ExchangeLogger, ExchangeTempTokenOptions } from './types.js';

/** The options after validation and defaults. */
export interface ResolvedExchangeOptions {
  baseUrl: string;
  clientId: string;
  clientSecret: string;
  tempToken: string;
  signal: AbortSignal | undefined;
  timeoutMs: number;
  maxResponseBytes: number;
  retry: { limit: number; maxRetryAfterMs: number };
  fetch: typeof globalThis.fetch;
  logger: ExchangeLogger | undefined;
}

const invalid: Fail = (message) => {
  throw new OnboardingError('invalid_config', `exchangeTempToken: ${message}`);
};

/** Validates the input; every problem is an `invalid_config` error that echoes no value. */
export function resolveExchangeOptions(input: ExchangeTempTokenOptions): ResolvedExchangeOptions {
  if (typeof input !== 'object' || input === null) invalid('it needs an options object.');
  const raw = input as unknown as Record<string, unknown>;
  const baseUrl = resolveBaseUrl(raw.baseUrl);
  const clientId = requireString(raw, 'clientId', invalid);
  const clientSecret = requireString(raw, 'clientSecret', invalid);
  const tempToken = requireString(raw, 'tempToken', invalid);
  const timeoutMs = optionalNumber(raw, 'timeoutMs', TRANSPORT_DEFAULTS.timeoutMs, invalid);
  const retry = resolveRetry(raw.retry, invalid);
  const maxResponseBytes = optionalNumber(raw, 'maxResponseBytes', TRANSPORT_DEFAULTS.maxResponseBytes, invalid);

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
    maxResponseBytes,
    retry,
    // Looked up per call so msw/nock-style interceptors installed later still see the request.
    fetch: input.fetch ?? ((...args) => globalThis.fetch(...args)),
    logger,
  };
}
