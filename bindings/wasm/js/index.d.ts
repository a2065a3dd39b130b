// Type declarations for the `huimin` npm package. GENERATED — do not edit: the data types
// come from huimin-core's JSON Schemas (schemars) and the classes from js/api.d.ts.in;
// regenerate with `HUIMIN_BLESS=1 cargo test -p huimin-wasm --test dts`.

/// <reference lib="esnext.disposable" />
/** A calendar date, `YYYY-MM-DD`. */
export type IsoDate = string;

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

/** The stable codes of input errors (`InputError.code`). */
export type InputErrorCode =
  | 'missing'
  | 'wrong_type'
  | 'out_of_range'
  | 'unknown_tag'
  | 'unknown_field'
  | 'unknown_choice';

export type HuiminErrorKind = HuiminError['kind'];

/** The JSON of a `HuiminInitError` (the shape of the core's `internal` error). */
export interface InitErrorJson {
  kind: 'init';
  code: 'not_initialized' | 'load_failed' | 'not_in_module';
  message: Text;
}

/** What every huimin failure has, whatever its kind; `J` is its JSON. */
export interface HuiminErrorBase<J extends HuiminErrorJson | InitErrorJson = HuiminErrorJson | InitErrorJson> extends Error {
  readonly name: 'HuiminError';
  /** The core's error JSON (for kind `init`, the wrapper's in the same shape). */
  readonly detail: J;
  toJSON(): J;
}

/** The pack does not compile: every problem, and where the first one is. */
export interface HuiminPackError extends HuiminErrorBase<Extract<HuiminErrorJson, { kind: 'pack' }>> {
  readonly kind: 'pack';
  /** The first problem's code. */
  readonly code: string;
  readonly errors: PackProblem[];
  readonly file: string;
  /** 1-based; 0 when unknown, as for a problem in a value read from JSON. */
  readonly line: number;
  /** 1-based, in characters; 0 when unknown. */
  readonly column: number;
  readonly hint: string | null | undefined;
}

/** The participant does not fit the pack: every problem, with its field path. */
export interface HuiminInputError extends HuiminErrorBase<Extract<HuiminErrorJson, { kind: 'input' }>> {
  readonly kind: 'input';
  /** The first problem's code. */
  readonly code: InputErrorCode;
  readonly errors: InputError[];
  /** The first problem's field path. */
  readonly path: string;
}

/** A valid participant the pack cannot decide for (`outside_validity`, `no_value_in_force`…). */
export interface HuiminEvalError extends HuiminErrorBase<Extract<HuiminErrorJson, { kind: 'eval' }>> {
  readonly kind: 'eval';
  readonly code: Extract<HuiminErrorJson, { kind: 'eval' }>['code'];
  readonly errors: [];
}

/** A bug in huimin (a panic; the engine restarts itself), to report. */
export interface HuiminInternalError extends HuiminErrorBase<Extract<HuiminErrorJson, { kind: 'internal' }>> {
  readonly kind: 'internal';
  readonly code: 'internal';
  readonly errors: [];
}

/**
 * The WebAssembly module is not loaded: an API was called before `init` (`not_initialized`),
 * or `init` could not load it (`load_failed`, with the loader's error as `cause`); or the
 * method is not in the form's module (`not_in_module`: `huimin/form` has no what-if,
 * half-filled form, reform, diff or screening).
 */
export interface HuiminInitError extends HuiminErrorBase<InitErrorJson> {
  readonly kind: 'init';
  readonly code: InitErrorJson['code'];
  readonly errors: [];
}

/**
 * What every huimin failure throws: one of five kinds, told apart by `kind`. After
 * `e instanceof HuiminError`, checking `e.kind` narrows `e` (`e.line` for `pack`, `e.path` for
 * `input`, `e.code` for `eval`).
 */
export type HuiminError = HuiminPackError | HuiminInputError | HuiminEvalError | HuiminInternalError | HuiminInitError;

/** The class of huimin's failures: for `instanceof` (not constructed by users). */
export declare const HuiminError: {
  readonly prototype: HuiminError;
  [Symbol.hasInstance](value: unknown): value is HuiminError;
};

