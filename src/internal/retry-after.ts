import { MAX_TIMEOUT_MS } from '../defaults.js';

/**
 * Parses `Retry-After` (delta-seconds or an HTTP date, RFC 9110 §10.2.3) into
 * milliseconds from `now`. Returns undefined when absent or unparsable, so a
 * garbage header never turns into an immediate retry storm, and never more than
 * setTimeout's ceiling, so `setTimeout(retry, error.retryAfterMs)` cannot overflow
 * into an immediate call.
 */
export function parseRetryAfter(value: string | null | undefined, now: number): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Math.min(Number(trimmed) * 1000, MAX_TIMEOUT_MS);
  // Only the HTTP-date forms, which all start with a weekday: Date.parse alone accepts '-1' or '1.5' as dates.
  if (!/^(Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*,? /.test(trimmed)) return undefined;
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.min(Math.max(0, date - now), MAX_TIMEOUT_MS);
}
