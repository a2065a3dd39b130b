#!/usr/bin/env bash
# The fuzz smoke: every libFuzzer target of fuzz/ for a fixed number of executions with a
# fixed seed, over the corpora seeded from fixtures/ plus fuzz/seeds/. Fails on any crash,
# panic or timeout, printing the reproducer's path (fuzz/artifacts/<target>/).
#   scripts/test-fuzz.sh                 # the smoke (./run test runs it)
#   scripts/test-fuzz.sh long [SECONDS] [TARGET...]
#                                        # the long run: SECONDS per target (default 600)
# cargo-fuzz needs nightly flags; the machine has one stable toolchain, so the build runs
# with RUSTC_BOOTSTRAP=1. Built without a sanitizer: huimin forbids unsafe code, so the
# targets look for panics, hangs and wrong sums (see fuzz/README.md).
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/setup-fuzz.sh || exit 1
cd fuzz
export RUSTC_BOOTSTRAP=1
mode="${1:-smoke}"
secs="${2:-600}"
targets=(pack_yaml pack_json expr participant eval files arith)
[ $# -gt 2 ] && targets=("${@:3}")
# Executions per target in the smoke: a few seconds each.
declare -A runs=([pack_yaml]=3000 [pack_json]=3000 [expr]=3000 [participant]=3000 [eval]=2000 [files]=5000 [arith]=800)
t0=$SECONDS
cargo run --quiet --release --example seed || exit 1
cargo fuzz build -O -a -s none || exit 1
echo "test-fuzz: built in $((SECONDS - t0)) s"
bin=target/x86_64-unknown-linux-gnu/release
status=0
for t in "${targets[@]}"; do
  mkdir -p "corpus/$t" "artifacts/$t"
  seeds=()
  [ -d "seeds/$t" ] && seeds=("seeds/$t")
  if [ "$mode" = long ]; then
    limit=(-max_total_time="$secs")
  else
    limit=(-runs="${runs[$t]}" -seed=1)
  fi
  s=$SECONDS
  if "$bin/$t" "corpus/$t" "${seeds[@]}" "${limit[@]}" -timeout=10 -rss_limit_mb=2048 \
      -artifact_prefix="artifacts/$t/" -print_final_stats=1 >"artifacts/$t.log" 2>&1; then
    echo "ok    $t: $(grep -o 'stat::number_of_executed_units: *[0-9]*' "artifacts/$t.log" | grep -o '[0-9]*$') runs in $((SECONDS - s)) s"
  else
    status=1
    echo "FAIL  $t (log: fuzz/artifacts/$t.log)"
    grep -E "panicked|SUMMARY|Test unit written" -A3 "artifacts/$t.log" | head -20
  fi
done
exit "$status"