/** Options of `Policy.whatWouldChange`. */
export interface WhatIfCallOptions {
  /** The most inputs one suggestion changes, 1 to 4 (default 2). */
  maxChanges?: number;
}

export interface EvaluateOptions {
  /** Record the explanation steps (default true; false is faster). */
  explain?: boolean;
}

/** A household for the screener: an id and its members, each a participant. */
export interface Household {
  id?: string;
  members: Participant[];
}

/** Options of `Policy.screen`. */
export interface ScreenOptions {
  /** Only the programs whose jurisdiction contains this (`"南京"`, `"Nanjing"`). */
  where?: string;
}

/**
 * A compiled policy pack. This package reads JSON only (it has no YAML reader, to keep the
 * WebAssembly module small): `huimin compile pack.yaml [--values values.yaml] -o pack.json`
 * writes a YAML pack as the JSON it reads, with the same fingerprint and the same answers.
 */
export declare class Policy {
  private constructor();
  /**
   * Compiles a JSON pack (its text, or an object of its shape); `file` names it in error
   * messages. `values` is the deployment's values file (JSON text or an object: the numbers
   * the pack leaves to an authority, `set_by`), `valuesFile` its name. Throws `HuiminError`
   * (kind `pack`; code `yaml` for YAML text): a JSON syntax error has its line and column, a
   * problem in a value read from JSON names the rule and field, with line and column 0.
   */
  static fromJson(text: string | object, file?: string, values?: string | object, valuesFile?: string): Policy;

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
  /**
   * The policy a reform makes of this one: the reform file's JSON text, or an object of its
   * shape (`{id, base, name, parameters, off, rules, labels, sources, clauses}`);
   * `file` names it in error messages. Throws `HuiminError` (kind `pack`).
   */
  reform(reform: string | object, file?: string): Policy;
  /** What `other` (a reform of this policy, or another version) changes of it. */
  diff(other: Policy): Diff;
  /**
   * "What would change my result?": the minimal changes of at most `options.maxChanges`
   * inputs (default 2) that take a participant to `goal` (`eligible`, `pay_less`,
   * `receive_more`, `group:ID`), each with its outcome, the rules it changes and their
   * clauses. Throws `HuiminError` (kind `input`) for bad data or an unknown goal.
   */
  whatWouldChange(participant: Participant | string, asOf: IsoDate | Date, goal?: string, options?: WhatIfCallOptions): WhatIf;
  /**
   * A half-filled form: eligibility (yes / no / depends), the range of the net fee and the
   * subsidies over every value of the `unknown` inputs and tags (default: the required inputs
   * not given), and which of them still matter. Throws `HuiminError` (kind `input`).
   */
  evaluatePartial(participant: Participant | string, asOf: IsoDate | Date, unknown?: string[]): PartialAnswer;
  /**
   * Screens a household as of a date under every program of `policies` in force then (only
   * one place's with `options.where`): what each member gets, why not, or what is still
   * needed, and the yearly totals. Throws `HuiminError` (kind `input`) for a bad household.
   */
  static screen(household: Household | string, asOf: IsoDate | Date, policies: Iterable<Policy>, options?: ScreenOptions): Screening;

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
  /** The same as `free()`, for `using policy = Policy.fromJson(…)`. */
  [Symbol.dispose](): void;
}

/** The version of the huimin engine in this package. */
export declare function version(): string;

/**
 * Where `init` loads the WebAssembly module from: a URL (fetched), a `Response` or a promise of
 * one (`fetch(url)`), the module's bytes, or a compiled `WebAssembly.Module`.
 */
export type WasmSource =
  | string
  | URL
  | Request
  | Response
  | ArrayBuffer
  | ArrayBufferView
  | WebAssembly.Module
  | PromiseLike<Response | ArrayBuffer | ArrayBufferView | WebAssembly.Module>;

export interface InitOptions {
  /** Default: `huimin_wasm_bg.wasm` next to the package's files, fetched. */
  wasm?: WasmSource;
}

/**
 * Loads the WebAssembly module. Needed with the entry `huimin/init` before any other call
 * (which otherwise throws `HuiminError`, kind `init`, code `not_initialized`); the entry
 * `huimin` has done it on import. Every later call returns the first one's promise. Rejects
 * with `HuiminError` (kind `init`, code `load_failed`) when the module cannot be loaded; a
 * later call then tries again.
 */
