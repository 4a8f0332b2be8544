// `npm run size`: size-limit's checks (.size-limit.mjs), then where the bytes of
// the main entry's bundle come from. Exits with size-limit's status, so the
// budget and the "no msw / no server code" rule fail CI; the breakdown is
// printed either way, because it matters most when the budget is blown.

import { spawnSync } from 'node:child_process';
import { gzipSync } from 'node:zlib';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const reports = join(root, '.tmp', 'size');
rmSync(reports, { recursive: true, force: true });

const [major] = process.versions.node.split('.').map(Number);
if (major < 22) {
  console.error(`size needs Node >= 22 (runs on ${process.version}); run it with \`npm run size\`.`);
  process.exit(1);
}

const result = spawnSync('npx', ['--no-install', 'size-limit', ...process.argv.slice(2)], {
  cwd: root,
  stdio: 'inherit',
  shell: process.platform === 'win32',
});

const kb = (bytes) => `${(bytes / 1000).toFixed(2)} kB`;
const pad = (text, width) => String(text).padEnd(width);
const lpad = (text, width) => String(text).padStart(width);

function print(name, title) {
  const file = join(reports, `${name}.json`);
  if (!existsSync(file)) return;
  const report = JSON.parse(readFileSync(file, 'utf8'));
  const total = report.modules.reduce((sum, m) => sum + m.bytes, 0) || 1;
  const share = (bytes) => bytes / total;
  const row = (label, bytes) =>
    `  ${pad(label, 44)} ${lpad(kb(bytes), 10)} ${lpad(`${(share(bytes) * 100).toFixed(1)}%`, 6)} ${lpad(`≈${kb(share(bytes) * report.gzip)}`, 10)}`;

  console.log(`\n${title}: ${kb(report.minified)} minified, ${kb(report.gzip)} gzip (${(report.gzip / 1024).toFixed(2)} KiB)`);
  console.log('  (minified bytes traced through source maps; gzip split in proportion, so ≈)');
  console.log(`  ${pad('package', 44)} ${lpad('minified', 10)} ${lpad('share', 6)} ${lpad('gzip', 10)}`);
  const groups = new Map();
  for (const m of report.modules) groups.set(m.group, (groups.get(m.group) ?? 0) + m.bytes);
  for (const [group, bytes] of [...groups].sort((a, b) => b[1] - a[1])) console.log(row(group, bytes));

  console.log('\n  largest modules:');
  for (const m of report.modules.slice(0, 12)) console.log(row(m.module, m.bytes));

  const own = report.modules.filter((m) => m.group === 'onboarding-sdk');
  console.log('\n  onboarding-sdk, by source file:');
  for (const m of own) console.log(row(m.module, m.bytes));

  console.log(report.problems.length ? `\n  FORBIDDEN: ${report.problems.join('; ')}` : '\n  no server code, testing kit, msw or React in it (modules, imports, text)');
}

print('main', "main entry: import { OnboardingClient } from 'onboarding-sdk'");

// Measured as issue 9 states its budget: esbuild, minified, gzip -9. Issue 9 asks for
// 18.0 KiB, not met (21.12 KiB with issues 10-12's cross-tab safety, bank redirects,
// logger and required uploads; 16.7 KiB with the same code sending through fetch
// without ky, whose 4.7 kB is the gap: CONTRIBUTING.md § Size). This guards today's
// size against growth until the owner decides on ky.
const BUDGET_KIB = 21.2;
const { build } = await import('esbuild');
const bundled = await build({
  stdin: { contents: "export { OnboardingClient } from './dist/index.js';", resolveDir: root, loader: 'js' },
  bundle: true,
  minify: true,
  format: 'esm',
  platform: 'browser',
  write: false,
});
const gz = gzipSync(bundled.outputFiles[0].contents, { level: 9 }).length;
const within = gz / 1024 <= BUDGET_KIB;
console.log(`\nesbuild --minify + gzip -9, main entry with its dependencies: ${(gz / 1024).toFixed(2)} KiB (budget ${BUDGET_KIB} KiB) ${within ? 'ok' : 'OVER BUDGET'}`);
process.exit(result.status || (within ? 0 : 1));
