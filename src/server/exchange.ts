import { OnboardingError } from '../errors.js';
import { createLog } from '../internal/logger.js';
import { redactError } from '../internal/redact.js';
import type { ExchangeTokenBody } from '../protocol.js';
import { tokenSchema } from '../schemas.js';
import { apiUrl, post, type TransportContext } from '../transport.js';
import { resolveExchangeOptions } from './options.js';
import type { ExchangedCredentials, ExchangeTempTokenOptions } from './types.js';

const WHAT = 'Exchanging the temp token';

/**
 * Exchanges a temp token at `POST {baseUrl}/tokens` with the client secret and
 * returns the granted credentials. Run it on your backend only.
 *
 * Every failure rejects with `OnboardingError`: `invalid_config` for bad
 * options (nothing sent), the API's code for an API refusal (e.g.
 * `invalid_temp_token` with `status` 401 and `requestId` — a temp token can be
 * exchanged once), `invalid_response` for a 200 of the wrong shape, and
 * `network_error`, `timeout` or `aborted`. The secret and the temp token are
 * redacted from every message, `cause` and log line.
 *
 * @example
 * const { credentialsId, accessToken } = await exchangeTempToken({
 *   baseUrl: 'https://api.example.com/v1',
 *   clientId: process.env.ONBOARDING_CLIENT_ID!,
 *   clientSecret: process.env.ONBOARDING_CLIENT_SECRET!,
 *   tempToken: req.body.tempToken,
 * });
 */
export async function exchangeTempToken(options: ExchangeTempTokenOptions): Promise<ExchangedCredentials> {
  const o = resolveExchangeOptions(options);
  const all = [o.clientSecret, o.tempToken];
  const secrets = () => all;
  const ctx: TransportContext = {
    fetch: o.fetch,
    now: () => Date.now(),
    retry: o.retry,
    maxResponseBytes: o.maxResponseBytes,
    secrets,
    log: createLog(o.logger, secrets),
  };
  const body: ExchangeTokenBody = { client_id: o.clientId, client_secret: o.clientSecret, temp_token: o.tempToken };
  let granted;
  try {
    granted = await post(ctx, {
      what: WHAT,
      url: apiUrl(o.baseUrl, 'tokens'),
      json: body,
      schema: tokenSchema(),
      signal: o.signal,
      timeoutMs: o.timeoutMs,
    });
  } catch (error) {
    // Whatever the upstream echoed, the secret and the token stop here.
    throw redactError(error as OnboardingError, all);
  }

  // The schema only says "string"; a backend will turn these into dates, so an unparsable one is the API's fault, caught here.
  const issues = (['consent_exp', 'max_data_retention'] as const)
    .filter((key) => Number.isNaN(Date.parse(granted[key])))
    .map((key) => ({ message: 'Expected an ISO 8601 timestamp', path: [key] }));
  if (issues.length > 0) {
    throw new OnboardingError('invalid_response', `${WHAT} returned a body of the wrong shape.`, { issues });
  }
  return {
    credentialsId: granted.credentials_id,
    accessToken: granted.access_token,
    consentExpiresAt: granted.consent_exp,
    maxDataRetention: granted.max_data_retention,
  };
}
