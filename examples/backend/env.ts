/**
 * The example's configuration, from the environment only. Without
 * ONBOARDING_API_URL it runs against a local fake of the API; with it, every
 * variable the real provider needs must be set, and all that are missing are
 * named in one message. Values are never echoed, only variable names.
 */

/** What the real provider needs, in the order a README lists them. */
export const PROVIDER_VARIABLES = ['ONBOARDING_API_URL', 'ONBOARDING_CLIENT_ID', 'ONBOARDING_CLIENT_SECRET'] as const;

export type BackendConfig =
  | { upstream: 'provider'; baseUrl: string; clientId: string; clientSecret: string; port: number; allowedOrigin: string | undefined }
  | { upstream: 'fake'; fakePort: number; port: number; allowedOrigin: string | undefined; ignored: string[] }
  | { upstream: 'invalid'; problems: string[]; hint: string };

type Env = Readonly<Record<string, string | undefined>>;

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

function urlProblem(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'ONBOARDING_API_URL is not a URL (e.g. https://api.example.com/v1).';
  }
  if (url.protocol === 'https:' || (url.protocol === 'http:' && LOCAL_HOSTS.has(url.hostname))) return undefined;
  return 'ONBOARDING_API_URL must be https (http only for localhost, 127.0.0.1 or [::1]).';
}

function portOf(env: Env, name: string, fallback: number, problems: string[]): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const port = Number(raw);
  if (Number.isInteger(port) && port >= 0 && port <= 65_535) return port;
  problems.push(`${name} must be a port number (0-65535; 0 picks a free one).`);
  return fallback;
}

export function readConfig(env: Env): BackendConfig {
  const set = (name: string) => (env[name] ?? '').trim() !== '';
  const problems: string[] = [];
  const port = portOf(env, 'PORT', 8787, problems);
  const allowedOrigin = env.ALLOWED_ORIGIN || undefined;

  if (!set('ONBOARDING_API_URL')) {
    const fakePort = portOf(env, 'FAKE_API_PORT', 8788, problems);
    // A deployed backend with a forgotten variable must not quietly accept fake tokens.
    if (env.NODE_ENV === 'production') problems.push('ONBOARDING_API_URL is not set, and NODE_ENV=production does not run against the fake API.');
    if (problems.length) return { upstream: 'invalid', problems, hint: 'Set ONBOARDING_API_URL, ONBOARDING_CLIENT_ID and ONBOARDING_CLIENT_SECRET (see examples/backend/README.md).' };
    return { upstream: 'fake', fakePort, port, allowedOrigin, ignored: PROVIDER_VARIABLES.filter(set) };
  }

  const missing = PROVIDER_VARIABLES.filter((name) => !set(name));
  if (missing.length) {
    problems.unshift(
      `ONBOARDING_API_URL is set, so the real provider is used, but ${missing.length === 1 ? 'this variable is' : 'these variables are'} missing: ${missing.join(', ')}.`,
    );
  }
  const invalidUrl = urlProblem(env.ONBOARDING_API_URL!.trim());
  if (invalidUrl) problems.push(invalidUrl);
  if (problems.length) {
    return { upstream: 'invalid', problems, hint: 'Set them (see examples/backend/README.md), or unset ONBOARDING_API_URL to run against a local fake of the API.' };
  }
  return {
    upstream: 'provider',
    baseUrl: env.ONBOARDING_API_URL!.trim(),
    clientId: env.ONBOARDING_CLIENT_ID!.trim(),
    clientSecret: env.ONBOARDING_CLIENT_SECRET!,
    port,
    allowedOrigin,
  };
}
