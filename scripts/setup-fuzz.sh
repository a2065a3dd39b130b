#!/usr/bin/env bash
# cargo-fuzz for the fuzz smoke: installed from crates.io (pinned, --locked) only when
# `cargo fuzz` is missing or another version. Idempotent; a re-run takes a moment.
set -euo pipefail
want="0.13.2"
if cargo fuzz --version 2>/dev/null | grep -q "cargo-fuzz ${want}"; then
  exit 0
fi
echo "setup-fuzz: cargo install cargo-fuzz ${want}"
cargo install cargo-fuzz --version "${want}" --locked --quiet
