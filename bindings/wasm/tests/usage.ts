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
  type Money,
  type Participant,
  type PolicyInfo,
  type Step,
  type HuiminErrorJson,
  type InputErrorCode,
  type PackProblem,
  type WhatIf,
  type PartialAnswer,
} from 'huimin';

declare const packText: string;

const policy: Policy = Policy.fromYaml(packText, 'chongqing-wanzhou-2020.yaml');
const fromJson: Policy = Policy.fromJson({ id: 'x' });
fromJson.free();

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
    const json: HuiminErrorJson = e.toJSON();
    if (json.kind === 'pack') {
      const first = json.errors[0];
      if (first) console.log(first.line, first.column, first.hint);
    } else if (json.kind === 'input') {
      console.log(json.errors.map((x) => x.path));
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
    }
    console.log(e.kind, e.message);
  }
}

// `using` frees a compiled pack at the end of its block.
{
  using scoped = Policy.fromYaml('id: x', 'x.yaml');
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

policy.free();
void title, described, tagIds, badTags;
