/**
 * `npm run example:backend` with no provider configured: it starts a local
 * fake of the API (the testing kit over node:http), says so in its first
 * lines, and exchanges a real flow's temp token against it end to end. With a
 * provider URL but other variables missing, it names them all in one message.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { OnboardingClient } from '../../src/index.js';
import { exchangeTempToken } from '../../src/server/index.js';

const EXAMPLE_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../examples/backend');

// Loaded by path, like test/examples/backend.test.ts: the example is type-checked by its own tsconfig.
type EnvModule = {
  readConfig(env: Record<string, string | undefined>): { upstream: string; problems?: string[]; ignored?: string[] };
};
const { readConfig } = (await import(/* @vite-ignore */ path.join(EXAMPLE_DIR, 'env.ts'))) as EnvModule;
const { FAKE_CLIENT } = (await import(/* @vite-ignore */ path.join(EXAMPLE_DIR, 'fake-upstream.ts'))) as {
  FAKE_CLIENT: { clientId: string; clientAppKey: string; clientSecret: string };
};

/** The environment of a developer who configured nothing: no ONBOARDING_* variable, free ports. */
function bareEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const name of Object.keys(env)) if (name.startsWith('ONBOARDING_') || name === 'ALLOWED_ORIGIN') delete env[name];
  delete env.NODE_ENV;
  return { ...env, PORT: '0', FAKE_API_PORT: '0', ...extra };
}

