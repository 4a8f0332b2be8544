// A rolldown plugin added to size-limit's own build of a check (see
// .size-limit.mjs), so the budget and the breakdown come from the very bundle
// size-limit measures. It
//   - fails the build when the bundle holds server or testing code, or msw —
//     bundled or left as an import (size-limit leaves peer dependencies such
//     as msw external, so they would not even show in the size);
//   - writes .tmp/size/<name>.json: each output byte of the minified bundle
//     attributed, through the source maps, to its module (the SDK's own
//     dist/*.js traced back to src/*.ts), for `npm run size` to print.
// The source map is built "hidden" and dropped before anything is written, so
// the measured file is byte-for-byte the one size-limit would measure anyway.

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** What must never be in a browser bundle of the main entry. */
export const FORBIDDEN = {
  modules: [
    ['server code (dist/server)', /[\\/]dist[\\/]server[\\/]/],
    ['the testing kit (dist/testing)', /[\\/]dist[\\/]testing[\\/]/],
    ['msw', /[\\/]node_modules[\\/](msw|@mswjs)[\\/]/],
    ['React (onboarding-sdk/react only)', /[\\/]node_modules[\\/](react|react-dom|scheduler)[\\/]/],
  ],
  imports: [
    ['msw', /^(msw|@mswjs)($|\/)/],
    ['React', /^react(-dom)?($|\/)/],
  ],
  // Text only the server helper or the kit contains (`client_secret` alone is not
  // one: the client names it to refuse it; the /tokens request body is).
  text: [
    ['the /tokens request body', /client_secret["']?\s*:/],
    ['exchangeTempToken', /exchangeTempToken|Exchanging the temp token/],
    ['the testing kit', /createMockOnboardingApi|mockServiceWorker/],
  ],
};

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

function decodeVlq(text) {
  const out = [];
  let value = 0;
  let shift = 0;
  for (const ch of text) {
    let digit = B64.indexOf(ch);
    const more = digit & 32;
    digit &= 31;
    value += digit * 2 ** shift;
    if (more) {
      shift += 5;
    } else {
      out.push(value & 1 ? -Math.floor(value / 2) : Math.floor(value / 2));
      value = 0;
      shift = 0;
    }
  }
  return out;
}

/** Source map `mappings` -> per generated line, segments [column, source, line, column]. */
function decodeMappings(mappings) {
  let source = 0;
  let line = 0;
  let column = 0;
  return mappings.split(';').map((text) => {
    let generated = 0;
    const segments = [];
    if (text) {
      for (const part of text.split(',')) {
        const v = decodeVlq(part);
        generated += v[0];
        if (v.length >= 4) {
          source += v[1];
          line += v[2];
          column += v[3];
          segments.push([generated, source, line, column]);
        } else {
          segments.push([generated]);
        }
      }
    }
    return segments;
  });
}

const inputMaps = new Map();
/** The src/*.ts a position of one of the SDK's dist files comes from, via tsup's map. */
function traceToSource(file, line, column) {
  if (!inputMaps.has(file)) {
    let map;
    try {
      const raw = JSON.parse(readFileSync(`${file}.map`, 'utf8'));
      map = { sources: raw.sources.map((s) => resolve(dirname(file), raw.sourceRoot ?? '', s)), lines: decodeMappings(raw.mappings) };
    } catch {
      map = undefined;
    }
    inputMaps.set(file, map);
  }
  const map = inputMaps.get(file);
  const segments = map?.lines[line];
  if (!segments) return file;
  let found;
  for (const s of segments) {
    if (s[0] > column) break;
    if (s.length >= 4) found = s;
  }
  return found ? map.sources[found[1]] : file;
}

function label(id) {
  const path = id.replace(/\\/g, '/');
  const nm = path.lastIndexOf('/node_modules/');
  if (nm >= 0) {
    const rest = path.slice(nm + '/node_modules/'.length);
    const parts = rest.split('/');
    const pkg = parts[0].startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0];
    return { group: pkg, module: rest };
  }
  const rel = relative(root, path).replace(/\\/g, '/');
  if (rel.startsWith('src/') || rel.startsWith('dist/')) return { group: 'onboarding-sdk', module: rel };
  return { group: '(size-limit entry)', module: rel.startsWith('..') ? '(entry)' : rel };
}

/** The plugin; `name` names the report file. */
export function sizeReport(name) {
  return {
    name: 'onboarding-sdk:size-report',
    generateBundle(outputOptions, bundle) {
      const problems = [];
      const modules = new Map();
      let code = '';
      for (const [fileName, output] of Object.entries(bundle)) {
        if (output.type !== 'chunk') {
          if (fileName.endsWith('.map')) delete bundle[fileName];
          continue;
        }
        code += output.code;
        for (const id of Object.keys(output.modules)) {
          for (const [what, re] of FORBIDDEN.modules) if (re.test(id)) problems.push(`${what} is bundled: ${id}`);
        }
        for (const imported of [...output.imports, ...output.dynamicImports]) {
          for (const [what, re] of FORBIDDEN.imports) if (re.test(imported)) problems.push(`${what} is imported at run time ('${imported}')`);
        }
        for (const [what, re] of FORBIDDEN.text) if (re.test(output.code)) problems.push(`its code contains ${what}`);

        const map = output.map;
        if (!map) continue;
        const sources = map.sources.map((s) => resolve(outputOptions.dir ?? root, dirname(fileName), s));
        const lines = decodeMappings(map.mappings);
        const codeLines = output.code.split('\n');
        lines.forEach((segments, lineIndex) => {
          const length = (codeLines[lineIndex]?.length ?? 0) + 1;
          segments.forEach((s, i) => {
            const end = i + 1 < segments.length ? segments[i + 1][0] : length;
            let id = s.length >= 4 ? sources[s[1]] : '(unmapped)';
            if (s.length >= 4 && /[\\/]dist[\\/][^\\/]+\.js$/.test(id) && !id.includes('node_modules')) id = traceToSource(id, s[2], s[3]);
            modules.set(id, (modules.get(id) ?? 0) + (end - s[0]));
          });
          if (segments.length === 0 || segments[0][0] > 0) {
            const head = segments.length ? segments[0][0] : length;
            modules.set('(unmapped)', (modules.get('(unmapped)') ?? 0) + head);
          }
        });
      }
      const report = {
        name,
        minified: Buffer.byteLength(code),
        gzip: gzipSync(code, { level: 9 }).length,
        modules: [...modules]
          .map(([id, bytes]) => ({ ...(id === '(unmapped)' ? { group: '(unmapped)', module: '(unmapped)' } : label(id)), bytes }))
          .sort((a, b) => b.bytes - a.bytes),
        problems,
      };
      const dir = join(root, '.tmp', 'size');
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, `${name}.json`), JSON.stringify(report, null, 2));
      if (problems.length) this.error(`the ${name} bundle must not contain: ${problems.join('; ')}`);
    },
  };
}

/** size-limit `modifyRolldownConfig` adding the plugin and a hidden source map. */
export function withSizeReport(name) {
  return (config) => {
    config.output = { ...config.output, sourcemap: 'hidden' };
    config.plugins = [...(config.plugins ?? []), sizeReport(name)];
    return config;
  };
}