export declare function init(options?: InitOptions): Promise<void>;

/**
 * Exact operations on amounts, the decimal strings huimin returns (`"170.00"`), through BigInt:
 * never a JS number. Results keep the finer scale of the two (`add("0.1", "0.20")` is
 * `"0.30"`). A malformed amount (`"1e3"`, `"1,000"`, `".5"`) or a number throws a TypeError.
 */
export declare const Money: {
  /** `a + b`. */
  add(a: Money, b: Money): Money;
  /** `a - b`. */
  subtract(a: Money, b: Money): Money;
  /** -1, 0 or 1 as `a` is less than, equal to or greater than `b`: a comparator for `sort`. */
  compare(a: Money, b: Money): -1 | 0 | 1;
  /** Whether `a` and `b` are the same amount (`"1.5"` and `"1.50"` are). */
  equals(a: Money, b: Money): boolean;
  /**
   * For display, with at least two decimals and never rounded: `"1234.5"` is `"1,234.50 元"`
   * (`locale: "zh"`, the default) or `"¥1,234.50"` (`"en"`).
   */
  format(amount: Money, options?: { locale?: 'zh' | 'en' }): string;
};

export default Policy;

// ------------------------------------------------------------------ data (generated from the Rust types)

/**
 * Whether a person can act on an input (hours chosen, an application made, a certification
 * obtained) or it is a fact about them (age, hukou): a what-if suggests the first and says
 * what "would apply if" of the second.
 */
export type Acts = 'action' | 'fact';

/** The split of one amount between payers; the parts sum exactly to the amount. */
export interface Allocation {
  /** The rule whose amount is split (`fee` for the net fee). */
  rule: string;
  /** The split arrangement's id (or the single payer's). */
  split: string;
  /** The amount split. */
  amount: Money;
  /** Each payer's part. */
  parts: Record<string, Money>;
}

/** A value an answer rests on that the source document does not state (an estimate). */
export interface Assumption {
  /** The parameter's id. */
  parameter: string;
  /** What it is. */
  label: Text;
  /** Its value in force on the date (empty when none is). */
  value: string;
  /** Why the pack assumes it. */
  reason: Text;
  /** The rules that read it, in the order they were gone through. */
  rules: string[];
}

/** One parameter, rule or setting that differs. */
export interface Change {
  /** Where it is: `parameters`, a rule stage (`fees`, `reductions`…), or a setting's section. */
  section: string;
  /** Its id or key. */
  id: string;
  /** Added, removed or changed. */
  change: ChangeKind;
  /** Its label, as the second policy gives it (the first's when removed). */
  label?: Text | null;
  /** The fields that differ, for a change. */
  fields?: string[];
  /** As the first policy writes it. */
  before?: unknown;
  /** As the second policy writes it. */
  after?: unknown;
}

/** How an item differs. */
export type ChangeKind = 'added' | 'removed' | 'changed';

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

