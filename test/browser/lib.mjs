// Shared plumbing of the real-browser tests: Chromium (Debian's, driven by
// playwright-core), a static page server that sets the page's CSP header, a
// fake API on another origin (the testing kit's msw handlers behind node:http),
// and a watcher that turns every console error, page error, failed request and
// CSP violation into a test failure.

import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const RESULTS_DIR = path.join(ROOT, 'test-results');
/** The built package under test; ONBOARDING_SDK_DIST points the tests at another build (e.g. an unpacked tarball's dist/). */
export const DIST = path.resolve(process.env.ONBOARDING_SDK_DIST ?? path.join(ROOT, 'dist'));

/** Launch args that work as root on a closed network (see ../shared/TOOLCHAIN.md). */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  // Nothing a test loads may leave the machine: every host but loopback fails to resolve.
  '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost',
];

export function chromiumPath() {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter(Boolean);
  const found = candidates.find((p) => existsSync(p));
  if (!found) {
    throw new Error(`No Chromium found (looked at ${candidates.join(', ')}). Install it with \`apt-get install -y chromium\` or set CHROMIUM_PATH.`);
  }
  return found;
}

export async function launchChromium() {
  const { chromium } = await import('playwright-core');
  return chromium.launch({ executablePath: chromiumPath(), args: CHROMIUM_ARGS, headless: true });
}

export function sha256(bytes) {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Deterministic pseudo-random bytes (xorshift), so a failing run can be reproduced byte for byte. */
export function pseudoRandomBytes(size, seed = 0x9e3779b9) {
  const out = Buffer.allocUnsafe(Math.ceil(size / 4) * 4);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < out.length; i += 4) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    out.writeUInt32LE(x, i);
  }
  return out.subarray(0, size);
}

export function listen(server, port = 0) {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve(server.address().port);
    });
  });
}

function closeServer(server, sockets) {
  for (const socket of sockets) socket.destroy();
  return new Promise((resolve) => server.close(() => resolve()));
}

function trackSockets(server) {
  const sockets = new Set();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  return sockets;
}

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.map': 'application/json',
};

/**
 * Serves `dir` on 127.0.0.1 with `headers` (e.g. the CSP) on every answer.
 * Only GET/HEAD of existing files; `/` is `index.html`. Records what was asked.
 */
export async function startStaticServer(dir, { headers = {} } = {}) {
  const requests = [];
  const root = path.resolve(dir);
  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url, 'http://127.0.0.1');
    requests.push(`${req.method} ${url.pathname}`);
    const rel = decodeURIComponent(url.pathname === '/' ? '/index.html' : url.pathname);
    const file = path.resolve(root, `.${rel}`);
    const common = { 'cache-control': 'no-store', 'x-content-type-options': 'nosniff', ...headers };
    if ((req.method !== 'GET' && req.method !== 'HEAD') || !file.startsWith(root + path.sep)) {
      res.writeHead(405, common).end();
      return;
    }
    try {
      if (!(await stat(file)).isFile()) throw new Error('not a file');
      const body = await readFile(file);
      res.writeHead(200, { ...common, 'content-type': MIME[path.extname(file)] ?? 'application/octet-stream', 'content-length': body.length });
      res.end(req.method === 'HEAD' ? undefined : body);
    } catch {
      res.writeHead(404, { ...common, 'content-type': 'text/plain' }).end('not found');
    }
  });
  const sockets = trackSockets(server);
  const port = await listen(server);
  return { origin: `http://127.0.0.1:${port}`, port, requests, close: () => closeServer(server, sockets) };
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

async function sendResponse(res, response) {
  const headers = {};
  response.headers.forEach((value, key) => {
    headers[key] = value;
  });
  const body = Buffer.from(await response.arrayBuffer());
  delete headers['content-encoding'];
  delete headers['transfer-encoding'];
  headers['content-length'] = String(body.length);
  res.writeHead(response.status, headers);
  res.end(body);
}

/**
 * The testing kit (the BUILT one, dist/testing) as a real HTTP server on
 * 127.0.0.1: Node requests become fetch `Request`s and go through msw's
 * `getResponse(api.handlers, request)`, so the browser meets exactly the kit's
 * rules, CORS preflights included.
 *
 * Besides `/v1/*` it plays the tenant backend at `POST /backend/temp-token`
 * (JSON `{ tempToken, sessionId }`, CORS-enabled), recording what it got.
 */
