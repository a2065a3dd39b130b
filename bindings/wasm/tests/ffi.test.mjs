// The shared fixture of bad inputs (fixtures/ffi/bad-inputs.json): each gives exactly the stated
// input error through the WASM binding — the same code, path and zh/en message as in Rust and
// Python.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Policy, HuiminError } from '../pkg/index.js';
import { fixtures, packJson } from './packs.mjs';

const { cases } = JSON.parse(readFileSync(join(fixtures, 'ffi', 'bad-inputs.json'), 'utf8'));
const policies = new Map();
// Each pack as the JSON `huimin compile` writes of it (the package reads JSON only).
const load = (id) => {
  if (!policies.has(id)) policies.set(id, Policy.fromJson(packJson(id), `${id}.json`));
  return policies.get(id);
};

test('the shared fixture has its cases', () => {
  assert.ok(cases.length >= 10);
});

for (const c of cases) {
  test(`bad input: ${c.name}`, () => {
    const policy = load(c.pack);
    let error;
    try {
      policy.evaluate(c.participant, c.as_of, { explain: false });
    } catch (e) {
      error = e;
    }
    assert.ok(error instanceof HuiminError, `expected a HuiminError, got ${error}`);
    assert.equal(error.kind, 'input');
    assert.deepEqual(error.errors, c.errors);
    assert.deepEqual(policy.validate(c.participant), c.errors.filter((e) => e.path !== 'as_of'));
  });
}
