// What would change (issue 20) through the WASM build: every case of fixtures/whatif/ gives, to
// the letter, the answer the Rust suite checked by hand (fixtures/whatif/answers/), and bad
// requests throw the same error codes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Policy, HuiminError } from '../pkg/index.js';

const fixtures = fileURLToPath(new URL('../../../fixtures/', import.meta.url));

function load(id, values) {
  const path = join(fixtures, 'policies', `${id}.yaml`);
  const text = readFileSync(path, 'utf8');
  if (values) {
    const v = join(fixtures, 'values', values);
    return Policy.fromYaml(text, path, readFileSync(v, 'utf8'), v);
  }
  return Policy.fromYaml(text, path);
}

const files = readdirSync(join(fixtures, 'whatif')).filter((f) => f.endsWith('.json')).sort();

test('there are what-if cases', () => assert.ok(files.length > 0));

for (const file of files) {
  const spec = JSON.parse(readFileSync(join(fixtures, 'whatif', file), 'utf8'));
  const answers = JSON.parse(readFileSync(join(fixtures, 'whatif', 'answers', `${spec.pack}.json`), 'utf8'));
  const policy = load(spec.pack, spec.values);
  for (const c of spec.cases) {
    test(`${spec.pack}/${c.id}`, () => {
      const got = c.what_if !== undefined
        ? policy.whatWouldChange(c.participant, c.as_of, c.what_if, c.max_changes === undefined ? {} : { maxChanges: c.max_changes })
        : policy.evaluatePartial(c.participant, c.as_of, c.partial);
      assert.deepEqual(got, answers[c.id]);
    });
  }
}

test('bad what-if requests throw input errors with the core codes', () => {
  const policy = load('chongqing-wanzhou-2020');
  const kid = { stage: 'primary', grade: 3, class_hours: 60 };
  const code = (f) => {
    try {
      f();
    } catch (e) {
      assert.ok(e instanceof HuiminError);
      assert.equal(e.kind, 'input');
      return [e.errors[0].path, e.errors[0].code];
    }
    assert.fail('no error');
  };
  assert.deepEqual(code(() => policy.whatWouldChange(kid, '2021-03-01', 'pay_mor')), ['goal', 'unknown_goal']);
  assert.deepEqual(code(() => policy.whatWouldChange(kid, '2021-03-01', 'pay_less', { maxChanges: 9 }))[0], 'max_changes');
  assert.deepEqual(code(() => policy.evaluatePartial(kid, '2021-03-01', ['nonsense'])), ['unknown[0]', 'unknown_field']);
});
