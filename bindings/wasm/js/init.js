// The entry `huimin/init`: the whole API, which loads nothing until `init({ wasm })` is
// called; the entry `huimin` (index.js, node.js) is this module with `init` done on import.
import * as glue from './huimin_wasm.js';
import { bind } from './api.js';

export { HuiminError } from './api.js';
export { Money } from './money.js';
export const { init, version, Policy, _panicForTest } = bind(glue, 'huimin/init');
export default Policy;
