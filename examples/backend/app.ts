/**
 * The tenant backend's side of the hand-off, as a plain `node:http` handler.
 *
 *   POST /api/onboarding/temp-token   { "tempToken": "…", "sessionId": "…" }
 *     200 { "credentialsId": "…", "consentExpiresAt": "…" }
 *     400 { "error": "invalid_request" | "invalid_temp_token" | <the API's code> }
 *     502 { "error": <code>, "retryable": true }    the API was unreachable or failing
 *     500 { "error": "server_misconfigured" }       e.g. a wrong client secret
 *
 * The front-end's `onTempToken` posts here; this exchanges the token with the
 * client secret (which never leaves the server) and keeps the access token
 * server-side: the page learns only a reference. Nothing secret is ever logged.
 */
import { createHash } from 'node:crypto';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import { exchangeTempToken, isOnboardingError, type ExchangedCredentials, type ExchangeTempTokenOptions } from 'onboarding-sdk/server';

export const TEMP_TOKEN_PATH = '/api/onboarding/temp-token';
const MAX_BODY_BYTES = 8 * 1024;

/** What the backend keeps per exchanged token (store it with your user's record). */
export interface StoredCredentials extends ExchangedCredentials {
  userId: string;
  sessionId: string | undefined;
}

export interface BackendOptions {
  /** The onboarding API, e.g. `https://api.example.com/v1`. */
  baseUrl: string;
  clientId: string;
  /** From the environment or a secret manager; never logged, never sent to a browser. */
  clientSecret: string;
  /**
   * Who is asking. A real backend reads its own login session here and
   * returns `null` to refuse (401). The example accepts everyone as "demo-user".
   */
  userOf?: (req: IncomingMessage) => string | null | Promise<string | null>;
  /** Persists the credentials; default: an in-memory map (see `credentials`). */
  store?: (record: StoredCredentials) => void | Promise<void>;
  /** An origin allowed to call from a browser (CORS), e.g. `http://127.0.0.1:5173`. Default: same origin only. */
  allowedOrigin?: string;
  /** Structured log sink; default `console.log` of one JSON line. Receives ids and codes only. */
  log?: (message: string, fields?: Record<string, unknown>) => void;
  /** Injectable for tests; default `exchangeTempToken` from `onboarding-sdk/server`. */
  exchange?: (options: ExchangeTempTokenOptions) => Promise<ExchangedCredentials>;
  /** Timeout of one exchange, in ms. Default 15 000. */
  timeoutMs?: number;
}

export interface Backend {
  handle(req: IncomingMessage, res: ServerResponse): Promise<void>;
  /** The default in-memory store, by credentials id (empty when `store` is given). */
  credentials: Map<string, StoredCredentials>;
}

class HttpProblem extends Error {
  constructor(
    readonly status: number,
    readonly body: Record<string, unknown>,
  ) {
    super(String(body.error));
  }
}

function readJson(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    if (!/^application\/json\b/i.test(req.headers['content-type'] ?? '')) {
      reject(new HttpProblem(415, { error: 'invalid_request', message: 'Send application/json.' }));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      // Past the limit: stop keeping bytes (the rest is drained) and answer 413.
      if (size > MAX_BODY_BYTES) reject(new HttpProblem(413, { error: 'invalid_request', message: 'Body too large.' }));
      else chunks.push(chunk);
    });
    req.on('end', () => {
      if (size > MAX_BODY_BYTES) return;
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      } catch {
        reject(new HttpProblem(400, { error: 'invalid_request', message: 'Body is not JSON.' }));
      }
    });
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  const payload = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', 'content-length': Buffer.byteLength(payload), ...headers });
  res.end(payload);
}

