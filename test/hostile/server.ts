/**
 * A hostile fake of the onboarding API on `node:http`, for the attack tests of
 * issue 8 ("Hostile networks and careless inputs"), and a second, "foreign"
 * server that records every request it gets, so a test can assert that
 * nothing (no app key, nonce, file, client secret or temp token) reached it.
 *
 * Both listen on 127.0.0.1, port 0, and are reached with real `fetch` (and
 * happy-dom's XHR) over loopback: no msw, so what the SDK does with redirects,
 * endless bodies and slow sockets is what a browser or Node would do.
 *
 * Out of the box the hostile server behaves like a plain API (sessions, steps
 * with single-use nonces, uploads, tokens), so a test scripts only the answer
 * it attacks with: `hostile.route('POST', '/v1/sessions', redirect(307, …))`.
 * Routes and records are reset after each test; every open connection is cut
 * then, so an endless or trickling body never outlives its test.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll } from 'vitest';

/** A request as the server received it. */
export interface SeenRequest {
  method: string;
  /** Path as received (after the client resolved any `.`/`..` segment), with the query. */
  path: string;
  headers: IncomingHttpHeaders;
  /** The body as text (multipart included). */
  body: string;
  /** The body parsed as JSON, when it was JSON. */
  json: unknown;
}

/** Writes the answer to one request. */
export type Reply = (res: ServerResponse, req: SeenRequest) => void | Promise<void>;

/** Bytes a streaming answer wrote, and whether the client hung up. */
export interface StreamStats {
  /** Body bytes handed to the socket so far. */
  written: number;
  /** True once the connection closed (the client disconnected, or the test reset the server). */
  closed: boolean;
}

export const newStats = (): StreamStats => ({ written: 0, closed: false });

export const MiB = 1024 * 1024;

// ---------------------------------------------------------------------------
// Answers
// ---------------------------------------------------------------------------

/** A JSON answer. */
export const json =
  (status: number, body: unknown, headers: Record<string, string> = {}): Reply =>
  (res) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };

/** A body written verbatim, e.g. JSON text holding a lone surrogate escape (`"\ud800"`). */
export const raw =
  (status: number, body: string, headers: Record<string, string> = {}): Reply =>
  (res) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(body);
  };

/** The documented error body. */
export const apiError = (status: number, fields: Record<string, unknown>, headers: Record<string, string> = {}): Reply =>
  json(status, { id: randomUUID(), type: 'invalid_request', http: status, ...fields }, headers);

/** A redirect to `location`, with a body that would pass as a 200 if a client used it. */
export const redirect =
  (status: number, location: string): Reply =>
  (res) => {
    res.writeHead(status, { location, 'content-type': 'application/json' });
    res.end(JSON.stringify(FOREIGN_ANSWER));
  };

/**
 * Declares a huge body (`content-length`, 200 MB by default), sends `prefix`,
 * then keeps the socket open without sending more, until the client hangs up.
 */
export const declaredHuge =
  (stats: StreamStats, options: { prefix: string; status?: number; declared?: number }): Reply =>
  (res) => {
    res.on('close', () => (stats.closed = true));
    res.writeHead(options.status ?? 200, {
      'content-type': 'application/json',
      'content-length': String(options.declared ?? 209_715_200),
    });
    res.write(options.prefix);
    stats.written += Buffer.byteLength(options.prefix);
  };

/** Past this, an endless body pauses (socket left open): a client that reads without bound must not exhaust the test's memory. */
const SAFETY_CAP = 64 * MiB;

/**
 * A chunked body that never ends: `prefix`, then `fill` as fast as the socket
 * drains, until the client disconnects (or the safety cap, 64 MiB, is reached:
 * then it pauses with the socket open, so a client that reads everything still
 * never sees an end).
 */
