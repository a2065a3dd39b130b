// The `huimin` package as an app installs it (node_modules/huimin is bindings/wasm/pkg): bundled
// for a browser by esbuild (platform browser, ESM) with no node: import, the bundle run (here in
// Node, given the module through `init({ wasm })`), and the entries Node picks.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { packJson } from './packs.mjs';

const repo = fileURLToPath(new URL('../../../', import.meta.url));
const toolsDir = process.env.WASM_TOOLS_DIR || join(repo, '.tools', 'wasm-node');
const esbuild = createRequire(join(toolsDir, 'package.json'))('esbuild');
const pkg = join(repo, 'bindings', 'wasm', 'pkg');
const WASM = readFileSync(join(pkg, 'huimin_wasm_bg.wasm'));
const HEFEI = packJson('hefei-2020'); // the JSON huimin compile writes of the YAML

let app;
before(() => {
  app = mkdtempSync(join(tmpdir(), 'huimin-app-'));
  mkdirSync(join(app, 'node_modules'));
  symlinkSync(pkg, join(app, 'node_modules', 'huimin'), 'dir');
});
after(() => rmSync(app, { recursive: true, force: true }));

/** An app's entry module bundled for a browser: the bundle's text. */
async function bundle(entry) {
  const { outputFiles } = await esbuild.build({
    stdin: { contents: entry, resolveDir: app, sourcefile: 'app.js' },
    bundle: true,
    platform: 'browser',
    format: 'esm',
    write: false,
    logLevel: 'silent',
  });
  return outputFiles[0].text;
}

/** A module of the app, imported: each call a new one (a bundle: a new copy of huimin). */
let modules = 0;
function load(text) {
  const file = join(app, `module-${(modules += 1)}.mjs`);
  writeFileSync(file, text);
  return import(pathToFileURL(file).href);
}

/** The bundle of an app that re-exports `huimin/init`. */
let initBundle;
const bundleOfInit = async () => (initBundle ??= await bundle("export * from 'huimin/init';"));
const freshHuimin = async () => load(await bundleOfInit());

test("a browser bundle of 'huimin/init' has no node: import", async () => {
  const text = await bundleOfInit();
  assert.ok(text.includes('RawPolicy'), 'the glue is in the bundle');
  assert.doesNotMatch(text, /node:/);
});

test("a browser bundle of 'huimin' has no node: import and fetches the module itself", async () => {
  const text = await bundle("export { Policy } from 'huimin';");
  assert.doesNotMatch(text, /node:|readFile/);
  assert.match(text, /huimin_wasm_bg\.wasm/);
});

test('the bundle run: a HuiminError before init, then a hand-worked Hefei decision', async () => {
  const huimin = await freshHuimin();
  for (const f of [() => huimin.Policy.fromJson(HEFEI, 'hefei-2020.json'), () => huimin.version()]) {
    assert.throws(f, (e) => e instanceof huimin.HuiminError && e.kind === 'init' && e.code === 'not_initialized'
      && /await init\(\{ wasm \}\)/.test(e.message) && e.detail.message.zh.startsWith('huimin 尚未加载'));
  }
  const loading = huimin.init({ wasm: new Uint8Array(WASM) });
  assert.equal(huimin.init({ wasm: 'not read' }), loading, 'a second call is the first one');
  await loading;
  await huimin.init();

  const hefei = huimin.Policy.fromJson(HEFEI, 'hefei-2020.json');
  const d = hefei.evaluate(
    { stage: 'junior', basic_care: true, personalised_price: '720', materials_cost: '35.50', district_standard: '120' },
    '2021-03-01',
  );
  // hefei-2020.yaml: personalised courses asked at 720 are charged at their 600 limit
  // (personalised_cap), materials (35.50) are outside it: the parents pay 600 + 35.50 = 635.50.
  // The district's 120 a pupil is raised to the 150 floor (basic_care_floor), which it pays.
  assert.deepEqual(d.fees.map((f) => [f.rule, f.amount]), [['personalised_courses', '600.00'], ['materials', '35.50']]);
  assert.equal(d.gross_fee, '635.50');
  assert.equal(d.net_fee, '635.50');
  assert.equal(d.subsidy_total, '150.00');
  assert.deepEqual(d.payers, { district: '150.00', parents: '635.50' });
  assert.equal(huimin.Money.add(d.net_fee, d.subsidy_total), '785.50');
  hefei.free();
});

test('init loads the module from bytes, a Module, a Response, a promise of one, or a URL', async () => {
  const sources = {
    Uint8Array: () => new Uint8Array(WASM),
    ArrayBuffer: () => WASM.buffer.slice(WASM.byteOffset, WASM.byteOffset + WASM.byteLength),
    'WebAssembly.Module': () => new WebAssembly.Module(WASM),
    Response: () => new Response(WASM, { headers: { 'content-type': 'application/wasm' } }),
    'Promise<Response>': () => Promise.resolve(new Response(WASM, { headers: { 'content-type': 'application/wasm' } })),
    'URL string (fetched)': () => `data:application/wasm;base64,${WASM.toString('base64')}`,
  };
  for (const [name, source] of Object.entries(sources)) {
    const huimin = await freshHuimin();
    await huimin.init({ wasm: source() });
    assert.match(huimin.version(), /^\d+\.\d+\.\d+/, name);
  }
});

test('a module that does not load rejects with HuiminError load_failed; init then tries again', async () => {
  const huimin = await freshHuimin();
  await assert.rejects(huimin.init({ wasm: new Uint8Array([0, 0x61, 0x73, 0x6d]) }), (e) => e instanceof huimin.HuiminError
    && e.kind === 'init' && e.code === 'load_failed' && e.cause instanceof WebAssembly.CompileError
    && e.message.startsWith('huimin could not load its WebAssembly module: CompileError'));
  assert.throws(() => huimin.version(), { code: 'not_initialized' });
  await huimin.init({ wasm: WASM });
  assert.match(huimin.version(), /^\d+\.\d+\.\d+/);
});

test("in Node, 'huimin' reads the module from disk and 'huimin/init' is the same API", async () => {
  const both = await load("export * from 'huimin'; export * as explicit from 'huimin/init';");
  assert.match(both.version(), /^\d+\.\d+\.\d+/);
  assert.equal(both.Policy, both.explicit.Policy);
  await both.explicit.init();
});

test("a browser bundle of 'huimin/form' has no node: import, and runs on the form's module", async () => {
  const text = await bundle("export * from 'huimin/form';");
  assert.doesNotMatch(text, /node:|readFile/);
  assert.doesNotMatch(text, /class RawRegistry/, "the form's glue has no screener");
  const form = await load(text);
  await form.init({ wasm: readFileSync(join(pkg, 'form', 'huimin_wasm_bg.wasm')) });
  const hefei = form.Policy.fromJson(HEFEI, 'hefei-2020.json');
  // As above: 600 (the personalised courses' limit) + 35.50 materials; the district pays 150.
  const d = hefei.evaluate(
    { stage: 'junior', basic_care: true, personalised_price: '720', materials_cost: '35.50', district_standard: '120' },
    '2021-03-01',
  );
  assert.deepEqual([d.net_fee, d.subsidy_total], ['635.50', '150.00']);
  assert.throws(() => hefei.reform('{}'), (e) => e instanceof form.HuiminError && e.code === 'not_in_module');
  hefei.free();
});
