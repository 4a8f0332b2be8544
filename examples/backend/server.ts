/**
 * `npm run example:backend`: the backend endpoint the front-end's
 * `onTempToken` posts to. Configuration comes from the environment only:
 *
 *   ONBOARDING_API_URL        the provider, e.g. https://api.example.com/v1;
 *                             unset: a local fake of the API (fake-upstream.ts)
 *   ONBOARDING_CLIENT_ID      required with ONBOARDING_API_URL
 *   ONBOARDING_CLIENT_SECRET  required with ONBOARDING_API_URL; never logged, never sent anywhere but POST /tokens
 *   PORT                      default 8787
 *   FAKE_API_PORT             the fake API's port, default 8788 (only without ONBOARDING_API_URL)
 *   ALLOWED_ORIGIN            optional: a front-end origin allowed to call it (CORS)
 */
import { createBackendServer, TEMP_TOKEN_PATH } from './app.js';
import { readConfig } from './env.js';
import { FAKE_CLIENT, FAKE_SKILL, startFakeUpstream, type FakeUpstream } from './fake-upstream.js';

const config = readConfig(process.env);
if (config.upstream === 'invalid') {
  // Every problem at once, by variable name; never a value.
  console.error(['examples/backend cannot start:', ...config.problems.map((p) => `  - ${p}`), config.hint].join('\n'));
  process.exit(1);
}

let fake: FakeUpstream | undefined;
let upstream: { baseUrl: string; clientId: string; clientSecret: string };
if (config.upstream === 'fake') {
  fake = await startFakeUpstream({ port: config.fakePort });
  upstream = { baseUrl: fake.url, clientId: FAKE_CLIENT.clientId, clientSecret: FAKE_CLIENT.clientSecret };
  console.log(
    [
      `Upstream: FAKE onboarding API at ${fake.url}`,
      '  ONBOARDING_API_URL is not set, so this process serves a fake of the API (onboarding-sdk/testing, in memory).',
      '  Its temp tokens, sessions and credentials are not real, and nothing is sent to a provider.',
      '  To use the real provider: set ONBOARDING_API_URL, ONBOARDING_CLIENT_ID and ONBOARDING_CLIENT_SECRET.',
      ...(config.ignored.length ? [`  Ignored without ONBOARDING_API_URL: ${config.ignored.join(', ')}.`] : []),
      `  A front-end can use it: baseUrl ${fake.url}, clientId ${FAKE_CLIENT.clientId}, clientAppKey ${FAKE_CLIENT.clientAppKey} (demo values),`,
      `  skill ${FAKE_SKILL.name} (${FAKE_SKILL.steps.join(' → ')}).`,
    ].join('\n'),
  );
} else {
  upstream = { baseUrl: config.baseUrl, clientId: config.clientId, clientSecret: config.clientSecret };
  console.log(`Upstream: ${config.baseUrl} (the provider, from ONBOARDING_API_URL)`);
}

const server = createBackendServer({ ...upstream, allowedOrigin: config.allowedOrigin });

server.listen(config.port, process.env.HOST ?? '127.0.0.1', () => {
  const address = server.address();
  const actual = typeof address === 'object' && address ? address.port : config.port;
  console.log(JSON.stringify({ message: 'listening', url: `http://127.0.0.1:${actual}${TEMP_TOKEN_PATH}`, upstream: upstream.baseUrl, fake: fake !== undefined }));
});

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    server.close(() => void (fake ? fake.close() : Promise.resolve()).then(() => process.exit(0)));
  });
}