export const endless =
  (stats: StreamStats, options: { prefix: string; status?: number; fill?: string }): Reply =>
  (res) => {
    const chunk = Buffer.alloc(64 * 1024, options.fill ?? 'a');
    res.on('close', () => (stats.closed = true));
    res.writeHead(options.status ?? 200, { 'content-type': 'application/json' });
    res.write(options.prefix);
    stats.written += Buffer.byteLength(options.prefix);
    const pump = () => {
      while (!stats.closed && !res.destroyed && stats.written < SAFETY_CAP) {
        stats.written += chunk.length;
        if (!res.write(chunk)) {
          res.once('drain', pump);
          return;
        }
      }
    };
    pump();
  };

/**
 * Sends the headers only after `headersAfterMs`, then `prefix`, then one byte
 * every `everyMs` for as long as the client listens.
 */
export const trickle =
  (stats: StreamStats, options: { headersAfterMs: number; everyMs: number; prefix: string; status?: number }): Reply =>
  (res) =>
    new Promise<void>((resolve) => {
      let ticker: ReturnType<typeof setInterval> | undefined;
      const stop = () => {
        stats.closed = true;
        clearTimeout(start);
        clearInterval(ticker);
        resolve();
      };
      res.on('close', stop);
      const start = setTimeout(() => {
        if (res.destroyed) return stop();
        res.writeHead(options.status ?? 200, { 'content-type': 'application/json' });
        res.write(options.prefix);
        stats.written += Buffer.byteLength(options.prefix);
        ticker = setInterval(() => {
          if (res.destroyed) return stop();
          res.write('a');
          stats.written += 1;
        }, options.everyMs);
      }, options.headersAfterMs);
    });

/** A 200 body of the right shape for `POST /sessions`, padded with an extra field to `size` bytes. */
export function paddedSessionBody(size: number): string {
  const head = JSON.stringify({ session_id: 's-padded', nonce: `n-${randomUUID()}`, status: 'SESSION_CREATED', pad: '' });
  return `${head.slice(0, -2)}${'p'.repeat(Math.max(0, size - head.length))}"}`;
}

/** Sends `body` chunked (no `content-length`), 64 KiB at a time. */
export const chunked =
  (status: number, body: string): Reply =>
  async (res) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    for (let at = 0; at < body.length; at += 64 * 1024) {
      if (!res.write(body.slice(at, at + 64 * 1024))) await new Promise((resolve) => res.once('drain', resolve));
      if (res.destroyed) return;
    }
    res.end();
  };

// ---------------------------------------------------------------------------
// Servers
// ---------------------------------------------------------------------------

/** What the foreign server answers: a body that passes every 200 schema, so a client that followed a redirect would use it. */
export const FOREIGN_ANSWER = {
  session_id: 'foreign-session',
  nonce: 'foreign-nonce',
  step_id: 'foreign-step',
  status: 'FOREIGN_OK',
  data: { from: 'foreign' },
  credentials_id: 'foreign-credentials',
  access_token: 'foreign-access-token',
  consent_exp: '2030-01-01T00:00:00Z',
  max_data_retention: '2030-01-01T00:00:00Z',
} as const;

interface Route {
  method: string;
  path: string | RegExp;
  reply: Reply;
}

/** One fake server on loopback. */
export class TestServer {
  /** Every request received since the last reset, preflights included. */
  readonly requests: SeenRequest[] = [];
  readonly #server: Server;
  readonly #routes: Route[] = [];
  #origin = '';

  constructor() {
    this.#server = createServer((req, res) => void this.#handle(req, res));
  }

  /** The answer when no route matches. */
  protected fallback(req: SeenRequest): Reply {
    return apiError(404, { code: 'not_found', message: `no route ${req.method} ${req.path}` });
  }

  async listen(): Promise<this> {
    await new Promise<void>((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(0, '127.0.0.1', () => resolve());
    });
    this.#origin = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
    return this;
  }

  /** `http://127.0.0.1:<port>` */
  get origin(): string {
    return this.#origin;
  }

