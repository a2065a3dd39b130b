#!/usr/bin/env bash
# Every test of the project, each suite after its own idempotent set-up. Exits non-zero if
# any suite fails; prints a summary of which passed.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# A clean clone gains nothing from incremental compilation; it only costs disk.
export CARGO_INCREMENTAL=0
free_gb() { df -Pk . | awk 'NR == 2 { printf "%.1f", $4 / 1048576 }'; }
free_at_start=$(free_gb)

declare -a results=()
failed=0
suite() { # suite NAME CMD...
  local name="$1"; shift
  local t0=$SECONDS
  echo "==> $name"
  if "$@"; then
    results+=("ok    $name ($((SECONDS - t0)) s)")
  else
    results+=("FAIL  $name ($((SECONDS - t0)) s)")
    failed=1
  fi
}

suite "cargo fmt --check" cargo fmt --all -- --check
suite "cargo clippy" cargo clippy --workspace --all-targets --quiet -- -D warnings
suite "cargo test" cargo test --workspace --quiet
suite "huimin serve under load and faults (short)" bash scripts/test-serve.sh
[ -x scripts/test-python.sh ] && suite "python" bash scripts/test-python.sh
suite "bench smoke (ratio to the exact Python loop)" bash scripts/bench-smoke.sh
suite "differential (20 000 per pack)" bash scripts/test-differential.sh
suite "fuzz smoke (every target, fixed runs)" bash scripts/test-fuzz.sh
[ -x scripts/test-wasm.sh ] && suite "wasm (node + chromium)" bash scripts/test-wasm.sh

echo
echo "---- summary"
printf '%s\n' "${results[@]}"
echo "disk: ${free_at_start} GB free at the start, $(free_gb) GB at the end"
exit "$failed"
