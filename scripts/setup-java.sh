#!/usr/bin/env bash
# scripts/setup-java.sh - a Java runtime for the Spark test (PySpark drives Spark's JVM):
# Debian's headless JRE 17, installed only when no Java 17 or later is on PATH. Idempotent:
# a re-run with Java present prints its version and changes nothing.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
note() { echo "setup-java: $*" >&2; }

if command -v java >/dev/null 2>&1 &&
  java -version 2>&1 | head -1 | grep -qE 'version "(1[7-9]|[2-9][0-9])'; then
  note "$(java -version 2>&1 | head -1)"
  exit 0
fi

SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
LOG="$(mktemp "${TMPDIR:-/tmp}/setup-java.XXXXXX")"
trap 'rm -f "$LOG"' EXIT
note "apt-get install openjdk-17-jre-headless"
if ! { $SUDO apt-get update -qq && $SUDO apt-get install -y -qq --no-install-recommends openjdk-17-jre-headless; } >"$LOG" 2>&1; then
  cat "$LOG" >&2
  note "ERROR: could not install openjdk-17-jre-headless"
  exit 1
fi
note "$(java -version 2>&1 | head -1)"
