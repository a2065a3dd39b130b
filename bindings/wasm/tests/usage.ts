// Type-checked (never run) by `tsc --noEmit -p bindings/wasm/tests` in scripts/test-wasm.sh:
// how a web form uses the `huimin` package, and what its declarations must reject.
import {
  Policy,
  HuiminError,
  version,
  type Decision,
  type InputError,
  type InputSchema,
  type FieldInfo,
  Money,
  type Participant,
  type PolicyInfo,
  type Step,
  type HuiminErrorJson,
  type InputErrorCode,
  type PackProblem,
  type WhatIf,
  type PartialAnswer,
  type InitErrorJson,
} from 'huimin';
import { init } from 'huimin/init';
import * as form from 'huimin/form';

// `huimin/init` loads the module when told to, from any source; a second call is harmless.
declare const wasmBytes: Uint8Array;
declare const wasmModule: WebAssembly.Module;
await init({ wasm: wasmBytes });
await init({ wasm: new URL('/assets/huimin_wasm_bg.wasm', 'https://example.org') });
await init({ wasm: fetch('/assets/huimin_wasm_bg.wasm') });
await init({ wasm: wasmModule });
await init();
// @ts-expect-error the source goes in an options object
await init(wasmBytes);

// The package reads JSON packs (`huimin compile pack.yaml -o pack.json`), as text or an object.
declare const packJson: string;
declare const valuesJson: string;

const policy: Policy = Policy.fromJson(packJson, 'chongqing-wanzhou-2020.json');
const fromObject: Policy = Policy.fromJson({ id: 'x' });
fromObject.free();
// With the deployment's values file, as JSON text or an object.
const deployed: Policy = Policy.fromJson(packJson, 'wuhu-opinion-2021.json', valuesJson, 'wuhu.values.json');
const deployedToo: Policy = Policy.fromJson(JSON.parse(packJson) as object, 'wuhu-opinion-2021.json', {
  pack: 'wuhu-opinion-2021',
  name: { zh: '芜湖示例部署', en: 'Wuhu example deployment' },
  values: { service_fee_semester: [{ from: '2021-09-01', value: '300.00' }] },
});
deployed.free();
deployedToo.free();
// A reform, as JSON text or an object.
const reformed: Policy = policy.reform({ id: 'cap160', base: 'chongqing-wanzhou-2020', parameters: { monthly_cap: { value: '160' } } }, 'cap160.json');
console.log(policy.diff(reformed).changes.length);
reformed.free();
// @ts-expect-error no YAML reader: compile YAML packs to JSON with `huimin compile`
Policy.fromYaml(packJson, 'x.yaml');
// @ts-expect-error the values file is JSON text or an object
Policy.fromJson(packJson, 'x.json', 300);

const info: PolicyInfo = policy.info();
const title: string = `${info.name.zh} (${info.name.en}) ${policy.validFrom} ${policy.validUntil ?? ''} v${version()}`;

const schema: InputSchema = policy.inputSchema();
function describe(f: FieldInfo): string {
  switch (f.type) {
    case 'choice':
      return f.choices.map((c) => `${c.id}: ${c.label.zh}`).join(', ');
    case 'integer':
    case 'decimal':
      return `${f.min ?? '-∞'}..${f.max ?? '∞'}`;
    default:
      return f.required ? 'required' : `default ${f.default ?? ''}`;
  }
}
const described: string[] = schema.fields.map(describe);
// An input an authority sets (`set_by`) is not asked of the family.
const asked: FieldInfo[] = schema.fields.filter((f) => f.set_by === null);
const setBy: (string | undefined)[] = schema.fields.map((f) => f.set_by?.zh);
const tagIds: string[] = schema.tags.map((t) => t.id);

const child: Participant = { id: 'wz-1', stage: 'primary', grade: 3, class_hours: '60', tags: ['dibao'] };
const problems: InputError[] = policy.validate(child);
for (const p of problems) {
  const where: string = p.path;
  const zh: string = p.message.zh;
  void where, zh;
}

