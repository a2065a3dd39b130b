#!/usr/bin/env bash
# Differential test: huimin's CLI against the independent Python `decimal` reference in
# tests/differential/ (one reference per seed pack, tests/differential/programs/), to the fen.
#   scripts/test-differential.sh            # 20 000 random participants per pack
#   scripts/test-differential.sh 1000000    # the long run: 1 000 000 per pack
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
n="${1:-20000}"
python=.venv/bin/python
[ -x "$python" ] || python=python3
cargo build --quiet --release -p huimin-cli
"$python" tests/differential/run.py --n "$n" "${@:2}"
