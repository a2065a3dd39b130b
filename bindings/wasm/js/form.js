// The entry `huimin/form`: the form's module, a third smaller than the whole one (compiling
// a JSON pack, `evaluate`, `validate`, `inputSchema`, `info`), for a page that wants its form
// usable before the rest arrives. `await init()` loads `form/huimin_wasm_bg.wasm` (or
// `init({ wasm })`, from anywhere); the whole API (`huimin`) can follow, loaded separately.
// `whatWouldChange`, `evaluatePartial`, `reform`, `diff` and `Policy.screen` throw
// HuiminError (kind `init`, code `not_in_module`) here.
import * as glue from './form/huimin_wasm.js';
import { bind } from './api.js';

export { HuiminError } from './api.js';
export { Money } from './money.js';
export const { init, version, Policy, _panicForTest } = bind(glue, 'huimin/form');
export default Policy;