/** The decision for one participant as of one date. */
export interface Decision {
  /** The pack's id. */
  pack: string;
  /** The participant's id, if given. */
  participant: string | null;
  /** The evaluation date. */
  as_of: IsoDate;
  /**
   * The SHA-256 of the pack's canonical text (`Policy::fingerprint`): with `pack`,
   * `as_of` and `engine`, the receipt from which the answer can be reproduced exactly.
   */
  fingerprint: string;
  /** The huimin version that decided. */
  engine: string;
  /** The period the amounts are for. */
  period: Period;
  /** Whether the participant is served. */
  eligible: boolean;
  /** The unmet requirements, when not eligible. */
  reasons: Reason[];
  /** The matched category, if the pack has categories. */
  category: string | null;
  /** The priority groups matched, in the pack's order. */
  priority_groups: string[];
  /** Each charge. */
  fees: Line[];
  /** The sum of the charges. */
  gross_fee: Money;
  /** Each reduction applied. */
  reductions: Line[];
  /** The sum of the reductions applied. */
  reduction_total: Money;
  /** What the fee payer pays: gross fee less reductions. */
  net_fee: Money;
  /** Each subsidy due. */
  subsidies: Line[];
  /** The sum of the subsidies due. */
  subsidy_total: Money;
  /** What each payer pays for this participant (every payer of the pack, zero included). */
  payers: Record<string, Money>;
  /** How each amount splits between payers. */
  splits: Allocation[];
  /** Counted entitlements (services, not money). */
  entitlements: Entitlement[];
  /**
   * The values this decision rests on that the source document does not state: every
   * assumed parameter a rule it went through reads. Empty when it rests on none.
   */
  assumptions?: Assumption[];
  /**
   * The fields of this decision that rest on [`Decision::assumptions`], and so are
   * estimates: any of `eligible`, `category`, `priority_groups`, `gross_fee`,
   * `reduction_total`, `net_fee`, `subsidy_total`, `entitlements` and `payers.<id>`. A form
   * marks exactly these.
   */
  estimated?: string[];
  /**
   * Terms of the shared vocabulary given that this pack does not read (a status or a
   * standard field another program uses): reported, never silently used.
   */
  unused?: string[];
  /** What an eligible participant brings or submits to apply, in the pack's order. */
  documents?: Document[];
  /** The explanation: every rule considered, in order. */
  steps: Step[];
  /**
   * The explanation for the applicant: only what changed the answer (a requirement not
   * met, each amount charged, taken off or paid), in plain sentences, each clause quoted
   * once. With `steps`, when explaining.
   */
  plain?: Sentence[];
}

/** What two policies differ in. */
export interface Diff {
  /** The first policy's id. */
  from: string;
  /** The second policy's id. */
  to: string;
  /** Every difference: parameters first, then rules in stage order, then the rest. */
  changes: Change[];
  /** Every clause a change cites, as `《title》clause: text`, by clause id. */
  clauses: Record<string, string>;
}

/** A document to bring or submit. */
export interface Document {
  /** The document's id. */
  document: string;
  /** The document as the source names it. */
  name: Text;
  /** Where the requirement comes from. */
  cite: Citation | null;
}

/** Eligibility over the completions of a form. */
export type Eligibility = 'yes' | 'no' | 'depends';

/** A counted entitlement. */
export interface Entitlement {
  /** The rule's id. */
  rule: string;
  /** The service. */
  label: Text;
  /** How many. */
  count: string;
  /** Whether the count is a minimum. */
  at_least: boolean;
  /** Per what period. */
  per: Period;
}

/** Why a valid participant could not be decided. */
export type EvalErrorJson = {
  code: 'no_value_in_force';
  /** The parameter. */
  parameter: string;
  /** The evaluation date. */
  date: IsoDate;
  /** Start of its earliest value. */
  first: IsoDate;
} | {
  code: 'not_set';
  /** The parameter. */
  parameter: string;
  /** Who sets it. */
  set_by: Text;
  /** The evaluation date. */
  date: IsoDate;
} | {
  code: 'outside_validity';
  /** The pack id. */
  pack: string;
  /** The evaluation date. */
  date: IsoDate;
  /** The validity, as text. */
  valid: string;
  /** Its first day. */
  valid_from: IsoDate;
  /** Its last day, when it has one. */
  valid_until: IsoDate | null;
} | {
  code: 'conflict';
  /** The first rule. */
  first: string;
  /** The second rule. */
  second: string;
  /** What the first gives. */
  first_amount: string;
  /** What the second gives. */
  second_amount: string;
} | {
  code: 'arithmetic';
  /** The rule being evaluated. */
  rule: string;
  /** What happened. */
  what: string;
} | {
  code: 'bounds';
  /** The rule. */
  rule: string;
  /** Its floor. */
  floor: string;
  /** Its ceiling. */
  ceiling: string;
} | {
  code: 'negative';
  /** The rule. */
  rule: string;
  /** The amount. */
  amount: string;
};

/** One input field. */
export interface FieldInfo {
  /** Field name. */
  name: string;
  /** Its type. */
  type: FieldType;
  /** Its label. */
  label: Text;
  /** Whether it must be given (no default). */
  required: boolean;
  /** Smallest value, for numbers. */
  min: string | null;
  /** Largest value, for numbers. */
  max: string | null;
  /** The default, as text. */
  default: string | null;
  /** Allowed choices with labels. */
  choices: TagInfo[];
  /** Who sets it when an authority does: a form does not ask the applicant for it. */
  set_by: Text | null;
}