  /** `http://127.0.0.1:<port>/v1` */
  get baseUrl(): string {
    return `${this.#origin}/v1`;
  }

  /** The paths of the POST requests received, in order. */
  get postPaths(): string[] {
    return this.requests.filter((r) => r.method === 'POST').map((r) => r.path);
  }

  /**
   * Answers `method` requests to `path` (exact pathname, or a RegExp) with
   * `reply` until the next reset; the latest route for a request wins.
   */
  route(method: string, path: string | RegExp, reply: Reply): this {
    this.#routes.unshift({ method, path, reply });
    return this;
  }

  /**
   * Forgets routes and records, and cuts every open connection — then waits a
   * moment, so the client's side has seen the cut before the next test sends.
   */
  async reset(): Promise<void> {
    this.#routes.length = 0;
    this.requests.length = 0;
    this.#server.closeAllConnections();
    await new Promise((resolve) => setTimeout(resolve, 20));
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // A fresh connection per request: nothing pooled survives a test's reset.
    res.setHeader('connection', 'close');
    // Page-origin requests (happy-dom's XHR and fetch) need CORS on every answer.
    res.setHeader('access-control-allow-origin', req.headers.origin ?? '*');
    res.setHeader('access-control-expose-headers', 'retry-after, location, content-length');
    const chunks: Buffer[] = [];
    try {
      for await (const chunk of req) chunks.push(chunk as Buffer);
    } catch {
      return; // the client gave up while sending
    }
    const body = Buffer.concat(chunks).toString('utf8');
    let parsed: unknown;
    try {
      parsed = body ? JSON.parse(body) : undefined;
    } catch {
      parsed = undefined;
    }
    const url = new URL(req.url ?? '/', this.#origin);
    const seen: SeenRequest = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body, json: parsed };
    this.requests.push(seen);
    if (req.method === 'OPTIONS') {
      res.writeHead(204, {
        'access-control-allow-methods': 'GET, POST, OPTIONS',
        'access-control-allow-headers': req.headers['access-control-request-headers'] ?? '*',
        'access-control-max-age': '0',
      });
      res.end();
      return;
    }
    const route = this.#routes.find(
      (r) => r.method === req.method && (typeof r.path === 'string' ? r.path === url.pathname : r.path.test(url.pathname)),
    );
    try {
      await (route?.reply ?? this.fallback(seen))(res, seen);
    } catch {
      res.destroy();
    }
  }
}

/** The multipart field `name` of a recorded upload, read crudely from the body text. */
export function multipartField(body: string, name: string): string | undefined {
  const match = new RegExp(`name="${name}"\\r\\n(?:[^\\r\\n]+\\r\\n)*\\r\\n([^\\r\\n]*)\\r\\n`).exec(body);
  return match?.[1];
}

/**
 * The hostile API. Until a test scripts otherwise it behaves: sessions get an
 * id `s-<n>` and a fresh nonce; steps and uploads spend their nonce once (a
 * spent or unknown one answers 401 `invalid_nonce`) and answer a fresh one;
 * the step named `last` completes with `tempToken`; `/tokens` grants.
 */
export class HostileServer extends TestServer {
  /** Every nonce received on a step or an upload, in order. */
  readonly nonces: string[] = [];
  /** The temp token the step named `last` answers. */
  tempToken = 'hostile-temp-token-0001';
  #live = new Set<string>();
  #count = 0;

  override async reset(): Promise<void> {
    await super.reset();
    this.nonces.length = 0;
    this.#live.clear();
    this.#count = 0;
    this.tempToken = 'hostile-temp-token-0001';
  }

  /** A nonce unique across tests and files (the SDK may remember spent ones page-wide). */
  issueNonce(): string {
    const nonce = `n-${randomUUID()}`;
    this.#live.add(nonce);
    return nonce;
  }

