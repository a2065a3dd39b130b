#!/usr/bin/env bash
# Create <repo>/.venv (if missing) and install the pinned Python test
# requirements from bindings/python/requirements-dev.txt into it.
#
# Idempotent: pip is skipped when .venv/.requirements-dev.sha256 holds the
# hash of the current requirements file (and of this script), so a re-run
# takes about a second. Set FORCE=1 to reinstall anyway, PYTHON=... to pick
# the interpreter used to create the venv (default: python3).
set -euo pipefail

script_dir="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(cd -- "${script_dir}/.." && pwd)"
venv="${repo_root}/.venv"
req="${repo_root}/bindings/python/requirements-dev.txt"
stamp="${venv}/.requirements-dev.sha256"
python="${PYTHON:-python3}"

if [[ ! -f "${req}" ]]; then
    echo "setup-python: missing ${req}" >&2
    exit 1
fi

# A venv is usable only if its interpreter runs (a copied/moved venv is not).
if [[ ! -x "${venv}/bin/python" ]] || ! "${venv}/bin/python" -c 'import sys' >/dev/null 2>&1; then
    echo "setup-python: creating ${venv}"
    rm -rf "${venv}"
    "${python}" -m venv "${venv}"
    rm -f "${stamp}"
fi

want="$(cat "${req}" "${BASH_SOURCE[0]}" | sha256sum | cut -d' ' -f1)"
have="$(cat "${stamp}" 2>/dev/null || true)"

if [[ "${FORCE:-0}" != "1" && "${want}" == "${have}" ]]; then
    echo "setup-python: ${venv} is up to date"
    exit 0
fi

export PIP_DISABLE_PIP_VERSION_CHECK=1
"${venv}/bin/python" -m pip install --quiet "pip==26.3"
"${venv}/bin/python" -m pip install --quiet -r "${req}"
"${venv}/bin/python" -m pip check
echo "${want}" > "${stamp}"
echo "setup-python: installed ${req} into ${venv}"