/** The type of an input field. */
export type FieldType = 'integer' | 'decimal' | 'boolean' | 'text' | 'choice' | 'date';

/** Anything that can go wrong loading a pack or evaluating a participant. */
export type HuiminErrorJson = (PackErrors & {
  kind: 'pack';
}) | {
  kind: 'input';
  /** Each problem, with its field path. */
  errors: InputError[];
} | (EvalErrorJson & {
  message: Text;
} & {
  kind: 'eval';
}) | {
  kind: 'internal';
  /** Always `internal`. */
  code: 'internal';
  /** What went wrong, and a request to report it. */
  message: Text;
};

/** One input changed. */
export interface InputChange {
  /** The input or tag. */
  input: string;
  /** Its label. */
  label: Text;
  /** Whether the person can act on it. */
  acts: Acts;
  /** Its value now (`true`/`false` for a tag). */
  from: string;
  /** The value nearest the participant's that reaches the goal. */
  to: string;
  /** For a number: every value that reaches the goal (with the other changes), as ranges. */
  ranges?: Span[];
  /** In words: "56 or fewer". */
  says: Text;
}

/** One problem in a participant's data, at a field path such as `class_hours` or `tags[1]`. */
export interface InputError {
  /** The field path. */
  path: string;
  /** Stable code: `missing`, `wrong_type`, `out_of_range`, `unknown_tag`, `unknown_field`, `unknown_choice`, `unknown_goal`. */
  code: string;
  /** What is wrong, for a form to show next to the field. */
  message: Text;
}

/** The participant schema of a pack: what a form must ask. */
export interface InputSchema {
  /** The fields, in the pack's order. */
  fields: FieldInfo[];
  /** The tags a participant may carry. */
  tags: TagInfo[];
}

/** An id with its label. */
export interface Labelled {
  /** The id. */
  id: string;
  /** Its name. */
  label: Text;
}

/** An amount produced by a rule. */
export interface Line {
  /** The rule's id. */
  rule: string;
  /** The rule's name. */
  label: Text;
  /** The amount. */
  amount: Money;
  /**
   * The assumed parameters the rule reads ([`Decision::assumptions`]): the amount is an
   * estimate when this is not empty.
   */
  assumed?: string[];
  /**
   * For a fee: the price asked, when it was above the limit the source sets (the fee is
   * charged at the limit). A program audit reports it.
   */
  over_limit?: Money | null;
}

/** An exact amount in yuan, as a decimal string such as "170.00". */
export type Money = string;

/** A fact or value a program needs to decide. */
export interface Need {
  /** The input or parameter. */
  name: string;
  /** What it is, or who sets it. */
  label: Text;
}

/** What a member gets under a program. */
export type Outcome = {
  status: 'eligible';
  /** The priority groups matched. */
  priority_groups: string[];
  /** What the fee payer (the family) pays per period. */
  net_fee: Money;
  /** Subsidies due for the member per period. */
  subsidy_total: Money;
  /** What each payer pays per period. */
  payers: Record<string, Money>;
  /**
   * Periods in a year (12 months, 2 semesters of a school year, 1 year), when the
   * period converts.
   */
  periods_per_year: number | null;
  /**
   * What the family pays in a year (`net_fee` × `periods_per_year`), when the period
   * converts.
   */
  net_fee_per_year: Money | null;
  /** The fields that rest on values the source does not state (see the decision). */
  estimated: string[];
  /** Counted services (a free check-up a year). */
  entitlements: Entitlement[];
  /** What to bring to apply. */
  documents: Document[];
} | {
  status: 'not_eligible';
  /** Why. */
  reasons: Reason[];
} | {
  status: 'needs';
  /** The inputs to add, with their labels. */
  inputs: Need[];
} | {
  status: 'invalid';
  /** Each problem. */
  errors: InputError[];
};

export interface PackErrors {
  errors: PackProblem[];
}

