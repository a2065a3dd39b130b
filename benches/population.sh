#!/usr/bin/env bash
# Population runs at size (issue 17's targets), one command:
#
#   bash benches/population.sh
#
# 1. Writes N (default 10 000 000) synthetic Wanzhou rows with a `district` column to
#    target/bench-data/wanzhou-<N>.parquet (once; `population-file`, in this crate).
# 2. Streams it through `huimin simulate` (release): the baseline alone, then the baseline and
#    the cap-150 reform by district, then the same writing every participant's results to
#    Parquet — each with its wall time and peak resident memory (/usr/bin/time), best of RUNS.
# 3. When .venv has the extension (scripts/test-python.sh builds it), 1 000 000 rows from
#    Python: one evaluate_frame against simulate with a reform (benches/population.py).
set -euo pipefail

REPO="$(git -C "$(dirname "${BASH_SOURCE[0]}")" rev-parse --show-toplevel)"
cd "$REPO"
N="${N:-10000000}"
RUNS="${RUNS:-2}"
PACK=fixtures/policies/chongqing-wanzhou-2020.yaml
REFORM=fixtures/reforms/chongqing-wanzhou-2020-cap150.yaml
DATA="target/bench-data/wanzhou-$N.parquet"

cargo build --release --quiet -p huimin-cli --bin huimin
cargo build --release --quiet -p huimin-benches --bin population-file
mkdir -p target/bench-data
[ -f "$DATA" ] || target/release/population-file "$PACK" "$N" "$DATA" >/dev/null 2>&1
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores; $N rows, $(du -m "$DATA" | cut -f1) MB of Parquet"

measure() {
  local label="$1"; shift
  local best=""
  for _ in $(seq "$RUNS"); do
    local line
    line="$( { /usr/bin/time -f '%e %M' target/release/huimin simulate "$PACK" --population "$DATA" --as-of 2021-03-01 --format json "$@" >/dev/null; } 2>&1 | tail -1)"
    if [ -z "$best" ] || awk -v a="${line%% *}" -v b="${best%% *}" 'BEGIN{exit !(a<b)}'; then best="$line"; fi
  done
  local secs="${best%% *}" kb="${best##* }"
  awk -v l="$label" -v s="$secs" -v k="$kb" -v n="$N" \
    'BEGIN{printf "%-40s %6.2f s  %5.2f M rows/s  peak RSS %4.0f MB\n", l, s, n/s/1e6, k/1024}'
}

measure "baseline alone" --extra ignore
measure "baseline + reform, by district" --reform "$REFORM" --by district
measure "  + every participant's results out" --reform "$REFORM" --by district --keep district --out target/bench-data/rows.parquet
rm -f target/bench-data/rows.parquet

if [ -x .venv/bin/python ] && .venv/bin/python -c "import huimin" 2>/dev/null; then
  N=1000000 .venv/bin/python benches/population.py 1000000
else
  echo "(Python part skipped: run scripts/test-python.sh first to build the extension into .venv)"
fi
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
