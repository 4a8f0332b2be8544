// Runs ONE acceptance check in a fresh process (so a hang, a crash or leaked
// global state cannot affect the others) and prints one machine-readable line:
//   @@RESULT {"ok":true,"ms":123}
// Usage: node run-check.mjs --list <group>
//        node run-check.mjs <group> <index>

import { describeError } from './lib.mjs';

const GROUPS = {
  server: './server.mjs',
  issue2: './issue2.mjs',
  kit: './kit.mjs',
  issue3: './issue3.mjs',
  issue5: './issue5.mjs',
  extra: './extra.mjs',
  dom: './dom.mjs',
};

const [first, second, third] = process.argv.slice(2);

function emit(result) {
  process.stdout.write(`\n@@RESULT ${JSON.stringify(result)}\n`);
}

if (first === '--list') {
  const mod = await import(GROUPS[second]);
  emit({ names: mod.checks.map((c) => c.name) });
  process.exit(0);
}

const mod = await import(GROUPS[first]);
const check = mod.checks[Number(second)];
if (!check) {
  emit({ ok: false, error: `no check #${second} in group ${first}` });
  process.exit(0);
}

const unhandled = [];
process.on('unhandledRejection', (reason) => unhandled.push(['unhandled rejection', reason]));
process.on('uncaughtException', (error) => unhandled.push(['uncaught exception', error]));

const t = {
  defers: [],
  finals: [],
  /** Cleanup, run last in reverse order whatever happened. */
  defer(fn) {
    this.defers.push(fn);
  },
  /** Assertion run after the check body succeeded (e.g. the leak scan). */
  final(fn) {
    this.finals.push(fn);
  },
  log(...args) {
    console.error('[check]', ...args);
  },
};

const started = Date.now();
let error;
try {
  await check.run(t);
  // Give late rejections (fire-and-forget promises inside the SDK) a chance to surface.
  await new Promise((r) => setTimeout(r, 50));
  for (const fn of t.finals) await fn();
  if (unhandled.length) {
    const [kind, reason] = unhandled[0];
    throw new Error(`${kind} during the check: ${describeError(reason)}`);
  }
} catch (e) {
  error = e;
}
for (const fn of t.defers.reverse()) {
  try {
    await fn();
  } catch (e) {
    console.error('[check] cleanup failed:', e);
  }
}
if (error) console.error(error?.stack ?? error);
emit({
  ok: !error,
  ms: Date.now() - started,
  error: error ? (error.name === 'AssertionError' ? error.message : describeError(error)) : undefined,
});
process.exit(0);
