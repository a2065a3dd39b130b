// The entry `huimin` in Node (package.json "exports" condition "node"): the API of init.js,
// with the WebAssembly module read from disk on import. The package's only node: import.
import { readFile } from 'node:fs/promises';
import { init } from './init.js';

await init({ wasm: readFile(new URL('./huimin_wasm_bg.wasm', import.meta.url)) });

export * from './init.js';
export { default } from './init.js';
