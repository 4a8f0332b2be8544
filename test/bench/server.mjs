// The bench's local fake: the acceptance harness's independent strict server,
// in its own process so its memory and CPU never count against a contender.
//
//   node server.mjs [latencyMs]
//
// With a latency, every request waits that long before the strict server sees
// it: a stand-in for a network round trip, the same for the SDK and for raw
// fetch. Prints `{"url": …}` once listening.
import http from 'node:http';
import { startStrictServer } from '../acceptance/strict-server.mjs';

const latencyMs = Number(process.argv[2] ?? 0);
if (latencyMs > 0) {
  // The strict server is shared with the acceptance harness and takes no
  // latency option; wrapping its request handler here keeps it untouched.
  // A bare setTimeout fires up to ~1 ms late (libuv's clock counts whole ms),
  // noise as large as the overhead measured; the last 2 ms are waited out
  // precisely, on setImmediate (this process's CPU, not a contender's).
  const createServer = http.createServer;
  http.createServer = (handler) =>
    createServer((req, res) => {
      const due = performance.now() + latencyMs;
      const poll = () => (performance.now() >= due ? handler(req, res) : setImmediate(poll));
      setTimeout(poll, Math.max(0, latencyMs - 2));
    });
}

const server = await startStrictServer({
  clientId: 'bench-client',
  clientAppKey: 'bench-app-key-0123456789',
  clientSecret: 'bench-secret-0123456789',
  maxBodyBytes: 80 * 1024 * 1024,
});
process.stdout.write(`${JSON.stringify({ url: server.url, latencyMs })}\n`);
process.on('SIGTERM', () => server.close().then(() => process.exit(0)));
