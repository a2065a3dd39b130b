#!/usr/bin/env bash
# scripts/test-wasm.sh - test the browser binding end to end:
#   1. scripts/setup-wasm.sh        (idempotent toolchain install)
#   2. scripts/build-wasm.sh        (npm package in bindings/wasm/pkg, demo assets; sizes)
#   3. tsc --noEmit                 (the package's .d.ts and a TS usage file)
#   4. node --test                  (every fixtures/cases case through WASM; the JS API)
#   5. node --test, Chromium        (the demo form via playwright-core; screenshots and the
#                                    in-page timing in test-output/wasm/)
# Exits non-zero on any failure; prints node's test summary lines.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BIN="$REPO/.tools/wasm-node/node_modules/.bin"
TESTS="$REPO/bindings/wasm/tests"
OUT="$REPO/test-output/wasm"
export WASM_TOOLS_DIR="$REPO/.tools/wasm-node"
export HUIMIN_TEST_OUTPUT="$OUT"

section() { echo; echo "==> $*"; }
SUMMARY=()

section "setup (scripts/setup-wasm.sh)"
"$REPO/scripts/setup-wasm.sh"

# Headless Chromium draws Chinese as boxes without a CJK font; the tests read the DOM and do
# not need one, but the screenshots do. Best effort, never fatal.
if command -v fc-list >/dev/null && [ -z "$(fc-list :lang=zh 2>/dev/null)" ]; then
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  echo "test-wasm: no CJK font; installing fonts-wqy-microhei for readable screenshots"
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends fonts-wqy-microhei >/dev/null 2>&1 \
    || echo "test-wasm: (could not install a CJK font; screenshots will show boxes for Chinese)"
fi

section "build (scripts/build-wasm.sh)"
"$REPO/scripts/build-wasm.sh"

section "size budget (each .wasm, gzip -9)"
# The issue's goal is 250 KB. The form's module, which a page loads first (no YAML reader, no
# lints: it reads packs `huimin compile` checked), is ~247 KB and must stay under 250 000 B. The
# whole module (no YAML reader) is ~422 KB; its budget holds today's size with a little room, so
# that growth is a decision, not an accident. What each of its parts costs, gzipped, and why
# 250 KB is out of reach while it keeps them: benches/RESULTS.md, "what each part of the whole
# module costs".
budget() { # budget NAME FILE BYTES
  local gz
  gz="$(gzip -9c "$2" | wc -c)"
  echo "$1: $gz bytes gzipped; budget $3"
  if [ "$gz" -gt "$3" ]; then
    echo "test-wasm: $1 is over its size budget ($gz > $3 bytes gzipped)"
    exit 1
  fi
  SUMMARY+=("size of $1: $gz bytes gzipped (budget $3)")
}
budget huimin_wasm_bg.wasm "$REPO/bindings/wasm/pkg/huimin_wasm_bg.wasm" "${HUIMIN_WASM_BUDGET_GZ:-424000}"
budget form/huimin_wasm_bg.wasm "$REPO/bindings/wasm/pkg/form/huimin_wasm_bg.wasm" "${HUIMIN_WASM_FORM_BUDGET_GZ:-250000}"

section "tsc --noEmit (bindings/wasm/pkg/index.d.ts + tests/usage.ts)"
"$BIN/tsc" --version
"$BIN/tsc" -p "$TESTS/tsconfig.json"
echo "tsc: ok"
SUMMARY+=("tsc --noEmit: ok")

mkdir -p "$OUT"
# node --test, keeping the TAP in test-output and echoing the failures and summary lines.
run_node_tests() { # label file...
  local label="$1"; shift
  local log="$OUT/$label.tap" rc=0
  (cd "$REPO" && node --test --test-reporter=tap "$@") >"$log" 2>&1 || rc=$?
  grep -E '^not ok|^# (browser|tests|pass|fail|cancelled|skipped|todo|duration_ms)' "$log" || true
  if [ "$rc" != 0 ]; then
    echo "---- $label failed (rc $rc); full output in ${log#"$REPO/"}:"
    grep -B2 -A30 '^not ok' "$log" | head -150 || tail -50 "$log"
  fi
  SUMMARY+=("$label: $(grep -E '^# pass' "$log" | awk '{print $3}') passed, $(grep -E '^# fail' "$log" | awk '{print $3}') failed")
  return "$rc"
}

FAILED=0
section "node --test: conformance cases and the JS API"
run_node_tests node "$TESTS/conformance.test.mjs" "$TESTS/api.test.mjs" "$TESTS/ffi.test.mjs" "$TESTS/whatif.test.mjs" \
  "$TESTS/bundle.test.mjs" || FAILED=1

section "node --test: the demo in headless Chromium (playwright-core)"
run_node_tests chromium "$TESTS/demo.browser.test.mjs" || FAILED=1
[ -f "$OUT/browser-timing.txt" ] && cat "$OUT/browser-timing.txt"
ls "$OUT"/*.png 2>/dev/null | sed "s|^$REPO/|screenshot: |" || true

section "summary"
printf '%s\n' "${SUMMARY[@]}"
if [ "$FAILED" != 0 ]; then echo "test-wasm: FAILED"; exit 1; fi
echo "test-wasm: all passed"
