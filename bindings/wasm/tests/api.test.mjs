// The JavaScript API of the `huimin` npm package (bindings/wasm/pkg), under Node.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Policy, HuiminError, Money, init, version, _panicForTest } from '../pkg/index.js';
import { fixtures, packJson, packObject } from './packs.mjs';

// The package reads JSON only: each pack is the JSON `huimin compile` writes of its YAML.
const WANZHOU = packJson('chongqing-wanzhou-2020');
const wz = () => Policy.fromJson(WANZHOU, 'chongqing-wanzhou-2020.json');
const CAP = { id: 'wz-1', stage: 'primary', grade: 3, class_hours: 60, tags: ['dual_worker'] };

function thrown(f) {
  try {
    f();
  } catch (e) {
    return e;
  }
  assert.fail('expected an exception');
}

// The keys of the shapes declared in js/index.d.ts: if the core adds or renames a field, this
// fails and the declarations must follow.
const DECISION_KEYS = ['pack', 'participant', 'as_of', 'fingerprint', 'engine', 'period', 'eligible', 'reasons', 'category', 'priority_groups', 'fees',
  'gross_fee', 'reductions', 'reduction_total', 'net_fee', 'subsidies', 'subsidy_total', 'payers', 'splits', 'entitlements', 'steps',
  // Present because Wanzhou's 中低年级 bound (lower_grade_max) is the pack's assumption.
  'assumptions', 'estimated',
  // The parent view: explained, and a fee is charged.
  'plain'];
const STEP_KEYS = ['rule', 'kind', 'label', 'inputs', 'value', 'detail', 'cite'];
const CITATION_KEYS = ['id', 'document', 'clause', 'text', 'en'];
const FIELD_KEYS = ['name', 'type', 'label', 'required', 'min', 'max', 'default', 'choices', 'set_by'];
const INFO_KEYS = ['id', 'name', 'kind', 'jurisdiction', 'description', 'valid_from', 'valid_until', 'period', 'payers',
  'fee_payer', 'categories', 'priority_groups', 'warnings'];
const sorted = (a) => [...a].sort();

test('version is the workspace version', () => {
  assert.match(version(), /^\d+\.\d+\.\d+/);
});

test('a compiled policy tells its identity', () => {
  const p = wz();
  assert.equal(p.id, 'chongqing-wanzhou-2020');
  assert.equal(p.kind, 'after_school');
  assert.equal(p.period, 'month');
  assert.equal(p.validFrom, '2020-09-01');
  assert.equal(p.validUntil, null);
  assert.deepEqual(p.name, { zh: '万州区中小学课后服务', en: 'Wanzhou primary and secondary after-school service' });
  const info = p.info();
  assert.deepEqual(sorted(Object.keys(info)), sorted(INFO_KEYS));
  assert.equal(info.fee_payer, 'parents');
  assert.deepEqual(info.payers, [{ id: 'parents', label: { zh: '家长', en: 'Parents' } }]);
  assert.ok(info.priority_groups.some((g) => g.id === 'dibao' && g.label.zh === '低保家庭儿童'));
  assert.ok(Array.isArray(p.warnings));
  p.free();
});

test('the input schema lists fields, types, bounds, labels and tags', () => {
  const p = wz();
  const s = p.inputSchema();
  const byName = Object.fromEntries(s.fields.map((f) => [f.name, f]));
  for (const f of s.fields) assert.deepEqual(sorted(Object.keys(f)), sorted(FIELD_KEYS));
  assert.deepEqual(sorted(Object.keys(byName)), ['class_hours', 'grade', 'stage']);
  assert.equal(byName.class_hours.type, 'decimal');
  assert.equal(byName.class_hours.min, '0');
  assert.deepEqual(byName.class_hours.label, { zh: '每月课时数', en: 'Class-hours a month' });
  assert.equal(byName.grade.type, 'integer');
  assert.equal(byName.stage.type, 'choice');
  assert.ok(byName.stage.choices.some((c) => c.id === 'primary' && c.label.zh === '小学'));
  for (const f of s.fields) assert.equal(f.set_by, null, `${f.name}: the family gives it`);
  assert.ok(s.tags.some((t) => t.id === 'dibao' && t.label.zh === '低保家庭'));
  p.free();
});

test('an input an authority sets (set_by) may be given; when not, its default stands in as an estimate', () => {
  const p = Policy.fromJson(packJson('hefei-2020'), 'hefei-2020.json');
  const field = p.inputSchema().fields.find((f) => f.name === 'district_standard');
  assert.deepEqual(field.set_by, { zh: '所在县（市）区', en: 'the county or district' });
  assert.equal(field.required, false);
  assert.equal(field.default, '150');
  // hefei-2020.yaml: the district pays its own standard for basic care (180), at least the
  // 150 floor; no personalised courses and no materials: the parents pay nothing.
  const given = p.evaluate({ stage: 'junior', basic_care: true, district_standard: '180' }, '2021-03-01');
  assert.equal(given.net_fee, '0.00');
  assert.equal(given.subsidy_total, '180.00');
  assert.equal(given.payers.district, '180.00');
  assert.deepEqual((given.assumptions ?? []).map((a) => a.parameter), []);
  const unknown = p.evaluate({ stage: 'junior', basic_care: true }, '2021-03-01');
  assert.equal(unknown.subsidy_total, '150.00'); // the default, 150
  assert.deepEqual(unknown.assumptions.map((a) => [a.parameter, a.value, a.rules]), [['district_standard', '150', ['basic_care_funding']]]);
  assert.equal(unknown.assumptions[0].reason.en, "set by the county or district; not given, so the pack's default stands in as an estimate");
  assert.deepEqual(unknown.estimated, ['subsidy_total', 'payers.district']);
  p.free();
});