/** One problem in a pack, located at `file:line:column` (1-based; 0 when unknown). */
export interface PackProblem {
  /** The file name given when loading (or `<input>`). */
  file: string;
  /** 1-based line. */
  line: number;
  /** 1-based column, in characters. */
  column: number;
  /** Error or warning. */
  severity: Severity;
  /** Stable code for tools (`yaml`, `json`, `schema`, `expr_syntax`, `expr_type`, `unknown_name`, `invalid`, `limit`). */
  code: string;
  /** What is wrong and what was expected. */
  message: string;
  /** A one-line suggestion, such as "did you mean `monthly_cap`?". */
  hint: string | null;
}

/** The answers a half-filled form can still have. */
export interface PartialAnswer {
  /** The date. */
  as_of: IsoDate;
  /** The inputs and tags not yet known. */
  unknown: string[];
  /** Eligible: yes, no, or depends on `depends_on`. */
  eligible: Eligibility;
  /** The unknown inputs eligibility depends on. */
  depends_on: string[];
  /** The least and greatest net fee over every completion. */
  net_fee: Range;
  /** The least and greatest subsidies due over every completion. */
  subsidy_total: Range;
  /** The unknown inputs that can still change the answer: ask them. */
  still_matter: string[];
  /** The unknown inputs that cannot change it any more: stop asking. */
  settled: string[];
  /**
   * Whether the ranges and the lists are proved over every completion; when not, `notes`
   * say why and the ranges are those of the completions run.
   */
  proven: boolean;
  /** What else the answer rests on. */
  notes: Text[];
  /** The answer in a sentence or two. */
  says: Text;
}

/** A charging or entitlement period. */
export type Period = 'day' | 'week' | 'month' | 'semester' | 'year' | 'once';

/** A pack's identity, for a page or a notebook to show and to choose between packs. */
export interface PolicyInfo {
  /** Pack id. */
  id: string;
  /** Program name. */
  name: Text;
  /** Kind of program (`after_school`, …). */
  kind: ProgramKind;
  /** Where it applies. */
  jurisdiction: Text;
  /** A paragraph for readers. */
  description: Text | null;
  /** First day in force. */
  valid_from: IsoDate;
  /** Last day in force. */
  valid_until: IsoDate | null;
  /** What one evaluation covers. */
  period: Period;
  /** Payers with their names. */
  payers: Labelled[];
  /** The payer of the net fee. */
  fee_payer: string | null;
  /** Categories, in order. */
  categories: Labelled[];
  /** Priority groups, in order. */
  priority_groups: Labelled[];
  /** Compile warnings, in the core's pack-error shape. */
  warnings: PackProblem[];
}

/** The kind of program. */
export type ProgramKind = 'after_school' | 'elderly_care' | 'health_contract' | 'other';

/** The least and greatest of an amount, each reached by some completion. */
export interface Range {
  /** The least. */
  min: Money;
  /** The greatest. */
  max: Money;
}

/** An unmet eligibility requirement. */
export interface Reason {
  /** The requirement's id. */
  rule: string;
  /** Why the participant is not served. */
  message: Text;
  /** Where the requirement comes from. */
  cite: Citation | null;
}

/** A rule whose result differs with the changes. */
export interface RuleChange {
  /** The rule's id. */
  rule: string;
  /** What kind of rule it is. */
  kind: StepKind;
  /** Its name. */
  label: Text;
  /** Its result now. */
  from: string;
  /** Its result with the changes. */
  to: string;
  /** The clause it cites. */
  cite: Citation | null;
}

/** One member under one program. */
export interface ScreenLine {
  /** The member's id, or `members[i]`. */
  member: string;
  /** The pack's id. */
  pack: string;
  /** The program's name. */
  name: Text;
  /** The kind of program. */
  kind: ProgramKind;
  /** The period the amounts are for. */
  period: Period;
  /** What the member gets. */
  outcome: Outcome;
}

/**
 * The screening of a household: one line per member and program that concerns them, and
 * the yearly totals.
 */
export interface Screening {
  /** The household's id, if given. */
  household: string | null;
  /** The date screened. */
  as_of: IsoDate;
  /** Each member × program, in member order, then the registry's order. */
  lines: ScreenLine[];
  /**
   * What the family pays a year across the programs it is eligible for (the fee payer's
   * net fees), for the lines whose period converts to a year.
   */
  family_pays_per_year: Money;
  /**
   * What each payer pays a year across those lines, by `pack.payer`; the fee payer's part
   * included.
   */
  per_year_by_payer: Record<string, Money>;
  /**
   * Eligible lines whose period does not convert to a year (a day, a week, once): not in
   * the yearly totals, by `member pack`.
   */
  not_annualised: string[];
}

