#!/usr/bin/env bash
# Runs the fuzz targets (cargo-fuzz, libFuzzer) for SECONDS each, one after another:
#   fuzz/run.sh [SECONDS] [TARGET...]     (default: 30 s, every target)
# Needs a nightly toolchain and cargo-fuzz (`cargo install cargo-fuzz`). Corpora are seeded
# from fixtures/ into fuzz/corpus/ (not committed); crashes land in fuzz/artifacts/<target>/.
# Built without a sanitizer: huimin forbids unsafe code, so the targets look for panics,
# hangs and wrong sums, and run several times faster without AddressSanitizer.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
secs="${1:-30}"; shift || true
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(pack_yaml pack_json expr participant eval)
cargo +nightly run --quiet --release --example seed
cargo +nightly fuzz build -O -a -s none
bin=target/x86_64-unknown-linux-gnu/release
status=0
for t in "${targets[@]}"; do
  mkdir -p "corpus/$t" "artifacts/$t"
  seeds=()
  [ -d "seeds/$t" ] && seeds=("seeds/$t")
  echo "==> $t (${secs} s)"
  if ! "$bin/$t" "corpus/$t" "${seeds[@]}" -max_total_time="$secs" -timeout=10 \
      -rss_limit_mb=2048 -artifact_prefix="artifacts/$t/" -print_final_stats=1 2>"artifacts/$t.log"; then
    status=1
    grep -E "panicked|SUMMARY" -A3 "artifacts/$t.log" | head -20
  fi
  grep -E "stat::number_of_executed_units|Done" "artifacts/$t.log" || true
done
exit "$status"
