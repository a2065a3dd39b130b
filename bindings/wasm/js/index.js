// The entry `huimin` outside Node (package.json "exports"): the API of init.js, with the
// WebAssembly module fetched from next to this file on import (top-level await).
import { init } from './init.js';

// In Node, `huimin` is node.js, which reads the module from disk. This file imported there by
// its path cannot fetch a file: URL, so it hands over to node.js, by an import that bundlers
// leave alone: no browser build contains node.js.
if (import.meta.url.startsWith('file:')) {
  await import(/* webpackIgnore: true */ /* @vite-ignore */ new URL('./node.js', import.meta.url).href);
} else {
  await init({ wasm: new URL('./huimin_wasm_bg.wasm', import.meta.url) });
}

export * from './init.js';
export { default } from './init.js';
