// The types of the entry `huimin/form`: the form's module. Its data types, `HuiminError`,
// `Money`, `init` and `version` are the whole API's (index.d.ts); its `Policy` compiles,
// evaluates, validates and describes a pack, and has no what-if, half-filled form, reform,
// diff or screening (they are in the whole module, `huimin`).
/// <reference lib="esnext.disposable" />
import type { Policy as WholePolicy } from './index.js';

export * from './index.js';

/** A compiled policy pack in the form's module. */
export interface FormPolicy extends Pick<WholePolicy,
  | 'evaluate' | 'validate' | 'inputSchema' | 'info'
  | 'id' | 'name' | 'kind' | 'jurisdiction' | 'period' | 'validFrom' | 'validUntil' | 'warnings'
  | 'free' | typeof Symbol.dispose> {}

/** The form module's `Policy` class: `Policy.fromJson` as in the whole API. */
export declare const Policy: {
  readonly prototype: FormPolicy;
  fromJson(text: string | object, file?: string, values?: string | object, valuesFile?: string): FormPolicy;
};
export type Policy = FormPolicy;
export default Policy;
