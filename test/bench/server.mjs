// The bench's local fake: the acceptance harness's independent strict server,
// in its own process so its memory never counts against a contender.
import { startStrictServer } from '../acceptance/strict-server.mjs';

const server = await startStrictServer({
  clientId: 'bench-client',
  clientAppKey: 'bench-app-key-0123456789',
  clientSecret: 'bench-secret-0123456789',
  maxBodyBytes: 80 * 1024 * 1024,
});
process.stdout.write(`${JSON.stringify({ url: server.url })}\n`);
process.on('SIGTERM', () => server.close().then(() => process.exit(0)));
