// `npm run bench`: the built SDK against raw fetch doing the same requests, side
// by side, on the same local fake (test/bench/server.mjs, in its own process).
//
// 1. Time of a full flow (create + 3 steps), on loopback and with a fixed
//    latency added to every request by the fake (5 ms, 20 ms). Each scenario
//    is BENCH_RUNS runs (default 5); a run is many rounds, each round one SDK
//    flow and one raw flow in alternating order, so drift (GC, JIT, the
//    server's growing records) hits both alike. A run's ratio is the median
//    SDK flow over the median raw flow; the report gives the median of the
//    runs' ratios and their min–max.
// 2. Peak RSS of a 64 MiB upload (a disk-backed Blob, so only what a
//    contender copies shows): each contender alone in a fresh process, 3 times.
//
// Not a test: the figures depend on the machine, so nothing here fails on a
// ratio; the targets are printed next to the figures. About a minute on 2 cores.
// Other work on the machine skews the figures: the load average is printed.
// Env: BENCH_RUNS, BENCH_ROUNDS (loopback rounds per run; the latency
// scenarios scale from it), BENCH_UPLOADS (processes per contender),
// BENCH_VERBOSE=1 (every run's medians).
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { arch, cpus, loadavg, platform, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const root = join(here, '..', '..');

// The bench loads its own copy of the build: other work on the checkout may
// rebuild (and first empty) dist/ at any time. The copy sits inside the
// repository so that ky, zod and mitt still resolve from its node_modules.
mkdirSync(join(root, '.tmp'), { recursive: true });
const snapshot = mkdtempSync(join(root, '.tmp', 'bench-dist-'));
cpSync(join(root, 'dist'), snapshot, { recursive: true });
if (!existsSync(join(snapshot, 'index.js'))) throw new Error('no dist/index.js: run `npm run bench`, which builds first');
process.env.BENCH_SDK = join(snapshot, 'index.js');
process.on('exit', () => rmSync(snapshot, { recursive: true, force: true }));
process.once('SIGINT', () => process.exit(130)); // so the copy is removed on Ctrl-C too
const { CONSENT, flowRaw, flowSdk } = await import('./flows.mjs');

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 400);
const UPLOADS = Number(process.env.BENCH_UPLOADS ?? 3);
const UPLOAD_MIB = 64;
const REQUESTS_PER_FLOW = 1 + CONSENT.steps.length;

// Rounds per run shrink with latency so each scenario takes seconds, not minutes.
const SCENARIOS = [
  { label: 'loopback', latencyMs: 0, rounds: ROUNDS, warmup: 40, target: 1.35 },
  { label: '5 ms / request', latencyMs: 5, rounds: Math.max(10, Math.round(ROUNDS / 5)), warmup: 5, target: 1.03 },
  { label: '20 ms / request', latencyMs: 20, rounds: Math.max(6, Math.round(ROUNDS / 12)), warmup: 3, target: undefined },
];
const UPLOAD_TARGET = 1.05;

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const ms = (x) => `${x.toFixed(2)} ms`;
const times = (x) => `${x.toFixed(2)}×`;
const target = (t) => (t === undefined ? '—' : `≤ ${times(t)}`);
const pad = (s, n) => String(s).padEnd(n);

