/**
 * Random identifiers for the fake API. Only Web Crypto is used (no node:crypto)
 * because the kit also runs in a browser page behind msw's service worker.
 */

/**
 * A v4 UUID. `crypto.randomUUID` only exists in secure contexts (https or
 * localhost), so a demo served over plain http from a LAN address falls back
 * to building one from `getRandomValues`, which is available everywhere.
 */
export function randomUuid(): string {
  if (typeof globalThis.crypto.randomUUID === 'function') return globalThis.crypto.randomUUID();
  const bytes = globalThis.crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6]! & 0x0f) | 0x40;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** An opaque base64url token (nonces, temp tokens, access tokens), like the API's own. */
export function randomToken(byteLength = 24): string {
  const bytes = globalThis.crypto.getRandomValues(new Uint8Array(byteLength));
  return btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
}
