// `npm run check:cycles [dir]`: fails when the modules under `dir` (default src)
// import each other in a circle — type-only imports count too, since a type
// cycle still ties two modules' designs together. madge would do the same, but
// its TypeScript peer range excludes TypeScript 6; this reads the imports itself.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const root = resolve(process.argv[2] ?? 'src');
const files = [];
(function walk(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path);
    else if (/\.ts$/.test(name) && !name.endsWith('.d.ts')) files.push(path);
  }
})(root);

// Every relative specifier of an import or export … from, static or type-only.
const SPECIFIER = /(?:^|\n)\s*(?:import|export)\s[^'";]*?from\s*['"](\.{1,2}\/[^'"]+)['"]/g;
const edges = new Map();
for (const file of files) {
  const targets = new Set();
  for (const [, spec] of readFileSync(file, 'utf8').matchAll(SPECIFIER)) {
    const base = resolve(dirname(file), spec).replace(/\.js$/, '');
    const target = [`${base}.ts`, join(base, 'index.ts')].find((p) => existsSync(p));
    if (target) targets.add(target);
  }
  edges.set(file, targets);
}

const cycles = [];
const state = new Map(); // file -> 'open' | 'done'
function visit(file, path) {
  state.set(file, 'open');
  for (const next of edges.get(file) ?? []) {
    if (state.get(next) === 'open') cycles.push([...path.slice(path.indexOf(next)), next]);
    else if (!state.has(next)) visit(next, [...path, next]);
  }
  state.set(file, 'done');
}
for (const file of files) if (!state.has(file)) visit(file, [file]);

const show = (p) => relative(process.cwd(), p);
if (cycles.length) {
  console.error(`${cycles.length} import cycle(s) under ${show(root)}:`);
  for (const cycle of cycles) console.error(`  ${cycle.map(show).join(' -> ')}`);
  process.exit(1);
}
console.log(`no import cycles among ${files.length} modules under ${show(root)}`);
