// Type declarations for the `huimin` npm package (hand-written; the shapes are huimin-core's
// JSON serialisation: crates/huimin-core/src/{decision,error,policy}.rs).

/** An amount of money as a decimal string at the pack's scale, e.g. `"170.00"`. Never a JS number. */
export type Money = string;
/** A calendar date, `YYYY-MM-DD`. */
export type IsoDate = string;

/** A label in Chinese and English. */
export interface Text {
  zh: string;
  en: string;
}

export type ProgramKind = 'after_school' | 'elderly_care' | 'health_contract' | 'other';
export type Period = 'day' | 'week' | 'month' | 'semester' | 'year' | 'once';
export type FieldType = 'integer' | 'decimal' | 'boolean' | 'text' | 'choice' | 'date';

/** A field value: numbers may be given as decimal strings (exact) or JS numbers. */
export type FieldValue = string | number | bigint | boolean | null | undefined;

/**
 * A participant: a flat object of the pack's input fields, with an optional `id` and the
 * household-status `tags` (e.g. `["dibao"]` for 低保).
 */
export interface Participant {
  id?: string | number;
  tags?: string[] | string;
  [field: string]: FieldValue | string[];
}

// ------------------------------------------------------------------ the decision

/** A cited clause of a source document. */
export interface Citation {
  /** The clause's id in the pack. */
  id: string;
  /** The document: title and number (文号). */
  document: string;
  /** The clause as numbered in the document. */
  clause: string;
  /** The source text, verbatim. */
  text: string;
  /** An English gloss. */
  en: string | null;
}

/** An amount produced by a rule. */
export interface Line {
  rule: string;
  label: Text;
  amount: Money;
}

/** An unmet eligibility requirement. */
export interface Reason {
  rule: string;
  message: Text;
  cite: Citation | null;
}

/** The split of one amount between payers; the parts sum exactly to the amount. */
export interface Allocation {
  /** The rule whose amount is split (`fee` for the net fee). */
  rule: string;
  /** The split arrangement's id (or the single payer's). */
  split: string;
  amount: Money;
  parts: Record<string, Money>;
}

/** A counted entitlement (services, not money). */
export interface Entitlement {
  rule: string;
  label: Text;
  /** A decimal string. */
  count: string;
  at_least: boolean;
  per: Period;
}

export type StepKind =
  | 'parameter'
  | 'eligibility'
  | 'category'
  | 'priority'
  | 'fee'
  | 'reduction'
  | 'subsidy'
  | 'split'
  | 'entitlement';

/** One step of the explanation. */
export interface Step {
  rule: string;
  kind: StepKind;
  label: Text;
  /** The inputs and parameters it read, with their values. */
  inputs: Record<string, string>;
  /** `"true"`/`"false"` for conditions, an amount for money rules. */
  value: string;
  /** How the value came about, e.g. `3.00 × 60 = 180.00; capped at 170`, in both languages. */
  detail: Text | null;
  cite: Citation | null;
}

/** The decision for one participant as of one date — the core's `Decision` JSON. */
export interface Decision {
  pack: string;
  participant: string | null;
  as_of: IsoDate;
  period: Period;
  eligible: boolean;
  reasons: Reason[];
  category: string | null;
  priority_groups: string[];
  fees: Line[];
  gross_fee: Money;
  reductions: Line[];
  reduction_total: Money;
  net_fee: Money;
  subsidies: Line[];
  subsidy_total: Money;
  /** What each payer pays for this participant (every payer of the pack, zero included). */
  payers: Record<string, Money>;
  splits: Allocation[];
  entitlements: Entitlement[];
  /** The explanation: every rule considered, in order (empty with `explain: false`). */
  steps: Step[];
}

// ------------------------------------------------------------------ schema and info

/** A tag or choice with its label. */
export interface TagInfo {
  id: string;
  label: Text;
}

/** One input field of a pack. */
export interface FieldInfo {
  name: string;
  type: FieldType;
  label: Text;
  /** Whether it must be given (it has no default). */
  required: boolean;
  /** Smallest value, for numbers (a decimal string). */
  min: string | null;
  /** Largest value, for numbers (a decimal string). */
  max: string | null;
  /** The default, as text. */
  default: string | null;
  /** Allowed choices, for `choice` fields. */
  choices: TagInfo[];
}

/** The participant schema of a pack: what a form must ask. */
export interface InputSchema {
  fields: FieldInfo[];
  tags: TagInfo[];
}