test('evaluate returns the core Decision shape with amounts as strings', () => {
  const p = wz();
  const d = p.evaluate(CAP, '2021-03-01');
  assert.deepEqual(sorted(Object.keys(d)), sorted(DECISION_KEYS));
  assert.equal(d.pack, 'chongqing-wanzhou-2020');
  assert.equal(d.participant, 'wz-1');
  assert.equal(d.as_of, '2021-03-01');
  // The receipt: the SHA-256 of the pack's canonical text and the engine's version.
  assert.match(d.fingerprint, /^[0-9a-f]{64}$/);
  assert.match(d.engine, /^\d+\.\d+\.\d+/);
  assert.equal(d.eligible, true);
  assert.deepEqual(d.priority_groups, ['dual_worker', 'lower_grades']);
  for (const k of ['gross_fee', 'reduction_total', 'net_fee', 'subsidy_total']) assert.equal(typeof d[k], 'string', k);
  assert.equal(d.gross_fee, '170.00');
  assert.equal(d.net_fee, '170.00');
  assert.deepEqual(d.payers, { parents: '170.00' });
  assert.deepEqual(d.estimated, ['priority_groups']);
  assert.deepEqual(d.assumptions.map((a) => [a.parameter, a.value, a.rules]), [['lower_grade_max', '4', ['lower_grades']]]);
  // 3.00 × 60 = 180.00, capped at 170: one sentence, in the pack's plain words.
  assert.deepEqual(d.plain.map((s) => [s.rule, s.text.zh, s.amount]), [['service_fee', '每课时3.00元，60课时，每月最多收170元 → 170.00元', '170.00']]);
  const fee = d.steps.find((s) => s.kind === 'fee');
  assert.deepEqual(sorted(Object.keys(fee)), sorted(STEP_KEYS));
  assert.deepEqual(sorted(Object.keys(fee.cite)), sorted(CITATION_KEYS));
  assert.equal(fee.value, '170.00');
  assert.match(fee.detail.en, /3\.00 × 60 = 180\.00; capped at 170/);
  assert.match(fee.detail.zh, /3\.00 × 60 = 180\.00；封顶 170/);
  assert.match(fee.cite.text, /3\.00元\/生·課時/);
  assert.equal(fee.cite.clause, '（二）强化经费保障');
  p.free();
});

test('the waiver takes the whole fee for a 低保 household', () => {
  const p = wz();
  const d = p.evaluate({ stage: 'primary', grade: 6, class_hours: 40, tags: ['dibao'] }, '2021-03-01');
  assert.equal(d.gross_fee, '120.00');
  assert.deepEqual(d.reductions.map((r) => [r.rule, r.amount]), [['poverty_waiver', '120.00']]);
  assert.equal(d.net_fee, '0.00');
  const step = d.steps.find((s) => s.rule === 'poverty_waiver');
  assert.match(step.cite.text, /低保家庭學生減免/);
  p.free();
});

test('asOf may be a Date (its local calendar date) or a string', () => {
  const p = wz();
  const a = p.evaluate(CAP, '2021-03-01');
  const b = p.evaluate(CAP, new Date(2021, 2, 1));
  assert.deepEqual(b, a);
  p.free();
});

test('numbers may be decimal strings, JS numbers or BigInts, read exactly', () => {
  const p = wz();
  assert.equal(p.evaluate({ stage: 'primary', grade: 3, class_hours: '10.5' }, '2021-03-01').gross_fee, '31.50');
  assert.equal(p.evaluate({ stage: 'primary', grade: 3, class_hours: 0.1 }, '2021-03-01').gross_fee, '0.30');
  assert.equal(p.evaluate({ stage: 'primary', grade: 3n, class_hours: 7n }, '2021-03-01').gross_fee, '21.00');
  assert.equal(p.evaluate(JSON.stringify({ stage: 'primary', grade: 3, class_hours: 1 }), '2021-03-01').gross_fee, '3.00');
  p.free();
});

test('explain: false leaves the steps out and gives the same amounts', () => {
  const p = wz();
  const full = p.evaluate(CAP, '2021-03-01');
  const quick = p.evaluate(CAP, '2021-03-01', { explain: false });
  assert.equal(quick.net_fee, full.net_fee);
  assert.deepEqual(quick.payers, full.payers);
  assert.ok(quick.steps.length < full.steps.length);
  p.free();
});

test('validate lists every problem by field path with zh/en messages', () => {
  const p = wz();
  assert.deepEqual(p.validate({ stage: 'primary', grade: 3, class_hours: 60 }), []);
  const errors = p.validate({ stage: 'primry', grade: 'three', class_hours: -1, tags: ['dibaa'], hours: 3 });
  const byPath = Object.fromEntries(errors.map((e) => [e.path, e]));
  assert.equal(byPath.class_hours.code, 'out_of_range');
  assert.equal(byPath.grade.code, 'wrong_type');
  assert.equal(byPath.stage.code, 'unknown_choice');
  assert.equal(byPath['tags[0]'].code, 'unknown_tag');
  assert.equal(byPath.hours.code, 'unknown_field');
  for (const e of errors) {
    assert.deepEqual(sorted(Object.keys(e)), ['code', 'message', 'path']);
    assert.ok(e.message.zh && e.message.en, JSON.stringify(e));
  }
  assert.match(byPath.class_hours.message.zh, /课时数/);
  assert.match(byPath['tags[0]'].message.en, /did you mean `dibao`/);
  const missing = p.validate({ tags: [] });
  assert.deepEqual(sorted(missing.map((e) => `${e.path}:${e.code}`)), ['class_hours:missing', 'grade:missing', 'stage:missing']);
  assert.equal(p.validate('not json')[0].code, 'wrong_type');
  assert.equal(p.validate([1, 2])[0].code, 'wrong_type');
  p.free();
});

