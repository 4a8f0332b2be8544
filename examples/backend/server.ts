/**
 * `npm run example:backend`: the backend endpoint the front-end's
 * `onTempToken` posts to. Configuration comes from the environment only:
 *
 *   ONBOARDING_API_URL        e.g. https://api.example.com/v1
 *   ONBOARDING_CLIENT_ID
 *   ONBOARDING_CLIENT_SECRET  never logged, never sent anywhere but POST /tokens
 *   PORT                      default 8787
 *   ALLOWED_ORIGIN            optional: a front-end origin allowed to call it (CORS)
 */
import { createBackendServer, TEMP_TOKEN_PATH } from './app.js';

function required(name: string): string {
  const value = process.env[name];
  if (!value) {
    // The variable's name only, never a value.
    console.error(`Missing environment variable ${name}.`);
    process.exit(1);
  }
  return value;
}

const server = createBackendServer({
  baseUrl: required('ONBOARDING_API_URL'),
  clientId: required('ONBOARDING_CLIENT_ID'),
  clientSecret: required('ONBOARDING_CLIENT_SECRET'),
  allowedOrigin: process.env.ALLOWED_ORIGIN || undefined,
});

const port = Number(process.env.PORT ?? 8787);
server.listen(port, process.env.HOST ?? '127.0.0.1', () => {
  const address = server.address();
  const actual = typeof address === 'object' && address ? address.port : port;
  console.log(JSON.stringify({ message: 'listening', url: `http://127.0.0.1:${actual}${TEMP_TOKEN_PATH}` }));
});

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => server.close(() => process.exit(0)));
}
