const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * Whether a URL may carry secrets or a user: https, or http on the developer's
 * own machine only; and no `user:password@`, which would end up in messages.
 */
export function isSafeUrl(url: URL): boolean {
  return (
    (url.protocol === 'https:' || (url.protocol === 'http:' && LOCAL_HOSTS.has(url.hostname))) &&
    url.username === '' &&
    url.password === ''
  );
}

/**
 * Ids the server hands out (session and step ids) go into URL paths. Only
 * unreserved characters, and never `.`/`..` or empty, so an id can never make
 * the next call hit another endpoint.
 */
const SAFE_ID = /^[\w-][\w.~-]{0,199}$/;

/** True for an id that is safe to put in a URL path. */
export function isSafeId(value: unknown): value is string {
  return typeof value === 'string' && SAFE_ID.test(value);
}
