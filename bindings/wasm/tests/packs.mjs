// The packs of fixtures/ as the package reads them: JSON, written by the native CLI
// (`huimin compile <pack.yaml> [--values <values.yaml>]`: the pack's canonical JSON, with the
// deployment's values or a reform applied; the same fingerprint and answers as the YAML). The
// browser build has no YAML reader. Each (pack, values) is compiled once per process.
//
// The CLI is $HUIMIN_BIN, by default target/release/huimin of this checkout (built by
// scripts/build-wasm.sh: cargo build --release -p huimin-cli).
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('../../../', import.meta.url));

/** The repository's fixtures/ directory. */
export const fixtures = join(repo, 'fixtures');

/** The native CLI. */
export const huiminBin = process.env.HUIMIN_BIN || join(repo, 'target', 'release', 'huimin');

/** The pack file of an id in fixtures/policies/ (YAML or JSON), or undefined when there is none. */
export function packFile(id) {
  return ['yaml', 'yml', 'json'].map((x) => join(fixtures, 'policies', `${id}.${x}`)).find((p) => existsSync(p));
}

// A pack: an id of fixtures/policies/, or a file (absolute, or relative to fixtures/, such as
// `reforms/chongqing-wanzhou-2020-cap150.yaml`). Values: a file of fixtures/values/ or a path.
function packPath(pack) {
  if (isAbsolute(pack)) return pack;
  if (/\.(ya?ml|json)$/.test(pack)) return join(fixtures, pack);
  const file = packFile(pack);
  if (!file) throw new Error(`no pack fixtures/policies/${pack}.yaml`);
  return file;
}

const valuesPath = (values) => (isAbsolute(values) ? values : join(fixtures, 'values', values));

const compiled = new Map();

/**
 * The JSON text of a pack, with a values file applied when given (a reform file gives its
 * base pack reformed), as `huimin compile` writes it.
 */
export function packJson(pack, values = undefined) {
  const args = ['compile', packPath(pack)];
  if (values) args.push('--values', valuesPath(values));
  const key = args.join('\0');
  let text = compiled.get(key);
  if (text === undefined) {
    try {
      text = execFileSync(huiminBin, args, { encoding: 'utf8', maxBuffer: 256 << 20, stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (e) {
      const why = e.code === 'ENOENT'
        ? 'not found: build it (cargo build --release -p huimin-cli) or set HUIMIN_BIN'
        : String(e.stderr || e.message).trim();
      throw new Error(`${huiminBin} ${args.join(' ')}: ${why}`);
    }
    compiled.set(key, text);
  }
  return text;
}

/** The pack as an object, a fresh copy each call (to change and compile). */
export function packObject(pack, values = undefined) {
  return JSON.parse(packJson(pack, values));
}
