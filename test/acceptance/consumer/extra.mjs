// Beyond the issues' acceptance lists, from CONTRACT.md: the backend entry
// `onboarding-sdk/server` end to end, and the CommonJS builds of the tarball.

import { spawnSync } from 'node:child_process';
import { exchangeTempToken } from 'onboarding-sdk/server';
import { assert, describeError } from './lib.mjs';
import { CONSENT_SKILL, OnboardingError, expectError, runSteps, setup } from './sdk.mjs';

export const checks = [
  {
    name: 'onTempToken → backend exchangeTempToken (onboarding-sdk/server) gets credentials; a second exchange is invalid_temp_token 401',
    async run(t) {
      let backend;
      const h = await setup(t, {
        onTempToken: async (tempToken) => {
          h.tokens.push(tempToken);
          // what the tenant backend would do with the token it received
          backend = await exchangeTempToken({
            baseUrl: h.server.url,
            clientId: h.server.credentials.clientId,
            clientSecret: h.server.credentials.clientSecret,
            tempToken,
          });
        },
      });
      const { server } = h;
      const s = await h.client.startSession({ skill: CONSENT_SKILL, tenantUserId: 'u-3' });
      await runSteps(s, ['consent_form', 'bank_redirect', 'confirm']);
      assert.ok(backend, 'the exchange did not run');
      assert.equal(backend.accessToken, server.issuedAccessTokens[0]);
      assert.equal(typeof backend.credentialsId, 'string');
      assert.ok(backend.consentExpiresAt !== undefined && backend.maxDataRetention !== undefined, describeError(backend));
      const err = await expectError(
        null,
        exchangeTempToken({
          baseUrl: server.url,
          clientId: server.credentials.clientId,
          clientSecret: server.credentials.clientSecret,
          tempToken: h.tokens[0],
        }),
        { code: 'invalid_temp_token', status: 401 },
      );
      assert.equal(err.requestId, server.requests.at(-1).errorId);
      assert.ok(!String(err.message).includes(server.credentials.clientSecret), 'the client secret is in the error message');
      assert.ok(err instanceof OnboardingError);
    },
  },
  {
    name: 'the CommonJS builds load: require() of onboarding-sdk, /testing and /server',
    async run() {
      const script = [
        "const sdk = require('onboarding-sdk');",
        "const testing = require('onboarding-sdk/testing');",
        "const server = require('onboarding-sdk/server');",
        "console.log(JSON.stringify([typeof sdk.OnboardingClient, typeof sdk.isOnboardingError, typeof testing.createMockOnboardingApi, typeof server.exchangeTempToken]));",
      ].join('\n');
      const r = spawnSync(process.execPath, ['--input-type=commonjs', '-e', script], { cwd: process.cwd(), encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      assert.deepEqual(JSON.parse(r.stdout.trim().split('\n').at(-1)), ['function', 'function', 'function', 'function']);
    },
  },
];
