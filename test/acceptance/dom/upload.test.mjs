// An integrator's test, as written in a consumer project with vitest and a test
// DOM (jsdom or happy-dom, set by the project's vitest.config.mjs): the packed
// SDK uploads a 5,000-byte file to the packed kit on msw/node, over XHR and
// over fetch. It passes only if the kit recorded exactly those 5,000 bytes
// with the file's name and type, or if the SDK rejected with an
// OnboardingError saying what to do; never when a corrupted part was accepted.
// Each test also writes what happened to result-<transport>.json for the
// acceptance harness (test/acceptance/consumer/dom.mjs).

import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { setupServer } from 'msw/node';
import { OnboardingClient, isOnboardingError } from 'onboarding-sdk';
import { createMockOnboardingApi } from 'onboarding-sdk/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';

const require = createRequire(import.meta.url);
const versionOf = (name) => JSON.parse(readFileSync(require.resolve(`${name}/package.json`), 'utf8')).version;
const MSW = versionOf('msw');

const BASE_URL = 'https://api.example.com/v1';
const SKILL = 'xyz_sbx_#3.0';
const SIZE = 5_000;

const api = createMockOnboardingApi({
  baseUrl: BASE_URL,
  skills: { [SKILL]: { steps: ['product_form', 'kyc_documents', 'confirm'], uploads: ['kyc_documents'] } },
  clientId: 'test-client',
  clientAppKey: 'test-key',
});
const server = setupServer(...api.handlers);
// The README's set-up for each msw major: msw 3 ignores `onUnhandledRequest`, msw 2 has no `onUnhandledFrame`.
beforeAll(() => server.listen(Number(MSW.split('.')[0]) >= 3 ? { onUnhandledFrame: 'error' } : { onUnhandledRequest: 'error' }));
afterAll(() => server.close());

/** The test DOM's name and version, e.g. `jsdom@29.1.1`. */
function navigatorDom() {
  for (const name of ['jsdom', 'happy-dom']) {
    try {
      return `${name}@${versionOf(name)}`;
    } catch {
      // not installed in this project
    }
  }
  return 'none';
}

const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex');

for (const transport of ['xhr', 'fetch']) {
  it(`uploads ${SIZE} bytes over ${transport}: the kit records them, or the SDK rejects clearly`, async () => {
    api.reset();
    const client = new OnboardingClient({
      baseUrl: BASE_URL,
      clientId: 'test-client',
      clientAppKey: 'test-key',
      onTempToken: () => {},
      uploadTransport: transport,
    });
    const session = await client.startSession({ skill: SKILL, tenantUserId: 'u-1' });
    await session.submitStep('product_form', {});
    await session.submitStep('kyc_documents', {});
    const bytes = new Uint8Array(SIZE);
    for (let i = 0; i < SIZE; i++) bytes[i] = (i * 31 + 7) % 251;
    // The environment's own File, as a component test would make one.
    const file = new File([bytes], 'passport.jpg', { type: 'image/jpeg' });

    let outcome;
    try {
      const result = await session.upload(file);
      outcome = { kind: 'uploaded', result };
    } catch (error) {
      outcome = { kind: 'rejected', onboardingError: isOnboardingError(error), name: error?.name, code: error?.code, message: String(error?.message) };
    }

    // What arrived at the kit (accepted or not), and what it accepted.
    const request = api.requests.filter((r) => r.endpoint === 'upload').at(-1);
    const part = request?.body?.file;
    const arrived =
      part && typeof part === 'object'
        ? { name: part.name, type: part.type, size: part.size, sha256: sha256(new Uint8Array(await part.blob.arrayBuffer())) }
        : part;
    const accepted = await Promise.all(
      (api.sessions[0]?.uploads ?? []).map(async (u) => ({ name: u.name, type: u.type, size: u.size, sha256: sha256(new Uint8Array(await u.blob.arrayBuffer())) })),
    );
    const report = {
      environment: typeof navigator === 'undefined' ? 'node' : navigator.userAgent,
      versions: { node: process.version, msw: MSW, vitest: versionOf('vitest'), dom: navigatorDom() },
      transport,
      sent: { name: 'passport.jpg', type: 'image/jpeg', size: SIZE, sha256: sha256(bytes) },
      outcome,
      answer: request && { status: request.responseStatus, body: request.responseBody },
      arrived,
      accepted,
    };
    writeFileSync(`result-${transport}.json`, JSON.stringify(report, null, 2));

    if (outcome.kind === 'uploaded') {
      expect(accepted).toEqual([report.sent]);
    } else {
      expect(outcome.onboardingError, outcome.message).toBe(true);
      expect(accepted).toEqual([]);
    }
  });
}