test('invalid participants throw HuiminError of kind input, with the path', () => {
  const p = wz();
  const e = thrown(() => p.evaluate({ stage: 'primary', grade: 2, class_hours: -1 }, '2021-03-01'));
  assert.ok(e instanceof HuiminError);
  assert.ok(e instanceof Error);
  assert.equal(e.name, 'HuiminError');
  assert.equal(e.kind, 'input');
  assert.equal(e.path, 'class_hours');
  assert.equal(e.code, 'out_of_range');
  assert.match(e.message, /class_hours/);
  assert.deepEqual(e.toJSON(), { kind: 'input', errors: [{ path: 'class_hours', code: 'out_of_range', message: e.errors[0].message }] });
  assert.deepEqual(JSON.parse(JSON.stringify(e)), e.toJSON());
  p.free();
});

test('a bad evaluation date is an input error at as_of', () => {
  const p = wz();
  for (const bad of ['2021-13-01', 'March', '', new Date(Number.NaN), 20210301]) {
    const e = thrown(() => p.evaluate(CAP, bad));
    assert.ok(e instanceof HuiminError, String(bad));
    assert.equal(e.kind, 'input');
    assert.equal(e.path, 'as_of');
  }
  p.free();
});

test('a date outside the pack is an eval error with its code', () => {
  const p = wz();
  const e = thrown(() => p.evaluate(CAP, '2020-08-31'));
  assert.ok(e instanceof HuiminError);
  assert.equal(e.kind, 'eval');
  assert.equal(e.code, 'outside_validity');
  assert.equal(e.toJSON().pack, 'chongqing-wanzhou-2020');
  assert.equal(e.toJSON().date, '2020-08-31');
  p.free();
});

test('a key given twice in a JSON pack is refused, not the last one kept', () => {
  // Two `monthly_cap` parameters: serde_json alone would keep the second silently.
  const text = packJson('chongqing-wanzhou-2020').replace('"parameters":{', '"parameters":{"monthly_cap":{"values":[{"from":"2020-09-01","value":"999"}]},');
  assert.notEqual(text, packJson('chongqing-wanzhou-2020'));
  const e = thrown(() => Policy.fromJson(text, 'twice.json'));
  assert.equal(e.kind, 'pack');
  assert.equal(e.code, 'json');
  assert.match(e.message, /`parameters\.monthly_cap` is given twice/);
});

test('a JSON syntax error is a pack error with line and column', () => {
  // Line 3 is `  "name": [1,}`: the `}` at column 14 is no value.
  const e = thrown(() => Policy.fromJson('{\n  "id": "x",\n  "name": [1,}\n}\n', 'bad.json'));
  assert.ok(e instanceof HuiminError);
  assert.equal(e.kind, 'pack');
  assert.equal(e.code, 'json');
  assert.equal(e.file, 'bad.json');
  assert.equal(e.line, 3);
  assert.equal(e.column, 14);
  assert.match(e.message, /^bad\.json:3:14: /);
  assert.equal(e.hint, null);
  assert.equal(e.toJSON().errors[0].severity, 'error');
});

// The package has no YAML reader (it would make the module nearly twice as large); the error
// says so and how to turn a YAML file into the JSON it reads.
const JSON_ONLY = 'this build of huimin reads JSON only (it was built without the `yaml` feature); the text is not JSON';
const COMPILE_HINT = '`huimin compile <pack.yaml> -o <pack.json>` writes a pack, with its values and reforms, as the JSON this build reads';

function assertYamlRefused(e, file) {
  assert.ok(e instanceof HuiminError, `expected a HuiminError, got ${e}`);
  assert.equal(e.kind, 'pack');
  assert.equal(e.code, 'yaml');
  assert.equal(e.file, file);
  assert.deepEqual([e.line, e.column], [1, 1]);
  assert.equal(e.errors.length, 1);
  assert.equal(e.errors[0].message, JSON_ONLY);
  assert.equal(e.hint, COMPILE_HINT);
  assert.equal(e.message, `${file}:1:1: error: ${JSON_ONLY}\n  hint: ${COMPILE_HINT}`);
}

test('a YAML pack is refused with code yaml, and a hint naming huimin compile', () => {
  const yaml = readFileSync(join(fixtures, 'policies', 'chongqing-wanzhou-2020.yaml'), 'utf8');
  assertYamlRefused(thrown(() => Policy.fromJson(yaml, 'chongqing-wanzhou-2020.yaml')), 'chongqing-wanzhou-2020.yaml');
  assertYamlRefused(thrown(() => Policy.fromJson('id: x\nname: [\n', 'bad.yaml')), 'bad.yaml');
});

