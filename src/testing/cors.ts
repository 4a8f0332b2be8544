/**
 * CORS, so the fake API works for cross-origin pages (happy-dom, real browsers
 * through msw's service worker): a JSON POST to another origin is preflighted,
 * and a response without `access-control-allow-origin` cannot be read at all.
 */
import { HttpResponse } from 'msw';

/** Headers every answer carries, errors and faults included. */
export function corsHeaders(request: Request): Headers {
  const origin = request.headers.get('origin');
  const headers = new Headers({
    'access-control-allow-origin': origin ?? '*',
    // Not a CORS-safelisted response header: without this a page cannot read
    // the Retry-After of a 429/503, and the SDK could not honour it.
    'access-control-expose-headers': 'retry-after',
  });
  if (origin) headers.set('vary', 'Origin');
  return headers;
}

/** The answer to a preflight (`OPTIONS` with `Access-Control-Request-*`). */
export function preflight(request: Request): Response {
  const headers = corsHeaders(request);
  headers.set('access-control-allow-methods', 'POST, OPTIONS');
  headers.set('access-control-allow-headers', request.headers.get('access-control-request-headers') ?? 'content-type');
  headers.set('access-control-max-age', '600');
  headers.set('vary', 'Origin, Access-Control-Request-Headers');
  return new HttpResponse(null, { status: 204, headers });
}
