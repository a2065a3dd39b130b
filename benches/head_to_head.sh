#!/usr/bin/env bash
# huimin beside OpenFisca, GoRules ZEN and the exact Python reference, in the shared anchors
# harness (../shared/bench/anchors, relative to the repository root), on its canonical workload
# (fixtures/policies/bench-canonical.yaml). One command:
#
#   bash benches/head_to_head.sh
#
# Builds `huimin-anchors` (release), writes an extra engines file with two huimin rows —
# `huimin/batch` (all cores) and `huimin/batch-1core` (the same binary under `taskset -c 0`,
# so it sees one core) — and runs the harness's run_all.sh with it; the harness prints the table.
#
# Knobs (environment; the harness's own knobs pass through, see its README):
#   SIZES    population sizes            (default "100k 1m")
#   RUNS     runs per configuration      (default 3)
#   ENGINES  regex on labels             (default 'huimin|openfisca/arrays|zen/engine-loop';
#                                         the reference always runs)
#   ANCHORS_DIR  the harness folder      (default <repo>/../shared/bench/anchors)
set -euo pipefail

REPO="$(git -C "$(dirname "${BASH_SOURCE[0]}")" rev-parse --show-toplevel)"
ANCHORS_DIR="${ANCHORS_DIR:-$REPO/../shared/bench/anchors}"
ANCHORS_DIR="$(cd "$ANCHORS_DIR" && pwd)"
export SIZES="${SIZES:-100k 1m}"
export RUNS="${RUNS:-3}"
export ENGINES="${ENGINES:-huimin|openfisca/arrays|zen/engine-loop}"

echo "== building huimin-anchors (release)" >&2
cargo build --release --quiet --manifest-path "$REPO/Cargo.toml" -p huimin-benches --bin huimin-anchors
TARGET_DIR="$(cargo metadata --format-version 1 --no-deps --manifest-path "$REPO/Cargo.toml" \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')"
BIN="$TARGET_DIR/release/huimin-anchors"
PACK="$REPO/fixtures/policies/bench-canonical.yaml"

EXTRA="$(mktemp "${TMPDIR:-/tmp}/huimin-engines.XXXXXX.conf")"
trap 'rm -f "$EXTRA"' EXIT
{
  echo "# huimin rows, written by benches/head_to_head.sh"
  echo "huimin/batch       | 1m | - | $BIN --pack $PACK"
  if command -v taskset >/dev/null; then
    echo "huimin/batch-1core | 1m | - | taskset -c 0 $BIN --pack $PACK"
  fi
} > "$EXTRA"
echo "== extra engines ($EXTRA):" >&2
sed 's/^/   /' "$EXTRA" >&2
echo "== load average: $(cut -d' ' -f1-3 /proc/loadavg)" >&2

ANCHORS_EXTRA_ENGINES="$EXTRA" bash "$ANCHORS_DIR/run_all.sh"
echo "== load average after: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
