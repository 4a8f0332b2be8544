// An independent, strict implementation of the onboarding API (shared/PROTOCOL.md)
// for the acceptance harness. Zero dependencies: plain `node:http`, and Node's
// built-in `Request#formData()` (undici) to parse multipart bodies. It shares no
// code with src/ on purpose: the packed SDK is proven against a second reading
// of the protocol, not against its own testing kit.
//
//   const server = await startStrictServer({ skills: { 'x_#1.0': { steps: ['a', 'b'] } } });
//   server.url            // http://127.0.0.1:PORT/v1
//   server.credentials    // { clientId, clientAppKey, clientSecret }
//   server.requests       // every request received, in arrival order (see `record` below)
//   server.inject(fault)  // queue a one-shot fault (see FAULTS)
//   server.advanceClock(ms)
//   await server.close()
//
// Run it on its own for manual poking: `node test/acceptance/strict-server.mjs [port]`.

import http from 'node:http';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { pathToFileURL } from 'node:url';

export const NONCE_TTL_MS = 30 * 60 * 1000;

/** Skills served when the caller gives none. */
export const DEFAULT_SKILLS = {
  'xyz_aisp_sbx_#1.0': {
    steps: ['consent_form', 'bank_redirect', 'confirm'],
    stepData: {
      bank_redirect: ({ session }) => ({
        redirect_url: `https://bank.example/sca/authorize?ref=${session.id.slice(0, 8)}`,
      }),
    },
  },
  'xyz_kyc_sbx_#3.0': {
    steps: ['product_form', 'kyc_documents', 'review', 'confirm'],
    uploadSteps: ['kyc_documents'],
  },
};

/**
 * Fault types accepted by `inject()`. Every fault is one-shot: it applies to the
 * first later request whose route matches `fault.route` ('sessions' | 'steps' |
 * 'upload' | 'tokens'; omitted = any route except CORS preflights), optionally
 * narrowed by `fault.step` (the step name of a step submission) or `fault.match(record)`.
 */
export const FAULTS = {
  drop: 'destroy the socket before reading or processing anything',
  'drop-after': 'process the request fully (state changes, nonce spent), then destroy the socket: the response is lost',
  status: '{ status, retryAfter?: seconds|string, retryAfterDate?: msFromNow, code?, body? } answered without processing',
  error: '{ status = 500, code = "internal_error", type?, message?, body? } answered without processing',
  malformed: '200 with application/json content that is not JSON; { process?: boolean }',
  'wrong-shape': '200 with JSON of the wrong shape for the route; { body?, process?: boolean }',
  html: '{ status = 502 } an HTML proxy error page',
  hang: 'read the body, never answer (until close())',
  delay: '{ ms } wait, then process normally',
  'slow-upload': '{ bytesPerSecond = 262144 } read the request body slowly; fault.release() stops throttling',
  'upload-nonce': '{ fresh: boolean } decides whether the next upload response carries a fresh nonce',
};

const ROUTES = ['sessions', 'steps', 'upload', 'tokens'];

function token(bytes = 24) {
  return randomBytes(bytes).toString('base64url');
}