test('a YAML values file is refused with code yaml, naming it', () => {
  const pack = packJson('wuhu-opinion-2021');
  const values = readFileSync(join(fixtures, 'values', 'wuhu-opinion-2021.example.yaml'), 'utf8');
  assertYamlRefused(thrown(() => Policy.fromJson(pack, 'wuhu-opinion-2021.json', values, 'wuhu.yaml')), 'wuhu.yaml');
});

test('a YAML reform is refused with code yaml, naming it', () => {
  const reform = readFileSync(join(fixtures, 'reforms', 'chongqing-wanzhou-2020-cap150.yaml'), 'utf8');
  assertYamlRefused(thrown(() => wz().reform(reform, 'cap150.yaml')), 'cap150.yaml');
});

test('an unknown name in an expression is named, with a did-you-mean hint (no line in JSON)', () => {
  const broken = packObject('chongqing-wanzhou-2020');
  assert.equal(broken.fees[0].cap, 'monthly_cap');
  broken.fees[0].cap = 'monthly_capp';
  const e = thrown(() => Policy.fromJson(broken, 'wz.json'));
  assert.equal(e.kind, 'pack');
  assert.equal(e.code, 'unknown_name');
  assert.equal(e.file, 'wz.json');
  // A value read from JSON has no place in the text: line and column are 0, left out of the message.
  assert.deepEqual([e.line, e.column], [0, 0]);
  assert.match(e.message, /^wz\.json: error: .*unknown name `monthly_capp`/);
  assert.match(e.hint, /monthly_cap/);
});

test('fromJson compiles a JSON pack (text or object) with the same results', () => {
  const pack = {
    id: 'demo', name: { zh: '示例', en: 'Demo' }, kind: 'after_school', jurisdiction: { zh: '某市', en: 'Some city' },
    valid_from: '2020-09-01', period: 'month', payers: { parents: { zh: '家长', en: 'Parents' } }, fee_payer: 'parents',
    inputs: { class_hours: {} }, parameters: { rate: { values: [{ from: '2020-09-01', value: '3.00' }] } },
    fees: [{ id: 'service', label: { zh: '服务费', en: 'Service fee' }, rate: 'rate', quantity: 'class_hours', cap: '170' }],
  };
  for (const src of [JSON.stringify(pack, null, 2), pack]) {
    const p = Policy.fromJson(src, 'demo.json');
    assert.equal(p.evaluate({ class_hours: 60 }, '2021-03-01').net_fee, '170.00');
    assert.equal(p.evaluate({ class_hours: 10 }, '2021-03-01').net_fee, '30.00');
    p.free();
  }
  const e = thrown(() => Policy.fromJson('{"id": "x",\n  "name": }', 'bad.json'));
  assert.equal(e.kind, 'pack');
  assert.equal(e.code, 'json');
  assert.equal(e.line, 2);
  // A value of the wrong type: serde_json's own error, with its place.
  const t = thrown(() => Policy.fromJson('{"id": 3}', 'bad.json'));
  assert.deepEqual([t.kind, t.code, t.line, t.column], ['pack', 'schema', 1, 8]);
});

// Wuhu's pack leaves the fee to each county's price authority (`service_fee_semester`, set_by,
// no value): a deployment gives it in a values file, here as JSON.
const WUHU_VALUES = {
  pack: 'wuhu-opinion-2021',
  name: { zh: '芜湖示例部署', en: 'Wuhu example deployment' },
  example: true,
  values: { service_fee_semester: [{ from: '2021-09-01', value: '300.00' }] },
};

test('fromJson takes the values file as JSON text or an object; hand-worked Wuhu', () => {
  const pack = packJson('wuhu-opinion-2021');
  const pupil = { stage: 'primary', remote: true, approved_rate: '400' };
  for (const values of [WUHU_VALUES, JSON.stringify(WUHU_VALUES, null, 2)]) {
    const p = Policy.fromJson(pack, 'wuhu-opinion-2021.json', values, 'wuhu.values.json');
    const d = p.evaluate(pupil, '2021-10-01');
    // The fee is the deployment's 300.00 a semester. The county's 400 a year is 200 a semester
    // (÷ 2 semesters), raised 20% in a remote area to 240.00, under the ceiling of
    // 500 × 1.2 ÷ 2 = 300.
    assert.equal(d.net_fee, '300.00');
    assert.equal(d.subsidy_total, '240.00');
    assert.deepEqual(d.payers, { county: '240.00', parents: '300.00' });
    const fee = d.assumptions.find((a) => a.parameter === 'service_fee_semester');
    assert.equal(fee.value, '300.00');
    assert.match(fee.reason.en, /^Wuhu example deployment: an example value/);
    // A pupil of a family in hardship: the fee waived (100%, the pack's assumption).
    assert.equal(p.evaluate({ ...pupil, tags: ['hardship'] }, '2021-10-01').net_fee, '0.00');
    p.free();
  }
  // Another deployment's fee; and without values the fee has no value to charge.
  const other = Policy.fromJson(pack, 'wuhu-opinion-2021.json', { ...WUHU_VALUES, values: { service_fee_semester: [{ from: '2021-09-01', value: '280.00' }] } });
  assert.equal(other.evaluate(pupil, '2021-10-01').net_fee, '280.00');
  const bare = Policy.fromJson(pack, 'wuhu-opinion-2021.json');
  const e = thrown(() => bare.evaluate(pupil, '2021-10-01'));
  assert.deepEqual([e.kind, e.code], ['eval', 'not_set']);
  assert.match(e.message, /service_fee_semester/);
  // A misspelt parameter in the values file is a pack error naming that file.
  const typo = thrown(() => Policy.fromJson(pack, 'wuhu-opinion-2021.json', { ...WUHU_VALUES, values: { service_fee_semestr: [] } }, 'typo.json'));
  assert.equal(typo.kind, 'pack');
  assert.equal(typo.file, 'typo.json');
  assert.match(typo.message, /^typo\.json: error: pack `wuhu-opinion-2021` has no parameter `service_fee_semestr`/);
  other.free();
  bare.free();
});

