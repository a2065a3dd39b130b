// Every conformance case in fixtures/cases/ through the WASM build (bindings/wasm/pkg), in
// both of its modules (the whole one, `huimin`, and the form's, `huimin/form`), with the same
// matching rule as the Rust suite (crates/huimin-core/tests/conformance.rs): every field
// compared to the fen. HUIMIN_CASES=<prefix> runs only the packs whose id starts with it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import * as whole from '../pkg/index.js';
import * as form from '../pkg/form.js';
import { matches, inexactNumbers } from './match.mjs';
import { fixtures, packFile, packJson } from './packs.mjs';

await form.init({ wasm: readFileSync(new URL('../pkg/form/huimin_wasm_bg.wasm', import.meta.url)) });
const { HuiminError } = whole;

const only = process.env.HUIMIN_CASES || '';

// The pack as the JSON `huimin compile` writes of it (the package reads JSON only), with the
// values file of a deployment (fixtures/values/) applied when given.
function load({ Policy }, path, values) {
  return Policy.fromJson(packJson(path, values), basename(path).replace(/\.(ya?ml|json)$/, '.json'));
}

const dirs = readdirSync(join(fixtures, 'cases'))
  .filter((d) => d.startsWith(only) && statSync(join(fixtures, 'cases', d)).isDirectory())
  .sort();

test('there are conformance cases', () => {
  const n = dirs.reduce((a, d) => a + readdirSync(join(fixtures, 'cases', d)).filter((f) => f.endsWith('.json')).length, 0);
  assert.ok(n > 0, 'no cases found');
});

for (const [entry, api] of [['huimin', whole], ['huimin/form', form]]) {
  for (const id of dirs) {
    const path = packFile(id);
    let policy = null;
    let loadError = null;
    if (path) {
      try {
        policy = load(api, path);
      } catch (e) {
        loadError = e;
      }
    }
    const withValues = {};
    const files = readdirSync(join(fixtures, 'cases', id)).filter((f) => f.endsWith('.json')).sort();
    for (const file of files) {
      test(`${entry}: ${id}/${file}`, () => {
        assert.ok(path, `cases for \`${id}\` but no pack fixtures/policies/${id}.yaml`);
        if (loadError) throw loadError;
        const raw = readFileSync(join(fixtures, 'cases', id, file), 'utf8');
        const c = JSON.parse(raw);
        assert.ok(typeof c.note === 'string' && c.note.length > 0, 'every case needs a `note` with the arithmetic');
        assert.deepEqual(inexactNumbers(raw), [], 'number literals JavaScript cannot carry exactly (write them as strings)');
        const hasExpected = Object.hasOwn(c, 'expected');
        const hasError = Object.hasOwn(c, 'expected_error');
        assert.ok(hasExpected !== hasError, 'a case needs exactly one of `expected` and `expected_error`');
        let decision = null;
        let error = null;
        // A case may name the values file of a deployment (fixtures/values/) the pack needs.
        const compiled = c.values ? (withValues[c.values] ??= load(api, path, c.values)) : policy;
        try {
          decision = compiled.evaluate(c.participant, c.as_of);
        } catch (e) {
          if (!(e instanceof HuiminError)) throw e;
          error = e;
        }
        let diffs;
        if (decision && hasExpected) diffs = matches(c.expected, decision);
        else if (error && hasError) diffs = matches(c.expected_error, JSON.parse(JSON.stringify(error)));
        else if (decision) diffs = [`expected an error, got net fee ${decision.net_fee} subsidy ${decision.subsidy_total}`];
        else diffs = [`unexpected error: ${error.message}`];
        assert.deepEqual(diffs, [], `${id}/${file}:\n  ${diffs.join('\n  ')}`);
      });
    }
  }
}
