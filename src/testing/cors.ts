/**
 * CORS, so the fake API works for cross-origin pages (happy-dom, real browsers
 * through msw's service worker): a JSON POST to another origin is preflighted,
 * and a response without `access-control-allow-origin` cannot be read at all.
 * With `allowedOrigins`, only the listed origins get that header, so a page
 * served from an origin the real API would not allow fails in tests too.
 */
import { HttpResponse } from 'msw';

/** The origins allowed to read answers; `undefined`: any origin. */
export type AllowedOrigins = ReadonlySet<string> | undefined;

/** Validates `allowedOrigins` when the kit is created: a path or trailing `/` would never match an `Origin` header. */
export function checkAllowedOrigins(origins: readonly string[] | undefined): AllowedOrigins {
  if (origins === undefined) return undefined;
  if (!Array.isArray(origins)) {
    throw new TypeError("createMockOnboardingApi: allowedOrigins must be an array of origins, e.g. ['https://app.example']");
  }
  for (const origin of origins as readonly unknown[]) {
    let parsed: string | undefined;
    try {
      parsed = typeof origin === 'string' ? new URL(origin).origin : undefined;
    } catch {
      parsed = undefined;
    }
    if (parsed === origin) continue;
    const hint = parsed && parsed !== 'null' ? `; did you mean "${parsed}"?` : '';
    throw new TypeError(
      `createMockOnboardingApi: allowedOrigins entry ${JSON.stringify(origin)} is not an origin ` +
        `(scheme://host[:port], as browsers send in Origin)${hint}`,
    );
  }
  return new Set(origins);
}

/** Whether an answer to `origin` may carry `access-control-allow-origin`. */
function allows(allowed: AllowedOrigins, origin: string | null): boolean {
  return allowed === undefined || (origin !== null && allowed.has(origin));
}

/** Headers every answer carries, errors and faults included. */
export function corsHeaders(request: Request, allowed: AllowedOrigins): Headers {
  const origin = request.headers.get('origin');
  const headers = new Headers({
    // Not a CORS-safelisted response header: without this a page cannot read
    // the Retry-After of a 429/503, and the SDK could not honour it.
    'access-control-expose-headers': 'retry-after',
  });
  if (allows(allowed, origin)) headers.set('access-control-allow-origin', origin ?? '*');
  // The answer depends on the Origin whenever it may differ between origins.
  if (origin || allowed) headers.set('vary', 'Origin');
  return headers;
}

/**
 * The answer to a preflight (`OPTIONS` with `Access-Control-Request-*`). An
 * origin `allowedOrigins` does not list gets 403 without CORS headers, so the
 * browser never sends the request.
 */
export function preflight(request: Request, allowed: AllowedOrigins): Response {
  const origin = request.headers.get('origin');
  if (origin !== null && !allows(allowed, origin)) {
    return new HttpResponse(`CORS: origin ${origin} is not in the kit's allowedOrigins`, {
      status: 403,
      headers: { 'content-type': 'text/plain', vary: 'Origin' },
    });
  }
  const headers = corsHeaders(request, allowed);
  headers.set('access-control-allow-methods', 'POST, OPTIONS');
  headers.set('access-control-allow-headers', request.headers.get('access-control-request-headers') ?? 'content-type');
  headers.set('access-control-max-age', '600');
  headers.set('vary', 'Origin, Access-Control-Request-Headers');
  return new HttpResponse(null, { status: 204, headers });
}