test('values given to fromJson, or applied by huimin compile --values: the same pack', () => {
  // WUHU_VALUES is fixtures/values/wuhu-opinion-2021.example.yaml as JSON: the same receipt.
  const here = Policy.fromJson(packJson('wuhu-opinion-2021'), 'wuhu-opinion-2021.json', WUHU_VALUES);
  const compiled = Policy.fromJson(packJson('wuhu-opinion-2021', 'wuhu-opinion-2021.example.yaml'), 'wuhu-opinion-2021.json');
  const pupil = { stage: 'junior', remote: false };
  assert.deepEqual(here.evaluate(pupil, '2021-10-01'), compiled.evaluate(pupil, '2021-10-01'));
  here.free();
  compiled.free();
});

test('a freed policy cannot be used; free is idempotent', () => {
  const p = wz();
  p.free();
  p.free();
  assert.throws(() => p.evaluate(CAP, '2021-03-01'), /freed/);
  assert.throws(() => p.validate(CAP), /freed/);
  assert.throws(() => p.inputSchema(), /freed/);
});

test('Policy cannot be constructed directly', () => {
  assert.throws(() => new Policy(), TypeError);
});

test('every pack in fixtures/policies compiles in WASM, as the JSON huimin compile writes', () => {
  const dir = join(fixtures, 'policies');
  const files = readdirSync(dir).filter((f) => /\.(ya?ml|json)$/.test(f));
  assert.ok(files.length > 0);
  const problems = [];
  for (const f of files) {
    const id = f.replace(/\.(ya?ml|json)$/, '');
    try {
      const p = Policy.fromJson(packJson(`policies/${f}`), `${id}.json`);
      assert.equal(p.id, id);
      const s = p.inputSchema();
      assert.ok(Array.isArray(s.fields) && Array.isArray(s.tags));
      p.free();
    } catch (e) {
      problems.push(`${f}: ${e.message}`);
    }
  }
  assert.deepEqual(problems, []);
});

// The same message as Python's huimin.InternalError (bindings/python/tests/test_internal.py):
// both are huimin_core::ffi::internal.
const ASK = 'internal error in huimin (a bug, not a problem with the data or the pack; please report it with the input that caused it): ';
const ASK_ZH = 'huimin 内部错误（是 huimin 的缺陷，不是数据或政策包的问题，请连同引发它的输入一起报告）：';

test('a panic is a HuiminError with code internal, and huimin goes on working', () => {
  // wasm32 aborts on a panic: it used to surface as `RuntimeError: unreachable`, and the
  // instance, its Rust state half-done, went on being used.
  const p = wz();
  const before = p.evaluate(CAP, '2021-03-01');
  const what = '_panic_for_test: here';
  for (let round = 0; round < 2; round++) {
    const e = thrown(() => _panicForTest());
    assert.ok(e instanceof HuiminError, `expected a HuiminError, got ${e}`);
    assert.equal(e.kind, 'internal');
    assert.equal(e.code, 'internal');
    assert.equal(e.message, ASK + what);
    assert.deepEqual(e.toJSON(), { kind: 'internal', code: 'internal', message: { zh: ASK_ZH + what, en: ASK + what } });
    // the policy compiled before the panic is compiled again in the fresh instance
    assert.deepEqual(p.evaluate(CAP, '2021-03-01'), before);
    assert.deepEqual(p.validate({ ...CAP, class_hours: -1 }).map((x) => x.code), ['out_of_range']);
  }
  const q = wz();
  assert.equal(q.evaluate(CAP, '2021-03-01').net_fee, '170.00');
  assert.match(version(), /^\d+\.\d+\.\d+/);
  p.free();
  q.free();
});

test('Policy.screen: what a household gets from every program, by hand as in Rust and Python', () => {
  // The household of crates/huimin-core/tests/screen.rs: Wanzhou 0.00 (170.00 waived for 低保),
  // Jilin 40.00 (half off, 低保 being a poor family), Nanjing 0.00 with the district's 250.00,
  // Shenzhen 500.00 for the grandmother, Tong'an not eligible (no family caregiver).
  const ids = ['chongqing-wanzhou-2020', 'jilin-district-2020', 'nanjing-2021', 'shenzhen-homecare', 'tongan-family-bed'];
  const policies = ids.map((id) => Policy.fromJson(packJson(id), `${id}.json`));
  const household = { id: 'wang', members: [
    { id: 'child', stage: 'primary', grade: 3, class_hours: 60, tags: ['dibao'] },
    { id: 'grandma', age: 72, local_hukou: true, self_care: 'partly_disabled', family_caregiver: false, tags: ['dibao'] },
  ] };
  const s = Policy.screen(household, '2022-09-01', policies);
  assert.deepEqual(s.lines.map((l) => [l.member, l.pack, l.outcome.status, l.outcome.net_fee, l.outcome.subsidy_total]), [
    ['child', 'chongqing-wanzhou-2020', 'eligible', '0.00', '0.00'],
    ['child', 'jilin-district-2020', 'eligible', '40.00', '0.00'],
    ['child', 'nanjing-2021', 'eligible', '0.00', '250.00'],
    ['grandma', 'shenzhen-homecare', 'eligible', '0.00', '500.00'],
    ['grandma', 'tongan-family-bed', 'not_eligible', undefined, undefined],
  ]);
  assert.equal(s.family_pays_per_year, '480.00'); // 12 × 40.00
  assert.equal(s.per_year_by_payer['shenzhen-homecare.lottery_fund'], '6000.00'); // 12 × 500.00
  assert.equal(Policy.screen(household, '2022-09-01', policies, { where: '深圳' }).lines.length, 1);
  const e = thrown(() => Policy.screen({ members: [{ stage: 'primary', shoe_size: 30 }] }, '2022-09-01', policies));
  assert.ok(e instanceof HuiminError);
  assert.equal(e.kind, 'input');
  // The policies are still usable: the registry held copies.
  assert.equal(policies[0].evaluate(CAP, '2021-03-01').net_fee, '170.00');
  for (const p of policies) p.free();
});

