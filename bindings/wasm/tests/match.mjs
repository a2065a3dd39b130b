// The conformance matching rule, as in crates/huimin-core/tests/conformance.rs and
// fixtures/README.md: every key of an expected object must match the same key of the actual
// object (other keys are ignored), arrays match item by item with equal lengths, and other
// values must be equal.
export function matches(expected, actual, path = '', diffs = []) {
  const isObj = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
  if (isObj(expected) && isObj(actual)) {
    for (const [k, ev] of Object.entries(expected)) {
      if (Object.hasOwn(actual, k)) matches(ev, actual[k], `${path}.${k}`, diffs);
      else diffs.push(`${path}.${k}: missing in the result`);
    }
  } else if (Array.isArray(expected) && Array.isArray(actual)) {
    if (expected.length !== actual.length) {
      diffs.push(`${path}: expected ${expected.length} items, got ${actual.length}: ${JSON.stringify(actual)}`);
    } else {
      expected.forEach((ev, i) => matches(ev, actual[i], `${path}[${i}]`, diffs));
    }
  } else if (!sameScalar(expected, actual)) {
    diffs.push(`${path}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
  }
  return diffs;
}

function sameScalar(e, a) {
  if (e === null || a === null || typeof e !== 'object' || typeof a !== 'object') return e === a;
  return JSON.stringify(e) === JSON.stringify(a); // object vs array, or array vs object: unequal
}

// JS numbers carry about 15–17 significant digits; a case whose participant has a longer
// number literal could not reach the engine exactly from JavaScript. Returns such literals.
export function inexactNumbers(jsonText) {
  const out = [];
  const re = /"(?:[^"\\]|\\.)*"|(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)/g;
  for (const m of jsonText.matchAll(re)) {
    if (m[1] === undefined) continue;
    const mantissa = m[1].replace(/^-/, '').replace(/[eE].*$/, '').replace('.', '').replace(/^0+/, '').replace(/0+$/, '');
    if (mantissa.length > 15) out.push(m[1]);
  }
  return out;
}
