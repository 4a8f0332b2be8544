// `npm run bench`: the SDK against raw fetch, side by side in one run, on the
// same local fake over loopback. Reports ratios (SDK / raw); the targets are
// flow time ≤ 1.10× and upload peak memory ≤ 1.05×. Not a test: numbers vary
// with the machine, so nothing here fails a build.
import { spawn, execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CONSENT, flowRaw, flowSdk } from './flows.mjs';

const here = fileURLToPath(new URL('.', import.meta.url));
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 300);
const UPLOAD_MIB = 64;

const server = spawn(process.execPath, [join(here, 'server.mjs')], { stdio: ['ignore', 'pipe', 'inherit'] });
const [line] = await once(server.stdout, 'data');
const { url } = JSON.parse(String(line));

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
try {
  // Flow time: interleaved so drift (GC, JIT, the server's growing records) hits both alike.
  for (let i = 0; i < 30; i++) { await flowSdk(url, CONSENT); await flowRaw(url, CONSENT); }
  const sdk = [];
  const raw = [];
  for (let i = 0; i < ROUNDS; i++) {
    const pair = i % 2 ? [['raw', flowRaw], ['sdk', flowSdk]] : [['sdk', flowSdk], ['raw', flowRaw]];
    for (const [kind, fn] of pair) {
      const t0 = performance.now();
      await fn(url, CONSENT);
      (kind === 'sdk' ? sdk : raw).push(performance.now() - t0);
    }
  }
  const flowRatio = median(sdk) / median(raw);
  console.log(`flow (create + 3 steps), ${ROUNDS} rounds: sdk median ${median(sdk).toFixed(2)} ms, raw fetch ${median(raw).toFixed(2)} ms → ${flowRatio.toFixed(3)}× (target ≤ 1.10×)`);

  // Upload memory: each contender alone in a fresh process, file streamed from disk.
  const dir = mkdtempSync(join(tmpdir(), 'onb-bench-'));
  const path = join(dir, 'id.jpg');
  const chunk = Buffer.alloc(1024 * 1024, 7);
  writeFileSync(path, Buffer.concat(Array.from({ length: UPLOAD_MIB }, () => chunk)));
  const peaks = { sdk: [], raw: [] };
  for (let i = 0; i < 3; i++) {
    for (const kind of ['raw', 'sdk']) {
      const out = execFileSync(process.execPath, [join(here, 'contender.mjs'), kind, url, path], { encoding: 'utf8' });
      peaks[kind].push(JSON.parse(out.trim().split('\n').pop()).peakBytes);
    }
  }
  rmSync(dir, { recursive: true, force: true });
  const mib = (b) => (b / 1024 / 1024).toFixed(1);
  const memRatio = median(peaks.sdk) / median(peaks.raw);
  console.log(`upload ${UPLOAD_MIB} MiB, peak RSS (median of 3 processes each): sdk ${mib(median(peaks.sdk))} MiB, raw fetch ${mib(median(peaks.raw))} MiB → ${memRatio.toFixed(3)}× (target ≤ 1.05×)`);
} finally {
  server.kill('SIGTERM');
}
