import { OnboardingError } from '../errors.js';

/**
 * The forms a secret takes when a server or a callback echoes it: as is,
 * percent-encoded (both hex cases, and form-encoded with `+`), JSON-escaped and
 * base64. A backend that puts the temp token in a query string or a JSON error
 * must not get it past the redaction by encoding it.
 */
export function forms(secret: string): string[] {
  const percent = encodeURIComponent(secret);
  const all = [
    secret,
    percent,
    percent.replace(/%[\dA-F]{2}/g, (hex) => hex.toLowerCase()),
    percent.replace(/%20/g, '+'),
    encodeURI(secret),
    JSON.stringify(secret).slice(1, -1),
  ];
  try {
    all.push(btoa(secret));
  } catch {
    // Not Latin-1: no btoa form to look for.
  }
  return all;
}

/**
 * Replaces every occurrence of the given secrets, in any of their usual
 * encodings, in a text. Server messages and foreign error texts pass through
 * here before they reach an error or a log, because a server may echo what it
 * received. Secrets of any length are redacted: a short app key is still a key.
 */
export function redact(text: string, secrets: ReadonlyArray<string | undefined>): string {
  let out = text;
  for (const form of secretForms(secrets)) out = out.split(form).join('[redacted]');
  return out;
}

/** Every form of every secret, longest first (so a secret inside another form is not half-replaced). */
export function secretForms(secrets: ReadonlyArray<string | undefined>): string[] {
  // A session's secrets are one array that only grows: its forms are kept with it and only a
  // new secret's are added (every step adds a nonce), and they are garbage with the session
  // (no module-level cache keeps a secret alive).
  let known = LISTS.get(secrets);
  if (known?.size === secrets.length) return known.forms;
  if (!known) LISTS.set(secrets, (known = { size: 0, forms: [] }));
  for (const secret of secrets.slice(known.size)) if (secret) known.forms.push(...forms(secret));
  known.size = secrets.length;
  return known.forms.sort((a, b) => b.length - a.length);
}

const LISTS = new WeakMap<ReadonlyArray<string | undefined>, { size: number; forms: string[] }>();

/** True when a text holds one of the secrets in any form. */
export function holdsSecret(text: string, secrets: ReadonlyArray<string | undefined>): boolean {
  return secretForms(secrets).some((form) => text.includes(form));
}

/**
 * The same error with every text field cleaned: the one pass every error takes
 * at the public boundary, whatever raised it. A `code` or `requestId` that held
 * a secret is not half-kept: the code falls back to a generic one and the id is dropped.
 */
export function redactError(error: OnboardingError, secrets: ReadonlyArray<string | undefined>): OnboardingError {
  const { code, message, requestId, issues, cause } = error;
  const dirty =
    holdsSecret(message, secrets) ||
    holdsSecret(String(code), secrets) ||
    (requestId !== undefined && holdsSecret(requestId, secrets)) ||
    issues?.some((issue) => holdsSecret(issue.message, secrets)) ||
    (cause instanceof Error && holdsSecret(cause.message, secrets));
  if (!dirty) return error;
  const safeCode = holdsSecret(String(code), secrets) ? (error.status ? 'http_error' : 'internal_error') : code;
  return new OnboardingError(safeCode, redact(message, secrets), {
    ...error,
    requestId: requestId !== undefined && holdsSecret(requestId, secrets) ? undefined : requestId,
    issues: issues?.map((issue) => ({ ...issue, message: redact(issue.message, secrets) })),
    cause: cause instanceof Error ? new Error(redact(cause.message, secrets)) : undefined,
  });
}
