#!/usr/bin/env bash
# Load and faults against the real `huimin serve` (issue 22): release builds of huimin and of
# benches/src/bin/serve-load.rs, then evaluate requests at 1, 4, 16 and 64 clients for
# SECONDS each (default 5) on loopback while the pack is rewritten every second (valid and
# broken versions alternating). Exit 1 if any answer's receipt or amount is wrong.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
cargo build --quiet --release -p huimin-cli
cargo build --quiet --release -p huimin-benches --bin serve-load
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
target/release/serve-load target/release/huimin "${1:-5}" "${2:-1,4,16,64}"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
