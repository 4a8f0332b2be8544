/**
 * The fake bank's page as an msw route: `GET {baseUrl}/bank/authorize`. Plain
 * HTML links and 302s, no script or style, so it works under the strictest
 * CSP; a top-level navigation needs no CORS, so `allowedOrigins` never blocks
 * it (its answers still carry the CORS headers, for a test that fetches it
 * from a DOM environment).
 */
import { http, HttpResponse, type HttpHandler } from 'msw';
import { BANK_PATH, type BankAnswer, type BankDesk } from './bank.js';
import { corsHeaders, type AllowedOrigins } from './cors.js';

/** The route of the bank page. */
export function bankHandler(baseUrl: string, desk: BankDesk, allowedOrigins: AllowedOrigins): HttpHandler {
  return http.get(`${baseUrl}${BANK_PATH}`, ({ request }) => respond(desk.visit(new URL(request.url)), corsHeaders(request, allowedOrigins)));
}

function respond(answer: BankAnswer, headers: Headers): Response {
  // The ticket is in the address: keep it out of the Referer the app's return page would get.
  headers.set('referrer-policy', 'no-referrer');
  headers.set('cache-control', 'no-store');
  if (answer.kind === 'return') {
    headers.set('location', answer.location);
    return new HttpResponse(null, { status: 302, headers });
  }
  // img-src data: lets the page name an empty icon, so a browser never asks the API's origin for /favicon.ico (which this CSP would block and report).
  headers.set('content-security-policy', "default-src 'none'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'");
  headers.set('x-content-type-options', 'nosniff');
  if (answer.kind === 'refused') {
    return HttpResponse.html(page('Bank link refused', `<p id="bank-error">${escapeHtml(answer.reason)}</p>`), { status: 400, headers });
  }
  const body =
    '<p>An onboarding app asks to see your accounts (PSD2 consent).</p>\n' +
    `<p><a id="bank-approve" href="${escapeHtml(answer.approveUrl)}">Approve</a></p>\n` +
    `<p><a id="bank-deny" href="${escapeHtml(answer.denyUrl)}">Deny</a></p>\n` +
    `<p><small>Testing kit: Approve answers <code id="bank-outcome">${answer.outcome}</code>.</small></p>`;
  return HttpResponse.html(page('Fake bank: approve access', body), { status: 200, headers });
}

function page(title: string, body: string): string {
  return (
    `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><link rel="icon" href="data:,">` +
    `<title>${title}</title></head>\n<body><main>\n<h1>${title}</h1>\n${body}\n</main></body></html>\n`
  );
}

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => ENTITIES[c]!);