/** A pack's identity and labels. */
export interface PolicyInfo {
  id: string;
  name: Text;
  kind: ProgramKind;
  jurisdiction: Text;
  description: Text | null;
  valid_from: IsoDate;
  valid_until: IsoDate | null;
  period: Period;
  payers: TagInfo[];
  fee_payer: string | null;
  categories: TagInfo[];
  priority_groups: TagInfo[];
  warnings: PackProblem[];
}

// ------------------------------------------------------------------ errors

/** One problem in a pack, at `file:line:column` (1-based; 0 when unknown). */
export interface PackProblem {
  file: string;
  line: number;
  column: number;
  severity: 'error' | 'warning';
  /** `yaml`, `json`, `schema`, `expr_syntax`, `expr_type`, `unknown_name`, `invalid`, `limit`, … */
  code: string;
  message: string;
  /** A suggestion such as "did you mean `monthly_cap`?". */
  hint: string | null;
}

export type InputErrorCode =
  | 'missing'
  | 'wrong_type'
  | 'out_of_range'
  | 'unknown_tag'
  | 'unknown_field'
  | 'unknown_choice';

/** One problem in a participant's data, at a field path such as `class_hours` or `tags[1]`. */
export interface InputError {
  path: string;
  code: InputErrorCode | (string & {});
  /** For a form to show next to the field. */
  message: Text;
}

export type EvalErrorJson =
  | { code: 'no_value_in_force'; parameter: string; date: IsoDate; first: IsoDate }
  | { code: 'outside_validity'; pack: string; date: IsoDate; valid: string }
  | { code: 'conflict'; first: string; second: string; first_amount: string; second_amount: string }
  | { code: 'arithmetic'; rule: string; what: string }
  | { code: 'bounds'; rule: string; floor: string; ceiling: string }
  | { code: 'negative'; rule: string; amount: string };

/** The core's error JSON, as `HuiminError#toJSON()` returns it. */
export type HuiminErrorJson =
  | { kind: 'pack'; errors: PackProblem[] }
  | { kind: 'input'; errors: InputError[] }
  | ({ kind: 'eval' } & EvalErrorJson);

export type HuiminErrorKind = HuiminErrorJson['kind'];

/** What every huimin failure throws. */
export declare class HuiminError extends Error {
  private constructor();
  readonly name: 'HuiminError';
  /** `pack`: the pack does not compile; `input`: the participant does not fit; `eval`: cannot decide. */
  readonly kind: HuiminErrorKind;
  /** The first problem's code (for `eval`, the error's code). */
  readonly code: string | undefined;
  /** Every problem (pack or input errors); empty for `eval`. */
  readonly errors: PackProblem[] | InputError[];
  /** For `pack` errors: where the first problem is. */
  readonly file?: string;
  readonly line?: number;
  readonly column?: number;
  readonly hint?: string | null;
  /** For `input` errors: the first problem's field path. */
  readonly path?: string;
  /** The core's error JSON. */
  readonly detail: HuiminErrorJson;
  toJSON(): HuiminErrorJson;
}

// ------------------------------------------------------------------ the policy

export interface EvaluateOptions {
  /** Record the explanation steps (default true; false is faster). */
  explain?: boolean;
}

/** A compiled policy pack. */
export declare class Policy {
  private constructor();
  /** Compiles a YAML pack; `file` names it in error messages. Throws `HuiminError` (kind `pack`). */
  static fromYaml(text: string, file?: string): Policy;
  /** Compiles a JSON pack (text, or an object to stringify). Throws `HuiminError` (kind `pack`). */
  static fromJson(text: string | object, file?: string): Policy;

  /**
   * Evaluates a participant (an object, or its JSON text) as of a date: `"YYYY-MM-DD"`, or a
   * `Date` read as its local calendar date. Throws `HuiminError` (kind `input` or `eval`).
   */
  evaluate(participant: Participant | string, asOf: IsoDate | Date, options?: EvaluateOptions): Decision;
  /** Every problem with a participant; empty when it can be evaluated. Never throws for bad data. */
  validate(participant: Participant | string): InputError[];
  /** The participant schema of the pack. */
  inputSchema(): InputSchema;
  /** The pack's identity, labels, payers, priority groups and compile warnings. */
  info(): PolicyInfo;

  readonly id: string;
  readonly name: Text;
  readonly kind: ProgramKind;
  readonly jurisdiction: Text;
  readonly period: Period;
  readonly validFrom: IsoDate;
  readonly validUntil: IsoDate | null;
  readonly warnings: PackProblem[];

  /** Releases the compiled pack; the policy cannot be used afterwards. */
  free(): void;
}

/** The version of the huimin engine in this package. */
export declare function version(): string;

export default Policy;