/** One sentence of [`Decision::plain`]. */
export interface Sentence {
  /** The rule it is about. */
  rule: string;
  /** What kind of rule. */
  kind: StepKind;
  /** The sentence. */
  text: Text;
  /** The amount, for money rules. */
  amount?: string | null;
  /** It rests on a value the source does not state. */
  estimate?: boolean;
  /** The clause, the first time the answer cites it. */
  cite?: Citation | null;
}

/** How serious a pack problem is: errors stop the pack from loading, warnings do not. */
export type Severity = 'error' | 'warning';

/** A range of values of a numeric input, both ends included. */
export interface Span {
  /** Its least value. */
  min: string;
  /** Its greatest value. */
  max: string;
}

/** One step of the explanation. */
export interface Step {
  /** The rule's id (or the parameter's). */
  rule: string;
  /** What kind of rule it is. */
  kind: StepKind;
  /** The rule's name. */
  label: Text;
  /** The inputs and parameters it read, with their values. */
  inputs: Record<string, string>;
  /** What it produced: `true`/`false` for conditions, an amount for money rules. */
  value: string;
  /** How the value came about, e.g. `3.00 × 60 = 180.00; capped at 170`, in both languages. */
  detail: Text | null;
  /** Where the rule comes from. */
  cite: Citation | null;
  /**
   * The assumed parameters it read ([`Decision::assumptions`]): its value is an estimate
   * when this is not empty.
   */
  assumed?: string[];
}

/** Kinds of explanation step. */
export type StepKind = 'parameter' | 'eligibility' | 'category' | 'priority' | 'fee' | 'reduction' | 'subsidy' | 'split' | 'entitlement';

/** One way to reach the goal. */
export interface Suggestion {
  /** The inputs it changes. */
  changes: InputChange[];
  /**
   * `action` when the person can make every change; `fact` when one is a fact about them
   * (the result "would apply if" it were so).
   */
  acts: Acts;
  /** The outcome with the changes, at the values nearest the participant's. */
  then: WhatIfOutcome;
  /** The rules whose result changes, with the clauses they cite. */
  rules: RuleChange[];
  /** The clause of the rule the goal turns on (the fee's, the waiver's, the subsidy's). */
  cite: Citation | null;
  /** In a sentence. */
  says: Text;
}

/** A tag or choice with its label. */
export interface TagInfo {
  /** Its id. */
  id: string;
  /** Its label. */
  label: Text;
}

/** A label in Chinese and English: every name a citizen or an author sees is given in both. */
export interface Text {
  /** Chinese. */
  zh: string;
  /** English. */
  en: string;
}

/** The answer to "what would change my result?". */
export interface WhatIf {
  /** The goal: `eligible`, `pay_less`, `receive_more` or `group:ID`. */
  goal: string;
  /** The date. */
  as_of: IsoDate;
  /** The outcome now. */
  now: WhatIfOutcome;
  /** Whether the goal is met already. */
  met: boolean;
  /**
   * The minimal changes that reach the goal: fewest inputs first, then in the pack's order
   * of inputs.
   */
  suggestions: Suggestion[];
  /** Whether every set of at most `max_changes` inputs was tried to the end. */
  complete: boolean;
  /** Why not, or what else the answer rests on. */
  notes: Text[];
  /** The answer in a sentence or two. */
  says: Text;
  /** The bounds it ran under. */
  options: WhatIfOptions;
}

/** Bounds on the work of one what-if. */
export interface WhatIfOptions {
  /** The most inputs one suggestion changes. */
  max_changes: number;
  /** The most sets of inputs tried. */
  max_sets: number;
  /** The most boxes run, over all the sets. */
  max_boxes: number;
}

/** The outcome of one participant. */
export interface WhatIfOutcome {
  /** Eligible or not. */
  eligible: boolean;
  /** The net fee. */
  net_fee: Money;
  /** The subsidies due. */
  subsidy_total: Money;
  /** The priority groups entered. */
  priority_groups: string[];
}