export async function startKitServer({ skills, clientId, clientAppKey, clientSecret }) {
  const [{ createMockOnboardingApi }, { getResponse }] = await Promise.all([
    import(path.join(DIST, 'testing/index.js')),
    import('msw'),
  ]);
  const log = []; // every request: `${method} ${path}`
  const unexpected = []; // requests nothing answered
  const handoffs = []; // bodies posted to the backend endpoint
  let api;
  let origin;
  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url, origin);
    log.push(`${req.method} ${url.pathname}`);
    try {
      if (url.pathname === '/backend/temp-token') return await backend(req, res);
      const body = req.method === 'GET' || req.method === 'HEAD' ? undefined : await readBody(req);
      const headers = new Headers();
      for (const [key, value] of Object.entries(req.headers)) {
        if (Array.isArray(value)) value.forEach((v) => headers.append(key, v));
        else if (value !== undefined) headers.set(key, value);
      }
      const request = new Request(url, { method: req.method, headers, body: body?.length ? body : undefined });
      const response = await getResponse(api.handlers, request);
      if (!response) {
        unexpected.push(`${req.method} ${url.pathname}`);
        res.writeHead(404, { 'content-type': 'text/plain' }).end('no handler');
        return;
      }
      if (response.type === 'error') {
        res.destroy(); // a `network` fault: drop the connection
        return;
      }
      await sendResponse(res, response);
    } catch (error) {
      unexpected.push(`${req.method} ${url.pathname}: ${error?.stack ?? error}`);
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end('kit server error');
    }
  });

  async function backend(req, res) {
    const cors = {
      'access-control-allow-origin': req.headers.origin ?? '*',
      'access-control-allow-methods': 'POST, OPTIONS',
      'access-control-allow-headers': req.headers['access-control-request-headers'] ?? 'content-type',
      vary: 'Origin',
    };
    if (req.method === 'OPTIONS') return res.writeHead(204, cors).end();
    if (req.method !== 'POST') return res.writeHead(405, cors).end();
    const raw = (await readBody(req)).toString('utf8');
    let body;
    try {
      body = JSON.parse(raw);
    } catch {
      return res.writeHead(400, cors).end();
    }
    handoffs.push(body);
    // What a tenant backend does next: exchange the token, with the secret, server-side.
    const exchange = await getResponse(
      api.handlers,
      new Request(`${origin}/v1/tokens`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ client_id: clientId, client_secret: clientSecret, temp_token: body.tempToken }),
      }),
    );
    body.exchangeStatus = exchange?.status;
    res.writeHead(exchange?.status === 200 ? 204 : 502, cors).end();
  }

  const sockets = trackSockets(server);
  const port = await listen(server);
  origin = `http://127.0.0.1:${port}`;
  api = createMockOnboardingApi({ baseUrl: `${origin}/v1`, skills, clientId, clientAppKey, clientSecret });
  return {
    origin,
    port,
    baseUrl: `${origin}/v1`,
    backendUrl: `${origin}/backend/temp-token`,
    api,
    log,
    unexpected,
    handoffs,
    close: () => closeServer(server, sockets),
  };
}

/**
 * Records everything that must fail a test: console errors, uncaught page
 * errors, failed requests and CSP violations. Violations are caught by an init
 * script (injected by the browser before any page script, and itself exempt
 * from the page's CSP), so even one fired during module evaluation counts.
 */
export async function watchPage(context, page) {
  const problems = { consoleErrors: [], pageErrors: [], failedRequests: [], consoleLines: [] };
  await context.addInitScript(() => {
    const seen = [];
    Object.defineProperty(window, '__cspViolations', { value: seen });
    document.addEventListener('securitypolicyviolation', (e) => {
      seen.push({ directive: e.violatedDirective, effective: e.effectiveDirective, blockedURI: e.blockedURI, source: e.sourceFile, line: e.lineNumber, sample: e.sample });
    });
  });
  page.on('console', (msg) => {
    problems.consoleLines.push(`${msg.type()}: ${msg.text()}`);
    if (msg.type() === 'error') problems.consoleErrors.push(msg.text());
  });
  page.on('pageerror', (error) => problems.pageErrors.push(String(error?.stack ?? error)));
  page.on('requestfailed', (request) => problems.failedRequests.push(`${request.method()} ${request.url()}: ${request.failure()?.errorText}`));
  problems.violations = () => page.evaluate(() => window.__cspViolations.slice());
  return problems;
}

/** Throws with every recorded problem listed, if there is any. */
export async function assertClean(problems, { allowFailedRequests = () => false } = {}) {
  const violations = await problems.violations().catch(() => []);
  const failed = problems.failedRequests.filter((line) => !allowFailedRequests(line));
  const lines = [
    ...violations.map((v) => `CSP violation: ${JSON.stringify(v)}`),
    ...problems.consoleErrors.map((t) => `console error: ${t}`),
    ...problems.pageErrors.map((t) => `page error: ${t}`),
    ...failed.map((t) => `failed request: ${t}`),
  ];
  if (lines.length) throw new Error(`the page was not clean:\n  ${lines.join('\n  ')}`);
}

export async function withTimeout(promise, ms, what) {
  let timer;
  try {
    return await Promise.race([
      promise,
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