function isPlainObject(v) {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const TYPE_BY_STATUS = {
  400: 'invalid_request',
  401: 'unauthorized',
  403: 'unauthorized',
  404: 'invalid_request',
  405: 'invalid_request',
  413: 'invalid_request',
  429: 'external_api_error',
  500: 'internal_server_error',
  502: 'internal_server_error',
  503: 'internal_server_error',
};

class ApiError extends Error {
  constructor(http, code, message, type) {
    super(message);
    this.http = http;
    this.code = code;
    this.type = type ?? TYPE_BY_STATUS[http] ?? (http >= 500 ? 'internal_server_error' : 'invalid_request');
  }
}

const HTML_502 =
  '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n' +
  '<hr><center>nginx/1.25.3</center>\r\n</body>\r\n</html>\r\n';

/**
 * @param {object} [options]
 * @param {Record<string, {steps: string[], uploadSteps?: string[], stepData?: Record<string, object|Function>}>} [options.skills]
 * @param {{clientId: string, clientAppKey: string, clientSecret: string}[]} [options.clients]
 * @param {string} [options.clientId] @param {string} [options.clientAppKey] @param {string} [options.clientSecret]
 * @param {number} [options.nonceTtlMs] default 30 minutes
 * @param {'fresh'|'none'|((ctx) => boolean)} [options.uploadNonce] whether upload responses carry a fresh nonce (default 'fresh')
 * @param {boolean} [options.lastStepNonce] also send a nonce with the last step's response (default false)
 * @param {string} [options.basePath] default '/v1'
 * @param {number} [options.port] default 0
 * @param {number} [options.maxBodyBytes] default 64 MB
 */
export async function startStrictServer(options = {}) {
  const basePath = (options.basePath ?? '/v1').replace(/\/$/, '');
  const skills = options.skills ?? DEFAULT_SKILLS;
  const nonceTtlMs = options.nonceTtlMs ?? NONCE_TTL_MS;
  const maxBodyBytes = options.maxBodyBytes ?? 64 * 1024 * 1024;
  let uploadNonceMode = options.uploadNonce ?? 'fresh';

  const clients = options.clients ?? [
    {
      clientId: options.clientId ?? 'acceptance-client',
      clientAppKey: options.clientAppKey ?? `appkey_${token(18)}`,
      clientSecret: options.clientSecret ?? `secret_${token(18)}`,
    },
  ];
  const clientsById = new Map(clients.map((c) => [c.clientId, c]));

  let clockOffset = 0;
  const now = () => Date.now() + clockOffset;

  /** session id -> session */
  const sessions = new Map();
  /** nonce -> { nonce, sessionId, issuedAt, issuedBy, usedAt, usedBy } */
  const nonces = new Map();
  /** step id -> { stepId, sessionId, step, index } */
  const stepsById = new Map();
  /** temp token -> { sessionId, clientId, issuedAt, exchangedAt } */
  const tempTokens = new Map();
  const issuedNonces = [];
  const issuedTempTokens = [];
  const issuedAccessTokens = [];
  const requests = [];
  const faults = [];
  const sockets = new Set();
  const pending = new Set(); // timers and throttles to clear on close
  let seq = 0;

  function issueNonce(session, record) {
    const nonce = token(24);
    const entry = { nonce, sessionId: session.id, issuedAt: now(), issuedBy: record.seq, usedAt: null, usedBy: null };
    nonces.set(nonce, entry);
    issuedNonces.push(nonce);
    session.currentNonce = nonce;
    session.nonceHistory.push(entry);
    record.issuedNonce = nonce;
    return nonce;
  }

  /** Throws ApiError unless `nonce` is the session's current, unexpired, unused nonce. */
  function checkNonce(session, nonce) {
    const entry = nonces.get(nonce);
    if (!entry || entry.sessionId !== session.id || entry.usedAt !== null || session.currentNonce !== nonce) {
      throw new ApiError(401, 'invalid_nonce', 'The nonce is invalid or has already been used.');
    }
    if (now() - entry.issuedAt >= nonceTtlMs) {
      throw new ApiError(401, 'expired_nonce', 'The nonce has expired.');
    }
    return entry;
  }

  function spendNonce(session, entry, record) {
    entry.usedAt = now();
    entry.usedBy = record.seq;
    if (session.currentNonce === entry.nonce) session.currentNonce = null;
    record.nonceAccepted = true;
    record.nonceSpent = true;
  }

  function requireFields(body, fields) {
    const missing = fields.filter((f) => body[f] === undefined || body[f] === null || body[f] === '');
    if (missing.length) throw new ApiError(400, 'missing_fields', `Missing required fields: ${missing.join(', ')}.`);
    const wrong = fields.filter((f) => typeof body[f] !== 'string');
    if (wrong.length) throw new ApiError(400, 'invalid_field', `Fields must be strings: ${wrong.join(', ')}.`);
  }

  function lookupClient(clientId) {
    const client = clientsById.get(clientId);
    if (!client) throw new ApiError(401, 'invalid_client_id', 'Unknown client_id.');
    return client;
  }

  // --- route handlers: each returns { status, body } or throws ApiError -------------

  function createSession(body, record) {
    if (!isPlainObject(body)) throw new ApiError(400, 'invalid_field', 'The body must be a JSON object.');
    requireFields(body, ['client_id', 'client_app_key', 'skill']);
    const client = lookupClient(body.client_id);
    if (body.client_app_key !== client.clientAppKey) {
      throw new ApiError(401, 'invalid_client_app_key', 'The client_app_key is not valid for this client.');
    }
    if (body.tenant_user_id !== undefined && typeof body.tenant_user_id !== 'string') {
      throw new ApiError(400, 'invalid_field', 'tenant_user_id must be a string.');
    }
    const skill = skills[body.skill];
    if (!skill) throw new ApiError(400, 'invalid_skill_name', 'Unknown skill.');
    const session = {
      id: randomUUID(),
      clientId: client.clientId,
      skill: body.skill,
      tenantUserId: body.tenant_user_id,
      createdAt: now(),
      status: 'SESSION_CREATED',
      nextIndex: 0,
      steps: [],
      uploads: [],
      currentNonce: null,
      nonceHistory: [],
      tempToken: null,
    };
    sessions.set(session.id, session);
    record.sessionId = session.id;
    const nonce = issueNonce(session, record);
    return { status: 200, body: { nonce, session_id: session.id, status: session.status } };
  }

  function submitStep(sessionId, body, record) {
    if (!isPlainObject(body)) throw new ApiError(400, 'invalid_field', 'The body must be a JSON object.');
    requireFields(body, ['client_id', 'nonce', 'skill', 'step']);
    if (body.data === undefined) throw new ApiError(400, 'missing_fields', 'Missing required fields: data.');
    if (!isPlainObject(body.data)) throw new ApiError(400, 'invalid_field', 'data must be a JSON object.');
    lookupClient(body.client_id);
    record.nonce = body.nonce;
    record.step = body.step;
    const session = sessions.get(sessionId);
    if (!session || session.clientId !== body.client_id) {
      throw new ApiError(404, 'invalid_session_id', 'Unknown session.');
    }
    record.sessionId = session.id;
    if (body.skill !== session.skill) {
      throw new ApiError(400, 'invalid_skill_name', 'The skill does not match the session.');
    }
    const nonceEntry = checkNonce(session, body.nonce);
    const skill = skills[session.skill];
    const expected = skill.steps[session.nextIndex];
    if (body.step !== expected) {
      throw new ApiError(400, 'invalid_step', 'This step is unknown or out of order.');
    }
    spendNonce(session, nonceEntry, record);
    const stepId = randomUUID();
    const index = session.nextIndex;
    session.nextIndex += 1;
    stepsById.set(stepId, { stepId, sessionId: session.id, step: body.step, index });
    session.steps.push({ stepId, step: body.step, data: body.data, at: now(), seq: record.seq });
    record.stepId = stepId;
    const producer = skill.stepData?.[body.step];
    const data = typeof producer === 'function' ? producer({ session, body, stepId }) : (producer ?? {});
    const last = session.nextIndex === skill.steps.length;
    if (last) {
      session.status = 'SESSION_COMPLETED';
      const temp = `tmp_${token(24)}`;
      session.tempToken = temp;
      tempTokens.set(temp, { sessionId: session.id, clientId: session.clientId, issuedAt: now(), exchangedAt: null });
      issuedTempTokens.push(temp);
      record.issuedTempToken = temp;
      const res = { step_id: stepId, temp_token: temp, status: session.status, data };
      if (options.lastStepNonce) res.nonce = issueNonce(session, record);
      return { status: 200, body: res };
    }
    session.status = 'SESSION_IN_PROGRESS';
    const nonce = issueNonce(session, record);
    return { status: 200, body: { step_id: stepId, nonce, status: session.status, data } };
  }

  async function upload(stepId, form, record, fault) {
    const clientId = form.get('client_id');
    const nonce = form.get('nonce');
    const file = form.get('file');
    const missing = [];
    if (typeof clientId !== 'string' || !clientId) missing.push('client_id');
    if (typeof nonce !== 'string' || !nonce) missing.push('nonce');
    if (!(file instanceof File)) missing.push('file');
    if (missing.length) throw new ApiError(400, 'missing_fields', `Missing required parts: ${missing.join(', ')}.`);
    record.nonce = nonce;
    lookupClient(clientId);
    const step = stepsById.get(stepId);
    const session = step && sessions.get(step.sessionId);
    if (!session || session.clientId !== clientId) {
      throw new ApiError(404, 'invalid_step', 'Unknown step id.');
    }
    record.sessionId = session.id;
    const nonceEntry = checkNonce(session, nonce);
    const allowed = skills[session.skill].uploadSteps;
    if (allowed && !allowed.includes(step.step)) {
      throw new ApiError(400, 'invalid_step', 'This step does not accept uploads.');
    }
    let fresh;
    if (fault?.type === 'upload-nonce') fresh = Boolean(fault.fresh);
    else if (typeof uploadNonceMode === 'function') fresh = Boolean(uploadNonceMode({ session, stepId, step: step.step, uploadIndex: session.uploads.length }));
    else fresh = uploadNonceMode !== 'none';
    session.uploads.push({ stepId, step: step.step, ...record.file, seq: record.seq });
    const res = { step_id: stepId, status: 'UPLOAD_RECEIVED' };
    if (fresh) {
      spendNonce(session, nonceEntry, record);
      res.nonce = issueNonce(session, record);
    } else {
      record.nonceAccepted = true; // accepted, but stays the session's current nonce
    }
    record.stepId = stepId;
    return { status: 200, body: res };
  }

  function exchangeToken(body) {
    if (!isPlainObject(body)) throw new ApiError(400, 'invalid_field', 'The body must be a JSON object.');
    requireFields(body, ['client_id', 'client_secret', 'temp_token']);
    const client = lookupClient(body.client_id);
    if (body.client_secret !== client.clientSecret) {
      throw new ApiError(401, 'invalid_client_secret', 'The client_secret is not valid for this client.');
    }
    const entry = tempTokens.get(body.temp_token);
    if (!entry || entry.clientId !== client.clientId || entry.exchangedAt !== null) {
      throw new ApiError(401, 'invalid_temp_token', 'The temp_token is invalid or has already been used.');
    }
    entry.exchangedAt = now();
    const access = `acc_${token(32)}`;
    issuedAccessTokens.push(access);
    const t = now();
    return {
      status: 200,
      body: {
        credentials_id: randomUUID(),
        access_token: access,
        consent_exp: new Date(t + 90 * 86400_000).toISOString().replace(/\.\d{3}Z$/, 'Z'),
        max_data_retention: new Date(t + 120 * 86400_000).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      },
    };
  }

  // --- plumbing ------------------------------------------------------------------

  function route(method, pathname) {
    if (!pathname.startsWith(basePath + '/')) return { name: 'unknown' };
    const parts = pathname.slice(basePath.length + 1).split('/');
    let decoded;
    try {
      decoded = parts.map((p) => decodeURIComponent(p));
    } catch {
      return { name: 'unknown' };
    }
    if (parts.length === 1 && parts[0] === 'sessions') return { name: 'sessions' };
    if (parts.length === 1 && parts[0] === 'tokens') return { name: 'tokens' };
    if (parts.length === 3 && parts[0] === 'sessions' && parts[2] === 'steps') return { name: 'steps', sessionId: decoded[1] };
    if (parts.length === 3 && parts[0] === 'steps' && parts[2] === 'upload') return { name: 'upload', stepId: decoded[1] };
    return { name: 'unknown' };
  }

  function takeFault(record) {
    const i = faults.findIndex((f) => {
      if (record.route === 'preflight') return f.route === 'preflight';
      if (f.route && f.route !== 'any' && f.route !== record.route) return false;
      if (!f.route && !ROUTES.includes(record.route)) return false;
      if (f.step !== undefined && f.step !== record.step) return false;
      if (f.match && !f.match(record)) return false;
      return true;
    });
    if (i === -1) return undefined;
    const [fault] = faults.splice(i, 1);
    fault.consumedBy = record.seq;
    return fault;
  }

  function corsHeaders(req) {
    const origin = req.headers.origin;
    return {
      'access-control-allow-origin': origin ?? '*',
      vary: 'Origin',
      'access-control-expose-headers': 'Retry-After',
    };
  }

  function send(req, res, record, status, body, headers = {}) {
    if (res.destroyed || res.headersSent) return;
    const isText = typeof body === 'string';
    const payload = isText ? body : JSON.stringify(body);
    res.writeHead(status, {
      'content-type': isText ? (headers['content-type'] ?? 'text/plain; charset=utf-8') : 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(payload),
      ...corsHeaders(req),
      ...headers,
    });
    res.end(payload);
    record.status = status;
    record.response = isText ? payload : body;
    record.outcome = 'responded';
    record.endedAt = Date.now();
  }

  function errorBody(record, http, code, message, type) {
    const id = randomUUID();
    record.errorId = id;
    record.code = code;
    return { id, type: type ?? TYPE_BY_STATUS[http] ?? 'invalid_request', http, code, message };
  }

  function sendError(req, res, record, err) {
    send(req, res, record, err.http, errorBody(record, err.http, err.code, err.message, err.type));
  }

  function sendBadBody(req, res, record, fault, routeName) {
    if (fault.type === 'malformed') {
      return send(req, res, record, 200, '{"step_id": "' + randomUUID() + '", "nonce": ', {
        'content-type': 'application/json; charset=utf-8',
      });
    }
    const shapes = {
      sessions: { session_id: 12345, status: 'SESSION_CREATED' },
      steps: { step_id: 42, nonce: 17, status: 'SESSION_IN_PROGRESS', data: 'not-an-object' },
      upload: { step_id: 42, status: ['UPLOAD_RECEIVED'], nonce: 17 },
      tokens: { credentials_id: 1, access_token: null },
    };
    return send(req, res, record, 200, fault.body ?? shapes[routeName] ?? { unexpected: true });
  }

  /** Reads the whole body, throttled if a slow-upload fault applies. Resolves null if the client went away. */
  function readBody(req, record, throttle) {
    return new Promise((resolve) => {
      const chunks = [];
      let done = false;
      let tooLarge = false;
      const finish = (value) => {
        if (done) return;
        done = true;
        resolve(value);
      };
      req.on('data', (chunk) => {
        record.bytesReceived += chunk.length;
        if (record.bytesReceived > maxBodyBytes) tooLarge = true;
        else chunks.push(chunk);
        if (throttle && !throttle.released) {
          req.pause();
          const t = setTimeout(() => {
            pending.delete(t);
            req.resume();
          }, Math.max(1, Math.round((chunk.length / throttle.bytesPerSecond) * 1000)));
          pending.add(t);
          throttle.resumeNow = () => {
            clearTimeout(t);
            pending.delete(t);
            req.resume();
          };
        }
      });
      req.on('end', () => {
        record.complete = true;
        finish(tooLarge ? 'too_large' : Buffer.concat(chunks));
      });
      req.on('close', () => {
        if (!req.complete) {
          record.clientAborted = true;
          record.outcome = record.outcome ?? 'client-aborted';
          record.endedAt = Date.now();
          finish(null);
        }
      });
      req.on('error', () => {});
    });
  }

  async function handle(req, res) {
    const url = new URL(req.url, 'http://127.0.0.1');
    const record = {
      seq: ++seq,
      at: Date.now(),
      serverTime: now(),
      method: req.method,
      path: url.pathname,
      url: req.url,
      route: 'unknown',
      headers: { ...req.headers },
      body: undefined,
      rawBody: undefined,
      fields: undefined,
      file: undefined,
      nonce: undefined,
      nonceAccepted: false,
      nonceSpent: false,
      sessionId: undefined,
      stepId: undefined,
      step: undefined,
      issuedNonce: undefined,
      issuedTempToken: undefined,
      bytesReceived: 0,
      complete: false,
      clientAborted: false,
      clientGone: false,
      fault: undefined,
      status: undefined,
      response: undefined,
      errorId: undefined,
      code: undefined,
      outcome: undefined,
      endedAt: undefined,
    };
    requests.push(record);
    res.on('close', () => {
      if (!res.writableFinished && record.outcome !== 'dropped' && record.outcome !== 'lost-response') {
        record.clientGone = true;
        record.clientGoneAt = Date.now();
      }
    });

    if (req.method === 'OPTIONS') {
      record.route = 'preflight';
      const fault = takeFault(record);
      if (fault) record.fault = fault.type;
      req.resume();
      res.writeHead(204, {
        ...corsHeaders(req),
        'access-control-allow-methods': 'POST, OPTIONS',
        'access-control-allow-headers': req.headers['access-control-request-headers'] ?? 'content-type',
        'access-control-max-age': '600',
        'content-length': '0',
      });
      res.end();
      record.status = 204;
      record.outcome = 'responded';
      return;
    }

    const r = route(req.method, url.pathname);
    record.route = r.name;
    record.sessionId = r.name === 'upload' ? stepsById.get(r.stepId)?.sessionId : r.sessionId;
    record.stepId = r.stepId;

    // Step faults may target a step by name: peek at JSON bodies before choosing a fault.
    let fault;
    let body;
    const needsBodyFirst = faults.some((f) => f.step !== undefined);
    if (!needsBodyFirst || r.name !== 'steps') fault = takeFault(record);
    if (fault) record.fault = fault.type;

    if (fault?.type === 'drop') {
      record.outcome = 'dropped';
      record.endedAt = Date.now();
      req.socket.destroy();
      return;
    }

    const throttle =
      fault?.type === 'slow-upload' ? { bytesPerSecond: fault.bytesPerSecond ?? 256 * 1024, released: false } : undefined;
    if (throttle) {
      fault.release = () => {
        throttle.released = true;
        throttle.resumeNow?.();
      };
      fault.record = record;
    }
    const raw = await readBody(req, record, throttle);
    if (raw === null) return; // client went away
    if (raw === 'too_large') {
      return sendError(req, res, record, new ApiError(413, 'invalid_field', 'The request body is too large.'));
    }

    // Annotate the record before any fault applies, so that faulted requests are
    // recorded with the nonce / file they carried, like processed ones.
    let form;
    let formError;
    if (r.name === 'upload') {
      const ct = req.headers['content-type'] ?? '';
      if (!/^multipart\/form-data\s*;/i.test(ct)) {
        formError = new ApiError(400, 'invalid_field', 'Uploads must be multipart/form-data.');
      } else {
        try {
          form = await new Request('http://127.0.0.1/', { method: 'POST', headers: { 'content-type': ct }, body: raw }).formData();
        } catch {
          formError = new ApiError(400, 'invalid_field', 'The multipart body could not be parsed.');
        }
      }
      if (form) {
        record.fields = {};
        for (const [k, v] of form.entries()) {
          record.fields[k] = typeof v === 'string' ? v : { file: true, name: v.name, type: v.type, size: v.size };
        }
        const nonce = form.get('nonce');
        if (typeof nonce === 'string') record.nonce = nonce;
        const file = form.get('file');
        if (file instanceof File) {
          const bytes = Buffer.from(await file.arrayBuffer());
          record.file = { name: file.name, type: file.type, size: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') };
        }
      }
    } else {
      record.rawBody = raw.toString('utf8');
      try {
        body = record.rawBody.length ? JSON.parse(record.rawBody) : undefined;
        record.body = body;
      } catch {
        body = Symbol.for('invalid-json');
      }
      if (isPlainObject(body)) {
        if (typeof body.nonce === 'string') record.nonce = body.nonce;
        if (typeof body.step === 'string') record.step = body.step;
      }
    }
    if (!fault && needsBodyFirst && r.name === 'steps') {
      record.step = isPlainObject(body) ? body.step : undefined;
      fault = takeFault(record);
      if (fault) record.fault = fault.type;
    }

    if (fault?.type === 'drop') {
      record.outcome = 'dropped';
      record.endedAt = Date.now();
      req.socket.destroy();
      return;
    }
    if (fault?.type === 'hang') {
      record.outcome = 'hung';
      return;
    }
    if (fault?.type === 'delay') {
      await new Promise((resolve) => {
        const t = setTimeout(() => {
          pending.delete(t);
          resolve();
        }, fault.ms ?? 1000);
        pending.add(t);
      });
      if (res.destroyed) return;
    }
    if (fault?.type === 'status') {
      const headers = {};
      if (fault.retryAfter !== undefined) headers['retry-after'] = String(fault.retryAfter);
      if (fault.retryAfterDate !== undefined) headers['retry-after'] = new Date(Date.now() + fault.retryAfterDate).toUTCString();
      record.retryAfter = headers['retry-after'];
      const status = fault.status ?? 503;
      const code = fault.code ?? (status === 429 ? 'external_api_too_many_requests' : 'service_unavailable');
      const payload = fault.body ?? errorBody(record, status, code, 'Please retry later.');
      return send(req, res, record, status, payload, headers);
    }
    if (fault?.type === 'error') {
      const status = fault.status ?? 500;
      if (fault.body !== undefined) return send(req, res, record, status, fault.body);
      return send(req, res, record, status, errorBody(record, status, fault.code ?? 'internal_error', fault.message ?? 'Something went wrong.', fault.errorType));
    }
    if (fault?.type === 'html') {
      return send(req, res, record, fault.status ?? 502, HTML_502, { 'content-type': 'text/html; charset=utf-8' });
    }
    if ((fault?.type === 'malformed' || fault?.type === 'wrong-shape') && !fault.process) {
      return sendBadBody(req, res, record, fault, r.name);
    }

    // Process for real.
    let result;
    try {
      if (r.name === 'unknown') {
        throw new ApiError(404, 'not_found', 'No such endpoint.');
      }
      if (req.method !== 'POST') throw new ApiError(405, 'method_not_allowed', 'Only POST is supported.');
      if (r.name === 'upload') {
        if (formError) throw formError;
        result = await upload(r.stepId, form, record, fault);
      } else {
        if (body === Symbol.for('invalid-json')) throw new ApiError(400, 'invalid_field', 'The body is not valid JSON.');
        if (r.name === 'sessions') result = createSession(body, record);
        else if (r.name === 'steps') result = submitStep(r.sessionId, body, record);
        else if (r.name === 'tokens') result = exchangeToken(body);
      }
    } catch (err) {
      if (!(err instanceof ApiError)) {
        console.error('[strict-server] internal error', err);
        err = new ApiError(500, 'internal_error', 'Internal error.');
      }
      if (fault?.type === 'drop-after') {
        errorBody(record, err.http, err.code, err.message, err.type);
        record.status = err.http;
        record.outcome = 'lost-response';
        record.endedAt = Date.now();
        req.socket.destroy();
        return;
      }
      return sendError(req, res, record, err);
    }

    if (fault?.type === 'drop-after') {
      record.status = result.status;
      record.response = result.body;
      record.outcome = 'lost-response';
      record.endedAt = Date.now();
      req.socket.destroy();
      return;
    }
    if (fault?.type === 'malformed' || fault?.type === 'wrong-shape') {
      record.processedResponse = result.body;
      return sendBadBody(req, res, record, fault, r.name);
    }
    return send(req, res, record, result.status, result.body);
  }

  const server = http.createServer((req, res) => {
    handle(req, res).catch((err) => {
      console.error('[strict-server] handler crashed', err);
      try {
        res.destroy();
      } catch {}
    });
  });
  server.keepAliveTimeout = 5_000;
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', resolve);
  });
  const { port } = server.address();
  const origin = `http://127.0.0.1:${port}`;

  return {
    url: origin + basePath,
    origin,
    port,
    credentials: { ...clients[0] },
    clients,
    skills,
    requests,
    sessions,
    nonces,
    issuedNonces,
    issuedTempTokens,
    issuedAccessTokens,
    tempTokens,
    stepsById,
    now,
    /** Queue a one-shot fault; returns it (slow-upload faults gain `release()` and `record` once they apply). */
    inject(fault) {
      if (!fault || !FAULTS[fault.type]) throw new Error(`strict-server: unknown fault ${JSON.stringify(fault?.type)}`);
      faults.push(fault);
      return fault;
    },
    pendingFaults: () => faults.slice(),
    clearFaults() {
      faults.length = 0;
    },
    /** Move the server's clock forward (nonce expiry). */
    advanceClock(ms) {
      clockOffset += ms;
    },
    setUploadNonce(mode) {
      uploadNonceMode = mode;
    },
    /** Requests of one route, optionally of one session. */
    requestsFor(routeName, sessionId) {
      return requests.filter((r) => r.route === routeName && (sessionId === undefined || r.sessionId === sessionId));
    },
    async close() {
      for (const t of pending) clearTimeout(t);
      pending.clear();
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

// Standalone: node test/acceptance/strict-server.mjs [port]
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const server = await startStrictServer({ port: Number(process.argv[2] ?? 0) });
  console.log(`strict onboarding API on ${server.url}`);
  console.log(`credentials: ${JSON.stringify(server.credentials)}`);
  console.log(`skills: ${Object.keys(server.skills).join(', ')}`);
}
