/**
 * The offline upstream of `npm run example:backend` when no provider is
 * configured: the SDK's testing kit (`onboarding-sdk/testing`, a strict,
 * stateful fake of the onboarding API) served over node:http on this machine.
 * A front-end can run a whole flow against it, and the backend exchanges the
 * temp token it issues at its `/tokens`, exactly as it would at the provider's.
 *
 * For development only: it keeps everything in memory and knows one demo
 * client. Nothing here is needed, or wanted, in a real backend.
 */
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getResponse } from 'msw';
import { createMockOnboardingApi, type MockOnboardingApi, type MockSkill } from 'onboarding-sdk/testing';
import { kyc } from '../shared/kyc.js';

/** The fake's one client. Demo values, not secrets: they open nothing but this fake. */
export const FAKE_CLIENT = {
  clientId: 'demo-client',
  clientAppKey: 'demo-app-key',
  clientSecret: 'demo-backend-secret',
} as const;

/** The skill the fake offers: the browser examples' KYC flow (`examples/shared/kyc.ts`). */
export const FAKE_SKILL = { name: kyc.name, steps: [...kyc.stepNames] as string[], uploads: Object.keys(kyc.uploads) };

/** Uploads are capped at 10 MB by the skill; anything far larger is refused before it is buffered. */
const MAX_BODY_BYTES = 25 * 1024 * 1024;

export interface FakeUpstream {
  /** The API base to give the SDK and `exchangeTempToken`, e.g. `http://127.0.0.1:8788/v1`. */
  url: string;
  /** The kit itself: sessions, issued temp tokens, recorded requests, fault injection. */
  api: MockOnboardingApi;
  close(): Promise<void>;
}

async function toRequest(req: IncomingMessage, origin: string): Promise<Request | undefined> {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    for (const one of Array.isArray(value) ? value : value === undefined ? [] : [value]) headers.append(name, one);
  }
  const method = req.method ?? 'GET';
  let body: Uint8Array<ArrayBuffer> | undefined;
  if (method !== 'GET' && method !== 'HEAD') {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) return undefined;
      chunks.push(chunk);
    }
    body = Buffer.concat(chunks) as Uint8Array<ArrayBuffer>; // a fresh ArrayBuffer, never a shared one
  }
  return new Request(new URL(req.url ?? '/', origin), { method, headers, body });
}

async function answer(api: MockOnboardingApi, origin: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const request = await toRequest(req, origin);
  if (!request) {
    res.writeHead(413, { 'content-type': 'application/json', connection: 'close' }).end('{"code":"payload_too_large"}');
    return;
  }
  const response = await getResponse(api.handlers, request);
  if (!response) {
    res.writeHead(404, { 'content-type': 'application/json' }).end('{"code":"not_found"}');
    return;
  }
  // The kit's way of saying "the connection dropped" (a `network` fault): drop it.
  if (response.type === 'error') return void req.socket.destroy();
  res.writeHead(response.status, Object.fromEntries(response.headers));
  res.end(Buffer.from(await response.arrayBuffer()));
}

export interface FakeUpstreamOptions {
  host?: string;
  /** `0`: any free one. */
  port?: number;
  /**
   * The skills the fake offers, as the kit takes them (e.g. one with
   * `bank: { step: 'bank_redirect' }`, whose consent goes through the kit's
   * bank page on this server). Default: the KYC skill, `FAKE_SKILL`.
   */
  skills?: Readonly<Record<string, MockSkill>>;
}

/** Starts the fake on `host:port` (port `0`: any free one) and resolves once it listens. */
export async function startFakeUpstream({ host = '127.0.0.1', port = 8788, skills }: FakeUpstreamOptions = {}): Promise<FakeUpstream> {
  let api: MockOnboardingApi | undefined;
  let origin = '';
  const server = http.createServer((req, res) => {
    answer(api!, origin, req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' }).end('{"code":"internal_server_error"}');
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  // The kit answers under a full base URL, so it is created once the port is known.
  const { port: actual } = server.address() as AddressInfo;
  origin = `http://${host.includes(':') ? `[${host}]` : host}:${actual}`;
  const url = `${origin}/v1`;
  api = createMockOnboardingApi({
    baseUrl: url,
    skills: skills ?? { [FAKE_SKILL.name]: { steps: FAKE_SKILL.steps, uploads: FAKE_SKILL.uploads } },
    ...FAKE_CLIENT,
  });
  return {
    url,
    api,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