try {
  const d: Decision = policy.evaluate(child, '2021-03-01');
  const d2: Decision = policy.evaluate(child, new Date(), { explain: false });
  const net: Money = d.net_fee;
  const payers: Record<string, Money> = d.payers;
  const why: string[] = d.steps.map((s: Step) => `${s.label.zh}: ${s.value}${s.cite ? ` 「${s.cite.text}」` : ''}`);
  const priority: string[] = d.priority_groups;
  const reasons: string[] = d.reasons.map((r) => r.message.en);
  void net, payers, why, priority, reasons, d2;
  // @ts-expect-error amounts are decimal strings, not numbers
  const wrong: number = d.net_fee;
  void wrong;
} catch (e) {
  if (e instanceof HuiminError) {
    const json: HuiminErrorJson | InitErrorJson = e.toJSON();
    if (json.kind === 'pack') {
      const first = json.errors[0];
      if (first) console.log(first.line, first.column, first.hint);
    } else if (json.kind === 'input') {
      console.log(json.errors.map((x) => x.path));
    } else if (json.kind === 'init') {
      console.log(json.message.zh);
    } else if (json.code === 'outside_validity') {
      console.log(json.pack, json.date, json.valid);
    }
    // `kind` narrows the error: each kind has exactly its own fields.
    switch (e.kind) {
      case 'pack': {
        const where: [string, number, number] = [e.file, e.line, e.column];
        const problems: PackProblem[] = e.errors;
        void where, problems;
        // @ts-expect-error a pack error has no field path
        void e.path;
        break;
      }
      case 'input': {
        const path: string = e.path;
        const code: InputErrorCode = e.code;
        void path, code;
        // @ts-expect-error an input error has no line
        void e.line;
        break;
      }
      case 'eval': {
        if (e.detail.code === 'outside_validity') console.log(e.detail.pack, e.detail.valid);
        break;
      }
      case 'internal': {
        const code: 'internal' = e.code;
        void code;
        break;
      }
      case 'init': {
        const code: 'not_initialized' | 'load_failed' | 'not_in_module' = e.code;
        const json: InitErrorJson = e.toJSON();
        void code, json, e.cause;
        break;
      }
    }
    console.log(e.kind, e.message);
  }
}

// `using` frees a compiled pack at the end of its block.
{
  using scoped = Policy.fromJson('{"id": "x"}', 'x.json');
  void scoped.id;
}

// What would change, and a half-filled form.
const w: WhatIf = policy.whatWouldChange(child, '2021-03-01', 'pay_less', { maxChanges: 2 });
const firstChange: string | undefined = w.suggestions[0]?.changes[0]?.to;
const netThen: string | undefined = w.suggestions[0]?.then.net_fee;
const part: PartialAnswer = policy.evaluatePartial({ stage: 'primary', grade: 3 }, '2021-03-01');
const range: [string, string] = [part.net_fee.min, part.net_fee.max];
const askNext: string[] = part.eligible === 'depends' ? part.depends_on : part.still_matter;
console.log(firstChange, netThen, range, askNext, w.says.zh);

// @ts-expect-error asOf must be a string or a Date
policy.evaluate(child, 20210301);
// @ts-expect-error Policy has no public constructor
new Policy();
// @ts-expect-error tags are strings
const badTags: Participant = { tags: [1, 2] };

// Amounts added, compared and shown exactly.
const d = policy.evaluate(child, '2021-03-01');
const total: Money = Money.add(d.net_fee, d.subsidy_total);
const highestFirst: Money[] = Object.values(d.payers).sort(Money.compare).reverse();
const shown: string = Money.format(total, { locale: 'en' });
const same: boolean = Money.equals(Money.subtract(total, d.subsidy_total), d.net_fee);
console.log(highestFirst, shown, same);
// @ts-expect-error amounts are strings, never numbers
Money.add(0.1, 0.2);
// @ts-expect-error the locales are zh and en
Money.format(total, { locale: 'fr' });

// The form's module: the same data types and error class, a Policy without the extras.
await form.init();
await form.init({ wasm: fetch('/assets/form/huimin_wasm_bg.wasm') });
const onForm: form.Policy = form.Policy.fromJson('{}', 'pack.json');
const formDecision: Decision = onForm.evaluate(child, '2021-03-01', { explain: false });
const formErrors: InputError[] = onForm.validate(child);
const formSchema: InputSchema = onForm.inputSchema();
const sameClass: typeof HuiminError = form.HuiminError;
// @ts-expect-error the form's module has no what-if (the whole module, 'huimin', has)
onForm.whatWouldChange(child, '2021-03-01');
// @ts-expect-error nor the screener
form.Policy.screen({ members: [child] }, '2021-03-01', [onForm]);
onForm[Symbol.dispose]();
void formDecision, formErrors, formSchema, sameClass;

policy.free();
void title, described, asked, setBy, tagIds, badTags;
