#!/usr/bin/env bash
# scripts/setup-wasm.sh - install (idempotently) what huimin needs to build Rust for
# wasm32-unknown-unknown on Debian 12 and to test the result under Node and headless
# Chromium. Re-running when everything is present takes a second or two and prints only
# the tool versions.
#
# Why this route (rustup cannot fetch the wasm32 std here, and rustup's toolchains cannot
# build Debian's std sources): Debian's rustc-web + cargo-web + rust-web-src + rust-web-llvm
# (one source package, versions must match) build std from source with
# `RUSTC_BOOTSTRAP=1 ... -Z build-std`; see .cargo/wasm32-debian.toml for how to build.
#
# Installs:
#   apt   : rustc-web cargo-web rust-web-src rust-web-llvm chromium
#           lld-<LLVM major of /usr/bin/rustc>  (rust-web-llvm's /usr/bin/rust-lld points
#           at it but does not depend on it; it is the wasm32 linker)
#   cargo : wasm-bindgen-cli, exactly the `wasm-bindgen` version in Cargo.lock
#           (default below when there is no Cargo.lock / no wasm-bindgen in it yet)
#           -> ${CARGO_HOME:-~/.cargo}/bin/wasm-bindgen
#   npm   : binaryen (wasm-opt), playwright-core, typescript, esbuild (the bundling test),
#           axe-core (the accessibility test), pinned, into
#           $REPO/.tools/wasm-node (gitignored); binaries in .tools/wasm-node/node_modules/.bin
#           Not Debian's binaryen (108): it breaks wasm-bindgen's externref table.
#           playwright-core downloads no browser; use executablePath '/usr/bin/chromium'.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DEFAULT_WASM_BINDGEN_VERSION="0.2.130"
BINARYEN_VERSION="132.0.0"
PLAYWRIGHT_CORE_VERSION="1.65.1"
TYPESCRIPT_VERSION="5.9.3"
ESBUILD_VERSION="0.28.2"
AXE_CORE_VERSION="4.14.1"
NODE_TOOLS_DIR="$REPO/.tools/wasm-node"
CARGO_HOME="${CARGO_HOME:-$HOME/.cargo}"
export DEBIAN_FRONTEND=noninteractive

SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi

LOG="$(mktemp "${TMPDIR:-/tmp}/setup-wasm.XXXXXX")"
trap 'rm -f "$LOG"' EXIT
note() { echo "setup-wasm: $*" >&2; }
die() { echo "setup-wasm: ERROR: $*" >&2; exit 1; }
# run a noisy command with its output in $LOG; show the log only if it fails
quiet() {
  : >"$LOG"
  if ! "$@" >>"$LOG" 2>&1; then cat "$LOG" >&2; die "command failed: $*"; fi
}

for tool in node npm dpkg-query apt-get; do
  command -v "$tool" >/dev/null 2>&1 || die "$tool not found"
done

# ---------------------------------------------------------------- apt
pkg_installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }
APT_UPDATED=0
apt_install() { # apt_install pkg...   (installs only the missing ones)
  local missing=() p
  for p in "$@"; do pkg_installed "$p" || missing+=("$p"); done
  [ "${#missing[@]}" -eq 0 ] && return 0
  if [ "$APT_UPDATED" = 0 ]; then
    note "apt-get update"
    quiet $SUDO apt-get update -qq
    APT_UPDATED=1
  fi
  note "apt-get install ${missing[*]}"
  quiet $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

apt_install rustc-web cargo-web rust-web-src rust-web-llvm chromium
[ -x /usr/bin/rustc ] && [ -x /usr/bin/cargo ] || die "/usr/bin/rustc or /usr/bin/cargo missing after installing rustc-web/cargo-web"
V_RUSTC_WEB="$(dpkg-query -W -f='${Version}' rustc-web)"
V_RUST_WEB_SRC="$(dpkg-query -W -f='${Version}' rust-web-src)"
[ "$V_RUSTC_WEB" = "$V_RUST_WEB_SRC" ] \
  || die "rustc-web ($V_RUSTC_WEB) and rust-web-src ($V_RUST_WEB_SRC) differ: std would not build"
LLVM_MAJOR="$(/usr/bin/rustc -vV | sed -n 's/^LLVM version: \([0-9]*\).*/\1/p')"
[ -n "$LLVM_MAJOR" ] || die "cannot read the LLVM version of /usr/bin/rustc"
apt_install "lld-$LLVM_MAJOR"
readlink -e /usr/bin/rust-lld >/dev/null || die "/usr/bin/rust-lld is dangling (expected lld-$LLVM_MAJOR)"
STD_SRC="$(/usr/bin/rustc --print sysroot)/lib/rustlib/src/rust/library"
[ -f "$STD_SRC/Cargo.lock" ] || die "std sources missing at $STD_SRC (rust-web-src)"

# ---------------------------------------------------------------- wasm-bindgen-cli
# The CLI must be exactly the wasm-bindgen crate version the workspace locks.
WASM_BINDGEN_VERSION="$DEFAULT_WASM_BINDGEN_VERSION"
WASM_BINDGEN_FROM="default"
if [ -f "$REPO/Cargo.lock" ]; then
  lock_versions="$(awk '
      /^\[\[package\]\]/ { name = "" }
      /^name = /         { name = $3 }
      /^version = / && name == "\"wasm-bindgen\"" { gsub(/"/, "", $3); print $3 }
    ' "$REPO/Cargo.lock" | sort -u)"
  case "$(printf '%s' "$lock_versions" | grep -c .)" in
    0) ;;
    1) WASM_BINDGEN_VERSION="$lock_versions"; WASM_BINDGEN_FROM="Cargo.lock" ;;
    *) die "Cargo.lock has several wasm-bindgen versions: $(echo $lock_versions)" ;;
  esac
