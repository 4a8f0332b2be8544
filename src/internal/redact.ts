/**
 * Replaces every occurrence of the given secrets in a text. Server messages
 * and foreign error texts pass through here before they reach an error or a
 * log, because a server may echo what it received (a nonce, a key).
 */
export function redact(text: string, secrets: ReadonlyArray<string | undefined>): string {
  let out = text;
  for (const secret of secrets) {
    // Very short values would redact ordinary words; real secrets are long.
    if (secret && secret.length >= 6) out = out.split(secret).join('[redacted]');
  }
  return out;
}
