#!/usr/bin/env bash
# Test the Python binding (bindings/python), end to end:
#   1. scripts/setup-python.sh — <repo>/.venv with the pinned dev requirements (idempotent);
#   2. build the extension in release mode and install it into .venv (`maturin develop`;
#      cargo is incremental, so a warm re-run only relinks when Rust changed);
#   3. pytest bindings/python/tests — every case in fixtures/cases/ through the binding, frame
#      round-trips (pandas, polars, pyarrow), the 1 000 000-row run, simulate/plot,
#      examples/analyst.ipynb executed headless with nbclient (tests/test_notebook.py), and
#      pickling, a real local Spark (local[2], Java from scripts/setup-java.sh) and a real
#      local Ray over a generated registry (tests/test_distributed.py);
#   4. mypy.stubtest (the .pyi against the built module) and mypy --strict on the package.
# Exits non-zero on the first failure. Extra arguments go to pytest (e.g. -k conformance).
# HUIMIN_CASES=<pack-id prefix> limits the conformance cases, as for the Rust tests.
set -euo pipefail

script_dir="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(cd -- "${script_dir}/.." && pwd)"
venv="${repo_root}/.venv"
pkg="${repo_root}/bindings/python"

"${script_dir}/setup-python.sh"
"${script_dir}/setup-java.sh"

export VIRTUAL_ENV="${venv}"
export PATH="${venv}/bin:${PATH}"
export PIP_DISABLE_PIP_VERSION_CHECK=1
# Headless: matplotlib must not look for a display.
export MPLBACKEND=Agg

echo "test-python: building the extension (maturin develop --release)"
start=$(date +%s)
(cd "${pkg}" && maturin develop --release --quiet)
echo "test-python: built in $(( $(date +%s) - start )) s"

echo "test-python: pytest"
(cd "${pkg}" && python -m pytest -q -p no:cacheprovider "$@")

echo "test-python: mypy.stubtest"
# Run from target/ so that mypy's .mypy_cache stays out of the source tree.
scratch="${repo_root}/target/python-typecheck"
mkdir -p "${scratch}"
(cd "${scratch}" && python -m mypy.stubtest huimin --mypy-config-file "${pkg}/pyproject.toml")
(cd "${scratch}" && python -m mypy --config-file "${pkg}/pyproject.toml" -p huimin)

echo "test-python: all passed"
