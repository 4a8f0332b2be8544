// Shared plumbing of the real-browser tests (the engines are in drivers.mjs): a
// static page server that sets the page's CSP header, a fake API on another
// origin (the testing kit's msw handlers behind node:http, with an upload rate
// limit so every engine reports progress in steps), the page monitor every
// test page loads first (page-monitor.js, injected by a Vite plugin), and the
// check that turns every console error, page error, failed request and CSP
// violation it or the engine saw into a test failure.

import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** Screenshots of every run, per engine (not committed: .tmp/ is ignored). */
export const SCREENSHOTS_DIR = path.join(ROOT, '.tmp/screenshots');
/** The built package under test; ONBOARDING_SDK_DIST points the tests at another build (e.g. an unpacked tarball's dist/). */
export const DIST = path.resolve(process.env.ONBOARDING_SDK_DIST ?? path.join(ROOT, 'dist'));

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

/** Thrown by readBody when the client went away before the body was complete (an aborted upload). */
class ClientAborted extends Error {}

/**
 * Reads a request body, at most `bytesPerSecond` fast if given: the socket is
 * paused whenever the reading is ahead of that rate, so the sender's buffers
 * fill up and its upload progress advances at the rate of a real uplink instead
 * of in one loopback gulp (in which Chromium and Firefox report progress once).
 */
function readBody(req, bytesPerSecond) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let received = 0;
    let complete = false;
    const started = Date.now();
    req.on('data', (chunk) => {
      chunks.push(chunk);
      received += chunk.length;
      if (!bytesPerSecond) return;
      const wait = started + (received / bytesPerSecond) * 1000 - Date.now();
      if (wait > 2) {
        req.pause();
        setTimeout(() => req.resume(), wait);
      }
    });
    req.on('end', () => {
      complete = true;
      resolve(Buffer.concat(chunks));
    });
    req.on('error', (error) => reject(complete ? error : new ClientAborted(`the client went away after ${received} bytes (${error.message})`)));
    req.on('close', () => {
      if (!complete) reject(new ClientAborted(`the client went away after ${received} bytes`));
    });
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
 *
 * `uploadBytesPerSecond` caps how fast multipart bodies are read (see readBody).
 * A request whose client went away mid-body (an aborted upload) never reaches
 * the kit; it is listed in `aborted`.
 */
export async function startKitServer({ skills, clientId, clientAppKey, clientSecret, uploadBytesPerSecond }) {
  const [{ createMockOnboardingApi }, { getResponse }] = await Promise.all([
    import(path.join(DIST, 'testing/index.js')),
    import('msw'),
  ]);
  const log = []; // every request: `${method} ${path}`
  const unexpected = []; // requests nothing answered
  const handoffs = []; // bodies posted to the backend endpoint
  const aborted = []; // requests whose client went away before the body was complete
  let api;
  let origin;
  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url, origin);
    log.push(`${req.method} ${url.pathname}`);
    try {
      if (url.pathname === '/backend/temp-token') return await backend(req, res);
      const multipart = /^multipart\//i.test(req.headers['content-type'] ?? '');
      const body = req.method === 'GET' || req.method === 'HEAD' ? undefined : await readBody(req, multipart ? uploadBytesPerSecond : undefined);
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
      if (error instanceof ClientAborted) {
        aborted.push(`${req.method} ${url.pathname}: ${error.message}`);
        res.destroy();
        return;
      }
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
    aborted,
    close: () => closeServer(server, sockets),
  };
}

export const MONITOR_FILE = path.join(ROOT, 'test/browser/page-monitor.js');
const MONITOR_NAME = '__page-monitor.js';

/**
 * A Vite plugin that makes a page load the page monitor (page-monitor.js) before
 * anything else: the dev server serves it at `/__page-monitor.js`, a build emits
 * it next to index.html, and the HTML gets a `<script src>` first in <head> —
 * a same-origin classic script, so `script-src 'self'` allows it. The same in
 * every engine, unlike init scripts (WebDriver classic has none).
 */
export function pageMonitorPlugin() {
  return {
    name: 'onboarding-test-page-monitor',
    configureServer(server) {
      server.middlewares.use(async (req, res, next) => {
        if (req.url?.split('?')[0] !== `/${MONITOR_NAME}`) return next();
        res.setHeader('content-type', 'text/javascript; charset=utf-8');
        res.setHeader('cache-control', 'no-store');
        res.end(await readFile(MONITOR_FILE));
      });
    },
    async generateBundle() {
      this.emitFile({ type: 'asset', fileName: MONITOR_NAME, source: await readFile(MONITOR_FILE, 'utf8') });
    },
    transformIndexHtml: {
      order: 'post',
      handler: (html, ctx) => [{ tag: 'script', attrs: { src: ctx.server ? `/${MONITOR_NAME}` : `./${MONITOR_NAME}` }, injectTo: 'head-prepend' }],
    },
  };
}

/** The problems a page must not have, as lines (empty when clean). */
export async function problemLines(page, { allowFailedRequests = () => false } = {}) {
  const { monitor, native } = await page.problems();
  if (!monitor) return ['the page monitor did not run: the page must load __page-monitor.js before anything else'];
  return [
    ...monitor.violations.map((v) => `CSP violation: ${JSON.stringify(v)}`),
    ...monitor.errors.map((t) => `page error: ${t}`),
    ...monitor.consoleErrors.map((t) => `console.error: ${t}`),
    ...monitor.failedResources.filter((t) => !allowFailedRequests(t)).map((t) => `resource failed to load: ${t}`),
    ...native.consoleErrors.map((t) => `console error (${page.engine}): ${t}`),
    ...native.pageErrors.map((t) => `page error (${page.engine}): ${t}`),
    ...native.failedRequests.filter((t) => !allowFailedRequests(t)).map((t) => `failed request (${page.engine}): ${t}`),
  ];
}

/**
 * Throws with every recorded problem listed, if there is any: CSP violations,
 * uncaught errors and rejections, console errors, failed loads — from the page
 * monitor in every engine, and from the engine itself where its driver reports them.
 */
export async function assertClean(page, options) {
  const lines = await problemLines(page, options);
  if (lines.length) throw new Error(`the page was not clean in ${page.engine}:\n  ${lines.join('\n  ')}`);
}

/** Appends the page's last console lines to a failing test's message. */
export async function withConsoleTail(page, error) {
  const { monitor } = await page.problems().catch(() => ({}));
  const tail = monitor?.console?.slice(-20).join('\n    ');
  if (tail && error instanceof Error) error.message += `\n  last console lines:\n    ${tail}`;
  return error;
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