export function createBackend(options: BackendOptions): Backend {
  const { baseUrl, clientId, clientSecret, allowedOrigin } = options;
  if (!baseUrl || !clientId || !clientSecret) throw new Error('createBackend: baseUrl, clientId and clientSecret are required');
  const exchange = options.exchange ?? exchangeTempToken;
  const log = options.log ?? ((message, fields) => console.log(JSON.stringify({ at: new Date().toISOString(), message, ...fields })));
  const userOf = options.userOf ?? (() => 'demo-user');
  const credentials = new Map<string, StoredCredentials>();
  const store = options.store ?? ((record: StoredCredentials) => void credentials.set(record.credentialsId, record));
  // A temp token is single-use at the API. If our 200 is lost and the page retries
  // (session.retryHandoff()), answer from here instead of failing: keyed by a hash,
  // so the token itself is not kept.
  const done = new Map<string, { userId: string; answer: { credentialsId: string; consentExpiresAt: string } }>();
  const inFlight = new Map<string, Promise<{ credentialsId: string; consentExpiresAt: string }>>();

  function cors(req: IncomingMessage): Record<string, string> {
    if (!allowedOrigin || req.headers.origin !== allowedOrigin) return {};
    return { 'access-control-allow-origin': allowedOrigin, vary: 'Origin' };
  }

  async function exchangeOnce(tempToken: string, userId: string, sessionId: string | undefined) {
    const key = createHash('sha256').update(tempToken).digest('hex');
    const previous = done.get(key);
    if (previous) {
      if (previous.userId !== userId) throw new HttpProblem(400, { error: 'invalid_temp_token' });
      log('temp token already exchanged; answering again', { sessionId, credentialsId: previous.answer.credentialsId });
      return previous.answer;
    }
    let running = inFlight.get(key);
    if (!running) {
      running = (async () => {
        const granted = await exchange({ baseUrl, clientId, clientSecret, tempToken, timeoutMs: options.timeoutMs ?? 15_000 });
        await store({ ...granted, userId, sessionId });
        const answer = { credentialsId: granted.credentialsId, consentExpiresAt: granted.consentExpiresAt };
        done.set(key, { userId, answer });
        log('temp token exchanged', { sessionId, credentialsId: granted.credentialsId, consentExpiresAt: granted.consentExpiresAt });
        return answer;
      })().finally(() => inFlight.delete(key));
      inFlight.set(key, running);
    }
    return running;
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const headers = cors(req);
    try {
      if (path === '/healthz' && req.method === 'GET') return send(res, 200, { ok: true });
      if (path !== TEMP_TOKEN_PATH) throw new HttpProblem(404, { error: 'not_found' });
      if (req.method === 'OPTIONS' && headers['access-control-allow-origin']) {
        res.writeHead(204, { ...headers, 'access-control-allow-methods': 'POST', 'access-control-allow-headers': 'content-type', 'access-control-max-age': '600' });
        return void res.end();
      }
      if (req.method !== 'POST') throw new HttpProblem(405, { error: 'method_not_allowed' });
      const userId = await userOf(req);
      if (!userId) throw new HttpProblem(401, { error: 'unauthenticated' });
      const body = (await readJson(req)) as { tempToken?: unknown; sessionId?: unknown } | null;
      const tempToken = body?.tempToken;
      const sessionId = typeof body?.sessionId === 'string' ? body.sessionId.slice(0, 200) : undefined;
      if (typeof tempToken !== 'string' || tempToken.length === 0 || tempToken.length > 4096) {
        throw new HttpProblem(400, { error: 'invalid_request', message: '`tempToken` must be a non-empty string.' });
      }
      const answer = await exchangeOnce(tempToken, userId, sessionId);
      return send(res, 200, answer, headers);
    } catch (error) {
      if (error instanceof HttpProblem) return send(res, error.status, error.body, headers);
      if (isOnboardingError(error)) {
        // Codes, statuses and request ids only: SDK messages are already redacted, but need not be logged.
        log('temp token exchange failed', { code: error.code, status: error.status, requestId: error.requestId, retryable: error.retryable });
        if (error.code === 'invalid_client_secret' || error.code === 'invalid_client_id' || error.code === 'invalid_config') {
          return send(res, 500, { error: 'server_misconfigured' }, headers);
        }
        if (error.retryable) return send(res, 502, { error: error.code, retryable: true }, headers);
        return send(res, 400, { error: error.code }, headers);
      }
      log('unexpected error', { name: (error as Error)?.name });
      return send(res, 500, { error: 'internal_error' }, headers);
    }
  }

  return { handle, credentials };
}

/** `createBackend` wrapped in an `http.Server` (not listening yet). */
export function createBackendServer(options: BackendOptions): http.Server & { backend: Backend } {
  const backend = createBackend(options);
  const server = http.createServer((req, res) => void backend.handle(req, res)) as http.Server & { backend: Backend };
  server.backend = backend;
  return server;
}
