#!/usr/bin/env bash
# Benchmark smoke (not a timed test): benches/smoke.py — huimin's columnar engine against an
# exact pure-Python decimal loop on the canonical workload, in one process. Prints both
# throughputs and their ratio; fails only if huimin's totals are not exact or the ratio falls
# below a tenth of the one recorded in benches/smoke.json. Sets up .venv and the extension
# as scripts/test-python.sh does (idempotent; a warm re-run only relinks).
set -euo pipefail
script_dir="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(cd -- "${script_dir}/.." && pwd)"
"${script_dir}/setup-python.sh"
export VIRTUAL_ENV="${repo_root}/.venv"
export PATH="${VIRTUAL_ENV}/bin:${PATH}"
(cd "${repo_root}/bindings/python" && maturin develop --release --quiet)
python "${repo_root}/benches/smoke.py" "$@"
