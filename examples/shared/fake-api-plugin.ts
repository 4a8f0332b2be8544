/**
 * The examples' offline mode, as a Vite plugin (both examples' vite.config.ts):
 * the dev server (and `vite preview`) starts the SDK's testing kit over
 * node:http on a port of its own — another origin, like a real provider — with
 * the KYC skill and a PSD2 consent skill whose bank step goes to the kit's own
 * bank page on that server (`bank: { step: 'bank_redirect' }`). Top-level
 * navigations to the bank and back keep the fake's state: it lives in this
 * process, not in the page.
 *
 * It also plays YOUR backend's temp-token endpoint (what examples/backend does
 * for real): the page posts the temp token to BACKEND_PATH, and the dev server
 * exchanges it at the fake's `/tokens` with the client secret, which the page
 * never sees. The page learns the fake's address at FAKE_API_CONFIG_PATH.
 *
 * Nothing starts when VITE_ONBOARDING_API_URL is set (the page talks to that API).
 * For development only.
 */
import type { IncomingMessage, Server } from 'node:http';
import type { Http2SecureServer } from 'node:http2';
import { fileURLToPath } from 'node:url';
import { runnerImport, type AliasOptions, type Connect, type Plugin } from 'vite';
import type { FakeUpstream } from '../backend/fake-upstream.js';
import { BACKEND_PATH, FAKE_API_CONFIG_PATH } from './offline.js';

type ServerModule = typeof import('./fake-api-server.js');
const SERVER_MODULE = fileURLToPath(new URL('./fake-api-server.ts', import.meta.url));

export const FAKE_API_PLUGIN = 'onboarding-examples-fake-api';

/** The plugin, with the running fake for a test that created the dev server in its own process. */
export interface FakeApiPlugin extends Plugin {
  /** The fake API (its `api` is the kit: requests, sessions, bank visits); undefined until the server runs, or with a real API. */
  readonly fake: FakeUpstream | undefined;
}

export interface FakeApiOptions {
  /** The fake API's port; default `0` (any free one: the page asks FAKE_API_CONFIG_PATH). */
  port?: number;
  /** How long the fake backend's exchange takes, so the "handing off" screen shows. Default 900 ms. */
  exchangeDelayMs?: number;
}

export function fakeApi({ port = 0, exchangeDelayMs = 900 }: FakeApiOptions = {}): FakeApiPlugin {
  let real = false;
  let alias: AliasOptions | undefined;
  let fake: FakeUpstream | undefined;

  async function setup(server: { middlewares: Connect.Server; httpServer: Server | Http2SecureServer | null }) {
    if (real) return;
    // Loaded through Vite with the example's aliases: the kit and the skills come from the repository's sources, no build needed.
    const { module } = await runnerImport<ServerModule>(SERVER_MODULE, { configFile: false, logLevel: 'error', resolve: { alias } });
    const { FAKE_CLIENT } = module;
    fake = await module.startExamplesFakeApi(port);
    const running = fake;
    server.httpServer?.once('close', () => void running.close());
    server.middlewares.use(FAKE_API_CONFIG_PATH, (_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.setHeader('cache-control', 'no-store');
      res.end(JSON.stringify({ baseUrl: running.url, clientId: FAKE_CLIENT.clientId, clientAppKey: FAKE_CLIENT.clientAppKey }));
    });
    server.middlewares.use(BACKEND_PATH, (req, res, next) => {
      if (req.method !== 'POST') return next();
      const reply = (status: number, body: unknown) => {
        res.statusCode = status;
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify(body));
      };
      exchange(running, FAKE_CLIENT, req, exchangeDelayMs)
        .then((credentialsId) => (credentialsId ? reply(200, { credentialsId }) : reply(502, { error: 'exchange_failed' })))
        .catch(() => reply(400, { error: 'bad_request' }));
    });
  }

  return {
    name: FAKE_API_PLUGIN,
    get fake() {
      return fake;
    },
    configResolved(config) {
      real = typeof config.env.VITE_ONBOARDING_API_URL === 'string' && config.env.VITE_ONBOARDING_API_URL !== '';
      alias = config.resolve.alias;
    },
    configureServer: setup,
    configurePreviewServer: setup,
  };
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > 64 * 1024) throw new Error('too large');
    chunks.push(chunk);
  }
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

/** What a real backend does with the temp token: exchange it, server-to-server, with the client secret. Resolves the credentials' id, or undefined. */
async function exchange(fake: FakeUpstream, client: ServerModule['FAKE_CLIENT'], req: IncomingMessage, delayMs: number): Promise<string | undefined> {
  const { tempToken } = (await readJson(req)) as { tempToken?: unknown };
  if (typeof tempToken !== 'string') throw new Error('no tempToken');
  await new Promise((resolve) => setTimeout(resolve, delayMs));
  const res = await fetch(`${fake.url}/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ client_id: client.clientId, client_secret: client.clientSecret, temp_token: tempToken }),
  });
  if (res.status !== 200) return undefined;
  // Like the real backend: the access token stays server-side; the page learns only a reference.
  return ((await res.json()) as { credentials_id?: string }).credentials_id;
}
