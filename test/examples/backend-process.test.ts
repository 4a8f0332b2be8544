/**
 * `npm run example:backend` as a real process (tsx, configured by environment
 * variables only) against an independent fake of the API: the acceptance
 * harness's strict node:http server, which shares no code with src/. A real
 * SDK flow gets a temp token from it, the page side posts it to the process,
 * the process exchanges it once; the API refuses the same token afterwards.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { OnboardingClient } from '../../src/index.js';
import { exchangeTempToken } from '../../src/server/index.js';
// @ts-expect-error -- a plain .mjs module without types
import { startStrictServer } from '../acceptance/strict-server.mjs';

const EXAMPLE_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../examples/backend');
const SKILL = 'xyz_kyc_sbx_#3.0'; // the strict server's default catalog: product_form, kyc_documents, review, confirm

let strict: any;
let child: ChildProcess;
let backendUrl: string;
let output = '';

beforeAll(async () => {
  strict = await startStrictServer();
  const { clientId, clientSecret } = strict.credentials;
  // `npm run example:backend` is `cd examples/backend && node --import tsx server.ts`.
  child = spawn(process.execPath, ['--import', 'tsx', 'server.ts'], {
    cwd: EXAMPLE_DIR,
    env: { ...process.env, ONBOARDING_API_URL: strict.url, ONBOARDING_CLIENT_ID: clientId, ONBOARDING_CLIENT_SECRET: clientSecret, PORT: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  backendUrl = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the backend did not start:\n${output}`)), 15_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const line = output.split('\n').find((l) => l.includes('"listening"'));
      if (line) {
        clearTimeout(timer);
        resolve(JSON.parse(line).url);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => void (output += chunk.toString()));
    child.once('exit', (code) => reject(new Error(`the backend exited with ${code}:\n${output}`)));
  });
});

afterAll(async () => {
  if (child && child.exitCode === null) {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
  await strict?.close();
});

describe('examples/backend as a process, against the independent strict fake', () => {
  it('exchanges a real flow’s temp token once; the API then refuses it (invalid_temp_token, 401); nothing secret is printed', async () => {
    const { clientId, clientAppKey, clientSecret } = strict.credentials;
    const answers: unknown[] = [];
    let tempToken: string | undefined;
    const client = new OnboardingClient({
      baseUrl: strict.url,
      clientId,
      clientAppKey,
      onTempToken: async (token, info) => {
        tempToken = token;
        const res = await fetch(backendUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ tempToken: token, sessionId: info.sessionId }) });
        answers.push({ status: res.status, body: await res.json() });
        if (!res.ok) throw new Error(`backend answered ${res.status}`);
      },
    });
    const session = await client.startSession({ skill: SKILL, tenantUserId: 'u-42' });
    await session.submitStep('product_form', { value: '100000', currency: 'EUR', period: '12' });
    const docs = await session.submitStep('kyc_documents', {});
    await session.upload(new File([new Uint8Array(64 * 1024).fill(1)], 'id.png', { type: 'image/png' }), { stepId: docs.stepId });
    await session.submitStep('review', {});
    const last = await session.submitStep('confirm', { accept: true });

    expect(last).toMatchObject({ completed: true, handedOff: true });
    expect(tempToken).toBe(strict.issuedTempTokens[0]);
    expect(answers).toEqual([{ status: 200, body: { credentialsId: expect.any(String), consentExpiresAt: expect.any(String) } }]);
    expect(strict.requestsFor('tokens').map((r: { status: number }) => r.status)).toEqual([200]);

    await expect(exchangeTempToken({ baseUrl: strict.url, clientId, clientSecret, tempToken: tempToken! })).rejects.toMatchObject({
      code: 'invalid_temp_token',
      status: 401,
    });
    expect(strict.requestsFor('tokens').map((r: { status: number }) => r.status)).toEqual([200, 401]);

    // The process writes its log line after it answered: wait for the line, then look for leaks.
    await vi.waitFor(() => expect(output).toContain('temp token exchanged'), { timeout: 10_000 });
    for (const secret of [clientSecret, tempToken!, ...strict.issuedAccessTokens]) expect(output).not.toContain(secret);
  });
});