/** Starts the fake in its own process; resolves with its url and a stop(). */
async function startServer(latencyMs) {
  const child = spawn(process.execPath, [join(here, 'server.mjs'), String(latencyMs)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout });
  const first = await new Promise((resolve, reject) => {
    lines.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`bench server exited with ${code} before listening`)));
  });
  const { url } = JSON.parse(first);
  return {
    url,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** One run: `rounds` interleaved rounds; returns the medians of each side. */
async function run(url, rounds) {
  const sdk = [];
  const raw = [];
  for (let i = 0; i < rounds; i++) {
    const order = i % 2 ? [['raw', flowRaw], ['sdk', flowSdk]] : [['sdk', flowSdk], ['raw', flowRaw]];
    for (const [kind, fn] of order) {
      const t0 = performance.now();
      await fn(url, CONSENT);
      (kind === 'sdk' ? sdk : raw).push(performance.now() - t0);
    }
  }
  return { sdk: median(sdk), raw: median(raw) };
}

async function benchFlow(scenario) {
  const server = await startServer(scenario.latencyMs);
  try {
    for (let i = 0; i < scenario.warmup; i++) {
      await flowSdk(server.url, CONSENT);
      await flowRaw(server.url, CONSENT);
    }
    const runs = [];
    for (let r = 0; r < RUNS; r++) {
      const x = await run(server.url, scenario.rounds);
      if (process.env.BENCH_VERBOSE) console.log(`    ${scenario.label} run ${r + 1}: SDK ${ms(x.sdk)}, raw ${ms(x.raw)}, ${times(x.sdk / x.raw)}`);
      runs.push(x);
    }
    const ratios = runs.map((x) => x.sdk / x.raw);
    return {
      ...scenario,
      sdk: median(runs.map((x) => x.sdk)),
      raw: median(runs.map((x) => x.raw)),
      ratio: median(ratios),
      min: Math.min(...ratios),
      max: Math.max(...ratios),
    };
  } finally {
    await server.stop();
  }
}

async function benchUpload() {
  const server = await startServer(0);
  const dir = mkdtempSync(join(tmpdir(), 'onb-bench-'));
  try {
    const path = join(dir, 'id.jpg');
    const chunk = Buffer.alloc(1024 * 1024, 7);
    writeFileSync(path, Buffer.concat(Array.from({ length: UPLOAD_MIB }, () => chunk)));
    const peaks = { sdk: [], raw: [] };
    for (let i = 0; i < UPLOADS; i++) {
      for (const kind of ['raw', 'sdk']) {
        const out = execFileSync(process.execPath, [join(here, 'contender.mjs'), kind, server.url, path], { encoding: 'utf8' });
        peaks[kind].push(JSON.parse(out.trim().split('\n').pop()).peakBytes);
      }
    }
    return peaks;
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await server.stop();
  }
}

const started = performance.now();
const cpu = cpus();
console.log(
  `onboarding-sdk bench · ${new Date().toISOString().slice(0, 10)} · Node ${process.version} · ${platform()} ${arch()} · ` +
    `${cpu.length} × ${cpu[0]?.model.trim() ?? 'unknown CPU'} · load average ${loadavg()[0].toFixed(2)}`,
);
console.log(`\nfull flow (create + ${CONSENT.steps.length} steps = ${REQUESTS_PER_FLOW} requests), built SDK vs raw fetch, same fake server`);
console.log(`${RUNS} run${RUNS === 1 ? '' : 's'} per row; ratio = median SDK flow / median raw flow of a run; shown: median of the runs [min–max]\n`);
const header = `  ${pad('latency', 17)}${pad('rounds/run', 12)}${pad('SDK', 11)}${pad('raw fetch', 11)}${pad('+ per request', 15)}${pad('ratio [min–max]', 24)}target`;
console.log(header);
for (const scenario of SCENARIOS) {
  const r = await benchFlow(scenario);
  const perRequestUs = ((r.sdk - r.raw) / REQUESTS_PER_FLOW) * 1000;
  console.log(
    `  ${pad(r.label, 17)}${pad(r.rounds, 12)}${pad(ms(r.sdk), 11)}${pad(ms(r.raw), 11)}${pad(`${perRequestUs.toFixed(0)} µs`, 15)}` +
      `${pad(`${times(r.ratio)} [${r.min.toFixed(2)}–${r.max.toFixed(2)}]`, 24)}${target(r.target)}`,
  );
}

const peaks = await benchUpload();
const mib = (b) => `${(b / 1024 / 1024).toFixed(1)} MiB`;
const memRatios = peaks.sdk.map((s, i) => s / peaks.raw[i]);
console.log(`\nupload of a ${UPLOAD_MIB} MiB file (disk-backed Blob), peak RSS of a fresh process, ${UPLOADS} processes per side\n`);
console.log(`  ${pad('SDK', 12)}${pad('raw fetch', 12)}${pad('ratio [min–max]', 24)}target`);
console.log(
  `  ${pad(mib(median(peaks.sdk)), 12)}${pad(mib(median(peaks.raw)), 12)}` +
    `${pad(`${times(median(peaks.sdk) / median(peaks.raw))} [${Math.min(...memRatios).toFixed(2)}–${Math.max(...memRatios).toFixed(2)}]`, 24)}${target(UPLOAD_TARGET)}`,
);
console.log(
  `\n(${((performance.now() - started) / 1000).toFixed(0)} s, load average now ${loadavg()[0].toFixed(2)}; figures only, nothing here passes or fails)`,
);