  protected override fallback(req: SeenRequest): Reply {
    const path = new URL(req.path, 'http://x').pathname;
    if (req.method !== 'POST') return apiError(404, { code: 'not_found', message: `no route ${req.method} ${path}` });
    if (path === '/v1/sessions') {
      return json(200, { session_id: `s-${++this.#count}`, nonce: this.issueNonce(), status: 'SESSION_CREATED' });
    }
    const step = /^\/v1\/sessions\/([^/]+)\/steps$/.exec(path);
    const upload = /^\/v1\/steps\/([^/]+)\/upload$/.exec(path);
    if (step || upload) {
      const body = req.json as { nonce?: unknown; step?: unknown } | undefined;
      const nonce = step ? body?.nonce : multipartField(req.body, 'nonce');
      if (typeof nonce === 'string') this.nonces.push(nonce);
      if (typeof nonce !== 'string' || !this.#live.delete(nonce)) {
        return apiError(401, { type: 'unauthorized', code: 'invalid_nonce', message: 'The nonce is unknown or already used.' });
      }
      if (upload) return json(200, { step_id: upload[1], status: 'UPLOAD_RECEIVED', nonce: this.issueNonce() });
      const stepId = `st-${++this.#count}`;
      if (body?.step === 'last') return json(200, { step_id: stepId, temp_token: this.tempToken, status: 'SESSION_COMPLETED', data: {} });
      return json(200, { step_id: stepId, nonce: this.issueNonce(), status: 'SESSION_IN_PROGRESS', data: {} });
    }
    if (path === '/v1/tokens') {
      return json(200, {
        credentials_id: 'cred-1',
        access_token: 'access-1',
        consent_exp: '2030-01-01T00:00:00Z',
        max_data_retention: '2030-06-01T00:00:00Z',
      });
    }
    return apiError(404, { code: 'not_found', message: `no route POST ${path}` });
  }
}

/** A server that must never be reached: records everything, answers like a working API would. */
export class ForeignServer extends TestServer {
  protected override fallback(): Reply {
    return json(200, FOREIGN_ANSWER);
  }
}

/**
 * Starts a hostile and a foreign server for the calling test file, resets both
 * after each test and closes them after the file. Fields are set in `beforeAll`.
 */
export function useServers(): { hostile: HostileServer; foreign: ForeignServer } {
  const servers = {} as { hostile: HostileServer; foreign: ForeignServer };
  beforeAll(async () => {
    servers.hostile = await new HostileServer().listen();
    servers.foreign = await new ForeignServer().listen();
  });
  afterEach(async () => {
    await Promise.all([servers.hostile.reset(), servers.foreign.reset()]);
  });
  afterAll(async () => {
    await Promise.all([servers.hostile?.close(), servers.foreign?.close()]);
  });
  return servers;
}

// ---------------------------------------------------------------------------
// Bounding the client under attack
// ---------------------------------------------------------------------------

export type Settled<T> = { ok: true; value: T; ms: number } | { ok: false; error: unknown; ms: number };

/**
 * Settles `promise`, or gives up after `limitMs` (a hang is a finding, not a
 * test timeout): the outcome and the wall time it took.
 */
export async function settle<T>(promise: Promise<T>, limitMs = 4_000): Promise<Settled<T>> {
  const started = performance.now();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const hang = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`did not settle within ${limitMs} ms (hung)`)), limitMs);
  });
  try {
    const value = await Promise.race([promise, hang]);
    return { ok: true, value, ms: performance.now() - started };
  } catch (error) {
    return { ok: false, error, ms: performance.now() - started };
  } finally {
    clearTimeout(timer);
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A short description of an outcome, for assertion messages. */
export function describeOutcome(outcome: Settled<unknown>): string {
  if (outcome.ok) return `resolved after ${Math.round(outcome.ms)} ms`;
  const e = outcome.error as { code?: unknown; status?: unknown; message?: unknown };
  return `rejected after ${Math.round(outcome.ms)} ms: code=${String(e?.code)} status=${String(e?.status)} ${String(e?.message)}`;
}
