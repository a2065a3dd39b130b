#!/usr/bin/env bash
# A short load-and-faults run of the real `huimin serve` (issue 22; the long one is
# benches/serve.sh): 2 s at 1 and at 8 clients on loopback while the pack is rewritten every
# second, valid and broken versions alternating. Fails if any answer's receipt or amount is not
# that of a valid version, or the server does not stop cleanly on SIGTERM.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
cargo build --quiet -p huimin-cli -p huimin-benches --bin huimin --bin serve-load
target/debug/serve-load target/debug/huimin 2 1,8