// fixtures/reforms/chongqing-wanzhou-2020-cap150.yaml as JSON: a reform a page would build.
const CAP150 = {
  id: 'chongqing-wanzhou-2020-cap150',
  base: 'chongqing-wanzhou-2020',
  name: { zh: '万州区课后服务收费调整（示例方案）', en: 'Wanzhou after-school fee reform (example draft)' },
  description: {
    zh: '每生每月收费上限由170元降为150元，残疾儿童免收服务费。示例方案，并非正式文件。',
    en: 'The monthly cap falls from 170 to 150 yuan and disabled children pay nothing. An example draft, not an issued document.',
  },
  sources: { draft: { title: '万州区课后服务收费调整方案（示例草案）', issuer: '示例（非正式文件）' } },
  clauses: {
    cap150: { source: 'draft', clause: '一', text: '每生每月收费不超过150元。', en: 'At most 150 yuan per student per month.' },
    disabled_waiver: { source: 'draft', clause: '二', text: '残疾儿童免收课后服务费。', en: 'Disabled children pay no after-school service fee.' },
  },
  parameters: { monthly_cap: { value: 150, cite: 'cap150' } },
  rules: {
    reductions: [{
      id: 'disabled_waiver',
      label: { zh: '残疾儿童免收', en: 'Waiver for disabled children' },
      when: 'has(disabled)',
      waive: true,
      cite: 'disabled_waiver',
    }],
  },
};

test('a reform is data: the same answers and the same diff as in Rust and Python', () => {
  const reform = wz().reform(JSON.stringify(CAP150, null, 2), 'cap150.json');
  assert.equal(reform.id, 'chongqing-wanzhou-2020-cap150');
  // 60 × 3.00 = 180.00: 170.00 under the plan, 150.00 under the reform; a disabled child pays nothing.
  assert.equal(wz().evaluate(CAP, '2021-03-01').net_fee, '170.00');
  assert.equal(reform.evaluate(CAP, '2021-03-01').net_fee, '150.00');
  assert.equal(reform.evaluate({ ...CAP, tags: ['disabled'] }, '2021-03-01').net_fee, '0.00');
  // The receipts tell the two apart, and name the same rules the same way every time.
  const [a, b, c] = [wz().evaluate(CAP, '2021-03-01'), wz().evaluate(CAP, '2021-03-01'), reform.evaluate(CAP, '2021-03-01')];
  assert.equal(a.fingerprint, b.fingerprint);
  assert.notEqual(a.fingerprint, c.fingerprint);
  const d = wz().diff(reform);
  const changed = Object.fromEntries(d.changes.map((c) => [`${c.section}.${c.id}`, c.change]));
  assert.equal(changed['parameters.monthly_cap'], 'changed');
  assert.equal(changed['reductions.disabled_waiver'], 'added');
  assert.match(d.clauses.fee, /170元/);
  // The reform file applied by `huimin compile` (its YAML, fixtures/reforms/) is the same policy:
  // the same receipt, the same diff.
  const compiled = Policy.fromJson(packJson('reforms/chongqing-wanzhou-2020-cap150.yaml'), 'cap150.json');
  assert.deepEqual(compiled.evaluate(CAP, '2021-03-01'), c);
  assert.deepEqual(wz().diff(compiled), d);
  // An object of the reform's shape.
  const what = wz().reform({ id: 'wif', base: 'chongqing-wanzhou-2020', name: { zh: '试', en: 'Try' }, parameters: { monthly_cap: { value: '160' } } });
  assert.equal(what.evaluate(CAP, '2021-03-01').net_fee, '160.00');
});

test('a reform that does not apply is refused, naming the reform', () => {
  // A JSON syntax error: its line and column in the reform's text.
  const bad = thrown(() => wz().reform('{\n  "id": "x",\n  "parameters": }', 'bad-reform.json'));
  assert.ok(bad instanceof HuiminError);
  assert.deepEqual([bad.kind, bad.code, bad.file, bad.line, bad.column], ['pack', 'json', 'bad-reform.json', 3, 17]);
  // A misspelt parameter.
  const e = thrown(() => wz().reform({ id: 'x', base: 'chongqing-wanzhou-2020', name: { zh: '试', en: 'Try' }, parameters: { monthly_kap: { value: 1 } } }, 'typo.json'));
  assert.ok(e instanceof HuiminError);
  assert.equal(e.kind, 'pack');
  assert.match(e.message, /typo\.json:.*no parameter `monthly_kap`/);
});

