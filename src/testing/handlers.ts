/**
 * The msw side: routes, the per-request pipeline (read -> record -> fault ->
 * process -> answer) and CORS on every answer. Protocol rules live in state.ts.
 */
import { http, HttpResponse, type HttpHandler } from 'msw';
import type { CreateSessionResponse } from '../protocol.js';
import { bankHandler } from './bank-page.js';
import type { BankDesk } from './bank.js';
import { describeParts, readJson, readMultipart, type ReadBody, type UploadParts } from './body.js';
import { corsHeaders, preflight, type AllowedOrigins } from './cors.js';
import { MockApiError } from './errors.js';
import { faultAnswer, isAnswerFault, waitUnlessAborted, type FaultQueue } from './faults.js';
import type { OnboardingState } from './state.js';
import type { MockEndpoint, RecordedRequest } from './types.js';

export interface HandlerContext {
  baseUrl: string;
  state: OnboardingState;
  faults: FaultQueue;
  requests: RecordedRequest[];
  allowedOrigins: AllowedOrigins;
  bank: BankDesk;
}

type Target = { sessionId?: string; stepId?: string };

export function createHandlers(ctx: HandlerContext): HttpHandler[] {
  const { baseUrl } = ctx;
  return [
    http.options(`${baseUrl}/*`, ({ request }) => preflight(request, ctx.allowedOrigins)),
    http.post(`${baseUrl}/sessions`, ({ request }) => handle(ctx, request, 'sessions', {})),
    http.post<{ id: string }>(`${baseUrl}/sessions/:id/steps`, ({ request, params }) =>
      handle(ctx, request, 'steps', { sessionId: params.id }),
    ),
    http.post<{ stepId: string }>(`${baseUrl}/steps/:stepId/upload`, ({ request, params }) =>
      handle(ctx, request, 'upload', { stepId: params.stepId }),
    ),
    http.post(`${baseUrl}/tokens`, ({ request }) => handle(ctx, request, 'tokens', {})),
    bankHandler(baseUrl, ctx.bank, ctx.allowedOrigins),
  ];
}

async function handle(ctx: HandlerContext, request: Request, endpoint: MockEndpoint, target: Target): Promise<Response> {
  const read: ReadBody<unknown> = endpoint === 'upload' ? await readMultipart(request) : await readJson(request);
  const record = describeRequest(ctx, request, endpoint, target, read);
  const fault = ctx.faults.take(endpoint, record.step);
  if (fault) record.fault = fault.kind;
  ctx.requests.push(record);

  if (fault?.kind === 'network') return HttpResponse.error();
  if (fault && isAnswerFault(fault)) {
    const { response, body } = faultAnswer(fault, corsHeaders(request, ctx.allowedOrigins));
    record.responseStatus = response.status;
    record.responseBody = body;
    return response;
  }
  if (fault?.kind === 'delay' && !(await waitUnlessAborted(fault.ms, request.signal))) {
    return HttpResponse.error(); // the client is gone; nothing was processed
  }

  const { status, body } = runProtocol(ctx.state, endpoint, target, read);
  record.responseBody = body;
  if (endpoint === 'sessions' && status === 200) record.sessionId = (body as CreateSessionResponse).session_id;
  if (fault?.kind === 'lost-response') return HttpResponse.error();
  record.responseStatus = status;
  return HttpResponse.json(body, { status, headers: corsHeaders(request, ctx.allowedOrigins) });
}

function runProtocol(
  state: OnboardingState,
  endpoint: MockEndpoint,
  target: Target,
  read: ReadBody<unknown>,
): { status: number; body: object } {
  try {
    if (!read.ok) throw read.error;
    switch (endpoint) {
      case 'sessions':
        return { status: 200, body: state.createSession(read.value) };
      case 'steps':
        return { status: 200, body: state.submitStep(target.sessionId!, read.value) };
      case 'upload':
        return { status: 200, body: state.upload(target.stepId!, read.value as UploadParts) };
      case 'tokens':
        return { status: 200, body: state.exchangeToken(read.value) };
    }
  } catch (error) {
    if (error instanceof MockApiError) return { status: error.status, body: error.toBody() };
    throw error; // a bug in the kit: let msw answer 500 with the stack
  }
}

function describeRequest(
  ctx: HandlerContext,
  request: Request,
  endpoint: MockEndpoint,
  target: Target,
  read: ReadBody<unknown>,
): RecordedRequest {
  const value = read.ok ? read.value : undefined;
  const record: RecordedRequest = {
    endpoint,
    method: request.method,
    url: request.url,
    body: !read.ok ? read.raw : endpoint === 'upload' ? describeParts(value as UploadParts) : value,
    responseStatus: 0,
  };
  const fields = typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
  if (typeof fields.nonce === 'string') record.nonce = fields.nonce;
  if (target.sessionId !== undefined) record.sessionId = target.sessionId;
  if (endpoint === 'steps' && typeof fields.step === 'string') record.step = fields.step;
  if (target.stepId !== undefined) {
    record.stepId = target.stepId;
    const owner = ctx.state.stepOwner(target.stepId);
    if (owner) {
      record.sessionId = owner.sessionId;
      record.step = owner.name;
    }
  }
  return record;
}
