// What would change (issue 20) through the WASM build: every case of fixtures/whatif/ gives, to
// the letter, the answer the Rust suite checked by hand (fixtures/whatif/answers/), and bad
// requests throw the same error codes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Policy, HuiminError } from '../pkg/index.js';
import { fixtures, packJson } from './packs.mjs';

// The pack as the JSON `huimin compile` writes of it (the package reads JSON only), with the
// values file of a deployment (fixtures/values/) applied when given.
function load(id, values) {
  return Policy.fromJson(packJson(id, values), `${id}.json`);
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