test('the default entry has loaded the module: init again is harmless, and takes an options object', async () => {
  const first = init();
  assert.equal(init({ wasm: new Uint8Array([0]) }), first, 'the later call is the first one, its wasm not read');
  await first;
  assert.equal(wz().evaluate(CAP, '2021-03-01').net_fee, '170.00');
  await assert.rejects(init(new Uint8Array([0])), { name: 'TypeError', message: /init\(\{ wasm: bytes \}\)/ });
});

test('Money adds and subtracts exactly, at the finer scale of the two', () => {
  assert.equal(Money.add('0.10', '0.20'), '0.30');
  assert.equal(Money.add('0.1', '0.20'), '0.30');
  assert.equal(Money.add('1', '0.05'), '1.05');
  assert.equal(Money.add('-1.5', '1.50'), '0.00');
  assert.equal(Money.subtract('1.00', '1.5'), '-0.50');
  assert.equal(Money.subtract('-0.01', '0.99'), '-1.00');
  assert.equal(Money.subtract('0.30', '0.30'), '0.00');
  // 2^53 + 1 has no JS number: 9007199254740993 + 0.01 would come out as 9007199254740992.
  assert.equal(Money.add('9007199254740993', '0.01'), '9007199254740993.01');
  assert.equal(['1.00', '2.50', '0.25'].reduce(Money.add, '0'), '3.75');
});

test('Money compares by value, not by text', () => {
  assert.equal(Money.compare('-1.5', '1.50'), -1);
  assert.equal(Money.compare('1.50', '-1.5'), 1);
  assert.equal(Money.compare('1.5', '1.50'), 0);
  assert.equal(Money.compare('10.00', '9.99'), 1);
  assert.equal(Money.equals('1.5', '1.50'), true);
  assert.equal(Money.equals('-0.00', '0'), true);
  assert.equal(Money.equals('1.5', '-1.5'), false);
  assert.deepEqual(['10.00', '9.5', '-2', '0.10'].sort(Money.compare), ['-2', '0.10', '9.5', '10.00']);
});

test('Money.format: zh 元 after, en ¥ before, thousands grouped, never rounded', () => {
  assert.equal(Money.format('170.00'), '170.00 元');
  assert.equal(Money.format('170.00', { locale: 'en' }), '¥170.00');
  assert.equal(Money.format('1234567.5', { locale: 'zh' }), '1,234,567.50 元');
  assert.equal(Money.format('1234567.5', { locale: 'en' }), '¥1,234,567.50');
  assert.equal(Money.format('-1234.5'), '-1,234.50 元');
  assert.equal(Money.format('-0.5', { locale: 'en' }), '-¥0.50');
  assert.equal(Money.format('7'), '7.00 元');
  assert.equal(Money.format('0.125', { locale: 'en' }), '¥0.125');
  assert.equal(Money.format('999.99', { locale: 'en' }), '¥999.99');
  assert.throws(() => Money.format('1.00', { locale: 'fr' }), { name: 'RangeError', message: /"zh" or "en", not "fr"/ });
});

test('Money refuses what is not a decimal amount, numbers included', () => {
  for (const bad of ['', '1.', '.5', '1e3', '1,000', ' 1', '1 ', '+1', '--1', '0x10', 'NaN', '１']) {
    const message = `huimin Money: expected a decimal string such as "170.00" or "-1.5", got ${JSON.stringify(bad)}`;
    assert.throws(() => Money.add(bad, '0'), { name: 'TypeError', message }, bad);
  }
  assert.throws(() => Money.add('0.1', 0.2), { name: 'TypeError', message: /, got 0\.2$/ });
  assert.throws(() => Money.equals(1n, '1'), { name: 'TypeError', message: /, got 1n$/ });
  assert.throws(() => Money.format(undefined), { name: 'TypeError', message: /, got undefined$/ });
});

test('Money on a decision: the reductions take the gross fee to the net fee', () => {
  const d = wz().evaluate({ stage: 'primary', grade: 6, class_hours: 40, tags: ['dibao'] }, '2021-03-01');
  assert.equal(Money.subtract(d.gross_fee, d.reduction_total), d.net_fee);
  assert.equal(Money.format(d.gross_fee), '120.00 元');
});

// The form's module (`huimin/form`): its own instance, loaded from the bytes.
const form = await import('../pkg/form.js');

test('huimin/form: not loaded until init, then the same answers and the same error class', async () => {
  const early = thrown(() => form.Policy.fromJson(WANZHOU, 'chongqing-wanzhou-2020.json'));
  assert.ok(early instanceof HuiminError);
  assert.deepEqual([early.kind, early.code], ['init', 'not_initialized']);
  assert.match(early.message, /huimin\/form/);
  await form.init({ wasm: readFileSync(new URL('../pkg/form/huimin_wasm_bg.wasm', import.meta.url)) });
  assert.equal(form.version(), version());
  assert.equal(form.HuiminError, HuiminError);
  assert.equal(form.Money, Money);
  const p = form.Policy.fromJson(WANZHOU, 'chongqing-wanzhou-2020.json');
  // 60 hours at 3 yuan is 180, capped at 170 a month; dual-worker families get no reduction.
  const d = p.evaluate(CAP, '2021-03-01');
  assert.deepEqual([d.gross_fee, d.net_fee], ['170.00', '170.00']);
  assert.deepEqual(d, wz().evaluate(CAP, '2021-03-01'));
  assert.deepEqual(p.inputSchema(), wz().inputSchema());
  assert.deepEqual(p.info(), wz().info());
  assert.deepEqual(p.validate({ ...CAP, class_hours: -1 }).map((e) => [e.path, e.code]), [['class_hours', 'out_of_range']]);
  const bad = thrown(() => p.evaluate({ ...CAP, class_hours: -1 }, '2021-03-01'));
  assert.ok(bad instanceof HuiminError);
  assert.deepEqual([bad.kind, bad.path], ['input', 'class_hours']);
  p.free();
});