fi

WASM_BINDGEN_BIN="$CARGO_HOME/bin/wasm-bindgen"
have_wb=""
if [ -x "$WASM_BINDGEN_BIN" ]; then have_wb="$("$WASM_BINDGEN_BIN" --version 2>/dev/null | awk '{print $2}')" || have_wb=""; fi
if [ "$have_wb" != "$WASM_BINDGEN_VERSION" ]; then
  # rustup's cargo (newer) when available, else Debian's. Run from / so that no
  # rust-toolchain file in the repo picks the toolchain for `cargo install`.
  if command -v cargo >/dev/null 2>&1; then CARGO_INSTALL="$(command -v cargo)"
  elif [ -x "$CARGO_HOME/bin/cargo" ]; then CARGO_INSTALL="$CARGO_HOME/bin/cargo"
  else CARGO_INSTALL=/usr/bin/cargo; fi
  note "cargo install wasm-bindgen-cli $WASM_BINDGEN_VERSION ($WASM_BINDGEN_FROM${have_wb:+, replacing $have_wb}); takes a few minutes"
  : >"$LOG"
  if ! (cd / && "$CARGO_INSTALL" install --quiet --force wasm-bindgen-cli --version "=$WASM_BINDGEN_VERSION" --locked) >>"$LOG" 2>&1; then
    # its shipped lockfile may pin a dependency version the registry here does not serve
    note "--locked failed ($(grep -m1 -E '^error' "$LOG" || echo 'see above')); retrying without --locked"
    quiet sh -c 'cd / && exec "$0" install --quiet --force wasm-bindgen-cli --version "=$1"' "$CARGO_INSTALL" "$WASM_BINDGEN_VERSION"
  fi
  have_wb="$("$WASM_BINDGEN_BIN" --version | awk '{print $2}')"
  [ "$have_wb" = "$WASM_BINDGEN_VERSION" ] || die "installed wasm-bindgen is $have_wb, wanted $WASM_BINDGEN_VERSION"
fi

# ---------------------------------------------------------------- npm tools
WANT_PKG_JSON="$(cat <<JSON
{
  "name": "huimin-wasm-tools",
  "private": true,
  "description": "Generated by scripts/setup-wasm.sh; do not edit.",
  "dependencies": {
    "binaryen": "$BINARYEN_VERSION",
    "playwright-core": "$PLAYWRIGHT_CORE_VERSION",
    "typescript": "$TYPESCRIPT_VERSION",
    "esbuild": "$ESBUILD_VERSION",
    "axe-core": "$AXE_CORE_VERSION"
  }
}
JSON
)"
npm_tools_ok() {
  [ -f "$NODE_TOOLS_DIR/package.json" ] && [ "$(cat "$NODE_TOOLS_DIR/package.json")" = "$WANT_PKG_JSON" ] || return 1
  local spec name ver
  for spec in "binaryen@$BINARYEN_VERSION" "playwright-core@$PLAYWRIGHT_CORE_VERSION" "typescript@$TYPESCRIPT_VERSION" \
              "esbuild@$ESBUILD_VERSION" "axe-core@$AXE_CORE_VERSION"; do
    name="${spec%@*}"; ver="${spec##*@}"
    grep -q "\"version\": *\"$ver\"" "$NODE_TOOLS_DIR/node_modules/$name/package.json" 2>/dev/null || return 1
  done
  [ -x "$NODE_TOOLS_DIR/node_modules/.bin/wasm-opt" ] && [ -x "$NODE_TOOLS_DIR/node_modules/.bin/tsc" ] \
    && [ -x "$NODE_TOOLS_DIR/node_modules/.bin/esbuild" ]
}
if ! npm_tools_ok; then
  note "npm install binaryen@$BINARYEN_VERSION playwright-core@$PLAYWRIGHT_CORE_VERSION typescript@$TYPESCRIPT_VERSION esbuild@$ESBUILD_VERSION axe-core@$AXE_CORE_VERSION into ${NODE_TOOLS_DIR#"$REPO/"}"
  mkdir -p "$NODE_TOOLS_DIR"
  printf '%s\n' "$WANT_PKG_JSON" >"$NODE_TOOLS_DIR/package.json"
  quiet npm install --prefix "$NODE_TOOLS_DIR" --no-audit --no-fund --loglevel=error
  npm_tools_ok || die "npm tools in $NODE_TOOLS_DIR do not match the pinned versions after npm install"
fi

# ---------------------------------------------------------------- versions
BIN="$NODE_TOOLS_DIR/node_modules/.bin"
cat <<OUT
wasm toolchain ($REPO):
  rustc-web/rust-web-src  $V_RUSTC_WEB
  /usr/bin/rustc          $(/usr/bin/rustc --version) (LLVM $LLVM_MAJOR)
  /usr/bin/cargo          $(/usr/bin/cargo --version)
  rust-lld                $(readlink -f /usr/bin/rust-lld): $(/usr/bin/rust-lld -flavor wasm --version)
  wasm-bindgen            $WASM_BINDGEN_VERSION ($WASM_BINDGEN_FROM) at $WASM_BINDGEN_BIN
  wasm-opt (npm binaryen) $("$BIN/wasm-opt" --version)
  playwright-core         $PLAYWRIGHT_CORE_VERSION
  typescript              $("$BIN/tsc" --version)
  esbuild                 $("$BIN/esbuild" --version)
  axe-core                $AXE_CORE_VERSION
  chromium                $(/usr/bin/chromium --version 2>/dev/null)
  node                    $(node --version)
  npm tools               $BIN
OUT