/** `npm run example:backend` is `cd examples/backend && node --import tsx server.ts`. */
function startExample(env: NodeJS.ProcessEnv) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server.ts'], { cwd: EXAMPLE_DIR, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const out = { stdout: '', stderr: '' };
  child.stdout!.on('data', (chunk: Buffer) => void (out.stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => void (out.stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, out, exited };
}

async function stop(child: ChildProcess | undefined) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

describe('examples/backend with no environment', () => {
  let run: ReturnType<typeof startExample>;
  let listening: { url: string; upstream: string; fake: boolean };

  beforeAll(async () => {
    run = startExample(bareEnv());
    listening = await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the backend did not start:\n${run.out.stdout}${run.out.stderr}`)), 15_000);
      run.child.stdout!.on('data', () => {
        const line = run.out.stdout.split('\n').find((l) => l.includes('"listening"'));
        if (line) {
          clearTimeout(timer);
          resolve(JSON.parse(line));
        }
      });
      void run.exited.then((code) => reject(new Error(`the backend exited with ${code}:\n${run.out.stdout}${run.out.stderr}`)));
    });
  });
  afterAll(() => stop(run?.child));

  it('says first that its upstream is a local fake, where it is, and how to use the real provider', () => {
    const lines = run.out.stdout.split('\n');
    expect(listening).toMatchObject({ fake: true, upstream: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/v1$/) });
    expect(lines[0]).toBe(`Upstream: FAKE onboarding API at ${listening.upstream}`);
    const banner = lines.slice(0, lines.findIndex((l) => l.includes('"listening"'))).join('\n');
    expect(banner).toContain('ONBOARDING_API_URL is not set');
    expect(banner).toContain('nothing is sent to a provider');
    expect(banner).toContain('To use the real provider: set ONBOARDING_API_URL, ONBOARDING_CLIENT_ID and ONBOARDING_CLIENT_SECRET');
    expect(run.out.stderr).toBe('');
  });

  it('exchanges a real flow’s temp token against the fake, end to end, once; nothing secret is printed', async () => {
    // A front-end configured from what the banner tells it.
    const banner = run.out.stdout;
    const clientId = /clientId (\S+),/.exec(banner)?.[1];
    const clientAppKey = /clientAppKey (\S+) /.exec(banner)?.[1];
    const skill = /skill (\S+) \(/.exec(banner)?.[1];
    expect({ clientId, clientAppKey, skill }).toEqual({ clientId: FAKE_CLIENT.clientId, clientAppKey: FAKE_CLIENT.clientAppKey, skill: 'xyz_kyc_sbx_#3.0' });

    const answers: unknown[] = [];
    let tempToken: string | undefined;
    const client = new OnboardingClient({
      baseUrl: listening.upstream,
      clientId: clientId!,
      clientAppKey: clientAppKey!,
      onTempToken: async (token, info) => {
        tempToken = token;
        const res = await fetch(listening.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ tempToken: token, sessionId: info.sessionId }) });
        answers.push({ status: res.status, body: await res.json() });
        if (!res.ok) throw new Error(`backend answered ${res.status}`);
      },
    });
    const session = await client.startSession({ skill: skill!, tenantUserId: 'u-42' });
    await session.submitStep('product_form', { value: '25000', currency: 'EUR', period: '12' });
    await session.submitStep('personal_data', { first_name: 'Ada', last_name: 'Lovelace', birth_date: '1815-12-10' });
    const docs = await session.submitStep('kyc_documents', {});
    await session.upload(new File([new Uint8Array(32 * 1024).fill(7)], 'id.png', { type: 'image/png' }), { stepId: docs.stepId });
    const last = await session.submitStep('confirm', { accept: true });

    expect(last).toMatchObject({ completed: true, handedOff: true });
    expect(answers).toEqual([{ status: 200, body: { credentialsId: expect.any(String), consentExpiresAt: expect.any(String) } }]);

    // The fake really issued and consumed that token: a second exchange is refused, as at the provider.
    await expect(
      exchangeTempToken({ baseUrl: listening.upstream, clientId: FAKE_CLIENT.clientId, clientSecret: FAKE_CLIENT.clientSecret, tempToken: tempToken! }),
    ).rejects.toMatchObject({ code: 'invalid_temp_token', status: 401 });

    await vi.waitFor(() => expect(run.out.stdout).toContain('temp token exchanged'), { timeout: 10_000 });
    for (const secret of [tempToken!, FAKE_CLIENT.clientSecret]) expect(run.out.stdout + run.out.stderr).not.toContain(secret);
  });
});

describe('examples/backend with a provider URL but not the rest', () => {
  it('names every missing variable in one message and exits 1 without starting', async () => {
    const run = startExample(bareEnv({ ONBOARDING_API_URL: 'https://api.example.com/v1' }));
    try {
      expect(await run.exited).toBe(1);
    } finally {
      await stop(run.child);
    }
    expect(run.out.stdout).not.toContain('listening');
    expect(run.out.stderr).toContain('examples/backend cannot start:');
    expect(run.out.stderr).toContain('these variables are missing: ONBOARDING_CLIENT_ID, ONBOARDING_CLIENT_SECRET.');
    expect(run.out.stderr).toContain('unset ONBOARDING_API_URL to run against a local fake');
    expect(run.out.stderr).not.toMatch(/\bat .*\.ts:\d+/); // a message, not a stack trace
  });

  it('lists every problem together, and echoes no value', async () => {
    const secret = 'sk_live_do_not_print_8c1f';
    const run = startExample(bareEnv({ ONBOARDING_API_URL: 'http://api.example.com/v1', ONBOARDING_CLIENT_SECRET: secret, PORT: 'eighty' }));
    expect(await run.exited).toBe(1);
    const problems = run.out.stderr.split('\n').filter((l) => l.startsWith('  - '));
    expect(problems).toEqual([
      '  - ONBOARDING_API_URL is set, so the real provider is used, but this variable is missing: ONBOARDING_CLIENT_ID.',
      '  - PORT must be a port number (0-65535; 0 picks a free one).',
      '  - ONBOARDING_API_URL must be https (http only for localhost, 127.0.0.1 or [::1]).',
    ]);
    expect(run.out.stderr + run.out.stdout).not.toContain(secret);
    expect(run.out.stderr + run.out.stdout).not.toContain('api.example.com');
  });
});

describe('examples/backend configuration (env.ts)', () => {
  it('runs against the fake when ONBOARDING_API_URL is unset, naming the variables it ignores', () => {
    expect(readConfig({})).toMatchObject({ upstream: 'fake', ignored: [] });
    expect(readConfig({ ONBOARDING_API_URL: '  ', ONBOARDING_CLIENT_SECRET: 'x' })).toMatchObject({ upstream: 'fake', ignored: ['ONBOARDING_CLIENT_SECRET'] });
  });

  it('refuses the fake under NODE_ENV=production', () => {
    expect(readConfig({ NODE_ENV: 'production' })).toMatchObject({ upstream: 'invalid', problems: [expect.stringContaining('NODE_ENV=production')] });
  });

  it('uses the provider when all three are set; http only for a local provider', () => {
    const all = { ONBOARDING_CLIENT_ID: 'id', ONBOARDING_CLIENT_SECRET: 'secret' };
    expect(readConfig({ ...all, ONBOARDING_API_URL: 'https://api.example.com/v1' })).toMatchObject({ upstream: 'provider', baseUrl: 'https://api.example.com/v1', port: 8787 });
    expect(readConfig({ ...all, ONBOARDING_API_URL: 'http://127.0.0.1:9000/v1' })).toMatchObject({ upstream: 'provider' });
    expect(readConfig({ ...all, ONBOARDING_API_URL: 'not a url' })).toMatchObject({ upstream: 'invalid' });
  });
});