test('huimin/form: what the form module lacks throws HuiminError not_in_module, in zh and en', () => {
  const p = form.Policy.fromJson(WANZHOU, 'chongqing-wanzhou-2020.json');
  for (const [name, f] of [
    ['whatWouldChange', () => p.whatWouldChange(CAP, '2021-03-01')],
    ['evaluatePartial', () => p.evaluatePartial({ stage: 'primary' }, '2021-03-01')],
    ['reform', () => p.reform('{}')],
    ['diff', () => p.diff(p)],
    ['Policy.screen', () => form.Policy.screen({ members: [CAP] }, '2021-03-01', [p])],
  ]) {
    const e = thrown(f);
    assert.ok(e instanceof HuiminError, name);
    assert.deepEqual([e.kind, e.code], ['init', 'not_in_module'], name);
    assert.match(e.detail.message.zh, new RegExp(`^${name} 不在表单模块`), name);
    assert.match(e.detail.message.en, new RegExp(`^${name} is not in the form's module`), name);
  }
  p.free();
});

test("huimin/form reads only packs `huimin compile` checked: no stamp, other rules or values given here are refused", () => {
  // Without the stamp: the form's module has no lints to run; the whole module lints it itself.
  const bare = packObject('chongqing-wanzhou-2020');
  delete bare.checked;
  const e = thrown(() => form.Policy.fromJson(bare, 'wz.json'));
  assert.ok(e instanceof HuiminError);
  assert.deepEqual([e.kind, e.code, e.file], ['pack', 'unchecked', 'wz.json']);
  assert.match(e.message, /reads only packs checked by `huimin compile`/);
  assert.match(e.hint, /^`huimin compile <pack\.yaml> \[--values <values\.yaml>\] -o <pack\.json>`/);
  Policy.fromJson(bare, 'wz.json').free();
  // The monthly cap changed after the check (170 to 150): the stamp is of other rules.
  const changed = packObject('chongqing-wanzhou-2020');
  changed.parameters.monthly_cap.values[0].value = '150';
  const s = thrown(() => form.Policy.fromJson(changed, 'wz.json'));
  assert.deepEqual([s.kind, s.code], ['pack', 'stale_check']);
  assert.match(s.message, /rules are not the ones `huimin compile` checked/);
  const linted = Policy.fromJson(changed, 'wz.json');
  assert.deepEqual(linted.info().warnings.map((w) => w.code), ['stale_check']);
  // 60 hours at 3 yuan is 180, capped at the changed 150.
  assert.equal(linted.evaluate(CAP, '2021-03-01').net_fee, '150.00');
  linted.free();
  // Values given at load change the rules the stamp was made of: `huimin compile --values`.
  const v = thrown(() => form.Policy.fromJson(packJson('wuhu-opinion-2021'), 'wuhu.json', WUHU_VALUES, 'wuhu.values.json'));
  assert.deepEqual([v.kind, v.code], ['pack', 'stale_check']);
  const withValues = form.Policy.fromJson(packJson('wuhu-opinion-2021', 'wuhu-opinion-2021.example.yaml'), 'wuhu.json');
  assert.equal(withValues.evaluate({ stage: 'primary', remote: true, approved_rate: '400' }, '2021-10-01').net_fee, '300.00');
  withValues.free();
});

test("huimin/form: the lints' warnings are the stamp's, the same as the whole module finds", () => {
  const text = packJson('nanjing-2021');
  const a = form.Policy.fromJson(text, 'nanjing-2021.json');
  const b = Policy.fromJson(text, 'nanjing-2021.json');
  // One value of `semesters_per_year` cites no clause.
  assert.deepEqual(a.info().warnings.map((w) => [w.code, w.severity]), [['no_citation', 'warning']]);
  assert.deepEqual(a.info().warnings, b.info().warnings);
  a.free();
  b.free();
  // Weifang's two parameters without a value at the start are the compiler's warnings, in both.
  const weifang = packJson('weifang-summer-2021');
  const c = form.Policy.fromJson(weifang, 'weifang.json');
  const w = Policy.fromJson(weifang, 'weifang.json');
  assert.deepEqual(c.info().warnings.map((x) => x.code), ['gap', 'gap']);
  assert.deepEqual(c.info().warnings, w.info().warnings);
  c.free();
  w.free();
});

test("a policy of the form's module is not the whole module's: screen and diff say so", () => {
  const p = form.Policy.fromJson(WANZHOU, 'chongqing-wanzhou-2020.json');
  const q = wz();
  assert.throws(() => Policy.screen({ members: [CAP] }, '2021-03-01', [q, p]), {
    name: 'TypeError',
    message: 'Policy.screen: every policy must be a Policy of huimin/init',
  });
  assert.throws(() => q.diff(p), { name: 'TypeError', message: 'diff(other): other must be a Policy of huimin/init' });
  p.free();
  q.free();
});
