#!/usr/bin/env bash
# scripts/build-wasm.sh - build the browser binding: the npm package `huimin` into
# bindings/wasm/pkg/ and the demo's bundled assets into bindings/wasm/demo/ (huimin/ and
# packs.js and packs/, gitignored there). Idempotent; prints the sizes, raw and gzipped.
#
# Needs the toolchain from scripts/setup-wasm.sh (Debian rustc-web + rust-web-src, lld,
# wasm-bindgen-cli = the wasm-bindgen in Cargo.lock, npm binaryen in .tools/wasm-node).
#
#   scripts/build-wasm.sh            build (cargo is incremental: a warm rebuild takes seconds)
#   WASM_OPT=0 scripts/build-wasm.sh skip wasm-opt (faster, larger)
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CARGO_HOME="${CARGO_HOME:-$HOME/.cargo}"
WASM_BINDGEN="${WASM_BINDGEN:-$CARGO_HOME/bin/wasm-bindgen}"
WASM_OPT_BIN="${WASM_OPT_BIN:-$REPO/.tools/wasm-node/node_modules/.bin/wasm-opt}"
CARGO_CONFIG="$REPO/.cargo/wasm32-debian.toml"
PROFILE=wasm-release
# target-dir of $CARGO_CONFIG
WASM_OUT="$REPO/target/wasm32-debian/wasm32-unknown-unknown/$PROFILE/huimin_wasm.wasm"
SRC="$REPO/bindings/wasm"
PKG="$SRC/pkg"
DEMO="$SRC/demo"

die() { echo "build-wasm: ERROR: $*" >&2; exit 1; }
note() { echo "build-wasm: $*" >&2; }

for f in /usr/bin/cargo /usr/bin/rustc "$WASM_BINDGEN"; do
  [ -x "$f" ] || die "missing $f (run scripts/setup-wasm.sh)"
done
command -v node >/dev/null || die "node not found"

# The wasm-bindgen CLI must be exactly the crate version in Cargo.lock.
lock_ver="$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/[^0-9.]/, ""); print; exit }' "$REPO/Cargo.lock")"
cli_ver="$("$WASM_BINDGEN" --version | awk '{print $2}')"
[ "$lock_ver" = "$cli_ver" ] || die "Cargo.lock has wasm-bindgen $lock_ver but $WASM_BINDGEN is $cli_ver (run scripts/setup-wasm.sh)"

# 1-3. One module: Rust -> wasm32, its JS glue, wasm-opt. `build_module OUT [cargo args]`
#    writes OUT/huimin_wasm.js and OUT/huimin_wasm_bg.wasm.
#    - `cargo rustc --crate-type cdylib` (not `cargo build`): with crate-type
#      ["cdylib","rlib"] cargo silently skips the profile's LTO.
#    - wasm-bindgen `--target web`: an ES module, in browsers and, given the bytes, in Node.
#      `--experimental-reset-state-function`: `__wbg_reset_state`, with which the wrapper
#      replaces an instance that panicked (wasm32 aborts on panic) by a fresh one; objects of
#      the old instance are then refused instead of read in the new one's memory.
#    - wasm-opt -Oz (npm binaryen; Debian's 108 breaks wasm-bindgen's externref table).
build_module() {
  local out="$1"
  shift
  note "cargo rustc -p huimin-wasm --profile $PROFILE $* (wasm32-unknown-unknown, -Z build-std)"
  (cd "$REPO" && RUSTC_BOOTSTRAP=1 /usr/bin/cargo --config "$CARGO_CONFIG" \
    rustc -p huimin-wasm --profile "$PROFILE" --lib --crate-type cdylib --quiet "$@")
  [ -f "$WASM_OUT" ] || die "no $WASM_OUT"
  mkdir -p "$out"
  "$WASM_BINDGEN" --target web --no-typescript --experimental-reset-state-function \
    --out-dir "$out" --out-name huimin_wasm "$WASM_OUT"
  if [ "${WASM_OPT:-1}" != 0 ]; then
    [ -x "$WASM_OPT_BIN" ] || die "missing $WASM_OPT_BIN (run scripts/setup-wasm.sh)"
    "$WASM_OPT_BIN" -Oz --strip-debug --strip-producers "$out/huimin_wasm_bg.wasm" -o "$out/opt.wasm"
    mv "$out/opt.wasm" "$out/huimin_wasm_bg.wasm"
  else
    note "WASM_OPT=0: skipping wasm-opt"
  fi
}

STAGE="$(mktemp -d "${TMPDIR:-/tmp}/huimin-pkg.XXXXXX")"
trap 'rm -rf "$STAGE"' EXIT
#    The whole API (entries `huimin`, `huimin/init`), and the form's module (`huimin/form`:
#    compile, evaluate, validate, schema, info; no what-if, half-filled form, reforms, diff or
#    screening), which a page loads first to be usable sooner.
build_module "$STAGE"
build_module "$STAGE/form" --no-default-features

# 4. The npm package: the hand-written wrapper (entries index.js, node.js, init.js, form.js;
#    api.js, money.js) and types, the glue, the two modules.
VERSION="$(sed -n 's/^version = "\(.*\)"/\1/p' "$REPO/Cargo.toml" | head -n1)"
[ -n "$VERSION" ] || die "cannot read the workspace version from Cargo.toml"
JS=(index.js node.js init.js form.js api.js money.js)
cp "${JS[@]/#/$SRC/js/}" "$SRC/js/index.d.ts" "$SRC/js/form.d.ts" "$SRC/js/README.md" "$STAGE/"
node -e '
  const fs = require("fs");
  const [src, dst, version] = process.argv.slice(1);
  const p = JSON.parse(fs.readFileSync(src, "utf8"));
  p.version = version;
  fs.writeFileSync(dst, JSON.stringify(p, null, 2) + "\n");
' "$SRC/js/package.json" "$STAGE/package.json" "$VERSION"
rm -rf "$PKG"
mkdir -p "$PKG"
mkdir -p "$PKG/form"
cp "${JS[@]/#/$STAGE/}" "$STAGE"/index.d.ts "$STAGE"/form.d.ts "$STAGE"/README.md "$STAGE"/package.json \
   "$STAGE"/huimin_wasm.js "$STAGE"/huimin_wasm_bg.wasm "$PKG/"
cp "$STAGE"/form/huimin_wasm.js "$STAGE"/form/huimin_wasm_bg.wasm "$PKG/form/"

# 5. The demo's bundled assets: the package's files the page loads (form.js first, then
#    init.js; not the entries index.js and node.js) and every pack, so the page works offline
#    from any static server.
rm -rf "$DEMO/huimin"
mkdir -p "$DEMO/huimin/form"
cp "$PKG/init.js" "$PKG/form.js" "$PKG/api.js" "$PKG/money.js" "$PKG/huimin_wasm.js" \
   "$PKG/huimin_wasm_bg.wasm" "$DEMO/huimin/"
cp "$PKG"/form/* "$DEMO/huimin/form/"
#    The package reads JSON only (no YAML reader: half the module), so each pack is compiled
#    by the native CLI to its canonical JSON, with its example values file applied when it
#    leaves numbers to an authority (set_by): the same fingerprint and answers as the YAML.
note "cargo build --release -p huimin-cli (to compile the demo's packs to JSON)"
(cd "$REPO" && cargo build --release --quiet -p huimin-cli)
HUIMIN="$REPO/target/release/huimin"
PACKS_DIR="$STAGE/packs"
mkdir -p "$PACKS_DIR"
for f in "$REPO"/fixtures/policies/*.yaml; do
  name="$(basename "$f" .yaml)"
  case "$name" in bench-*) continue ;; esac # benchmark workloads, not a city policy
  values="$REPO/fixtures/values/$name.example.yaml"
  if [ -f "$values" ]; then
    "$HUIMIN" compile "$f" --values "$values" -o "$PACKS_DIR/$name.json"
  else
    "$HUIMIN" compile "$f" -o "$PACKS_DIR/$name.json"
  fi
done
#    Each pack is its own file (packs/<name>.json), fetched when the form needs it: the page is
#    usable after the first one, not all of them. packs.js is the list: file, id, name, kind.
rm -rf "$DEMO/packs"
mkdir -p "$DEMO/packs"
cp "$PACKS_DIR"/*.json "$DEMO/packs/"
node -e '
  const fs = require("fs"), path = require("path");
  const [dir, out] = process.argv.slice(1);
  const files = fs.readdirSync(dir).sort();
  const packs = files.map((file) => {
    const { id, name, kind } = JSON.parse(fs.readFileSync(path.join(dir, file), "utf8"));
    return { file, id, name, kind };
  });
  const body = "// Generated by scripts/build-wasm.sh: the packs in packs/ (fixtures/policies/*.yaml compiled by `huimin compile`, with fixtures/values/*.example.yaml); do not edit.\n" +
    "export const PACKS = " + JSON.stringify(packs) + ";\n";
  fs.writeFileSync(out, body);
  console.error(`build-wasm: demo lists ${files.length} pack(s): ${files.join(" ")}`);
' "$DEMO/packs" "$DEMO/packs.js"

# 5b. Brotli copies of the demo's built files (`<file>.br`, quality 11), which serve.mjs sends to
#     a browser that accepts them, as a static server with precompressed files would.
node -e '
  const fs = require("fs"), path = require("path"), zlib = require("zlib");
  const q = { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } };
  for (const f of process.argv.slice(1)) fs.writeFileSync(f + ".br", zlib.brotliCompressSync(fs.readFileSync(f), q));
' "$DEMO/packs.js" "$DEMO"/packs/*.json "$DEMO"/huimin/*.js "$DEMO"/huimin/*.wasm \
  "$DEMO"/huimin/form/*.js "$DEMO"/huimin/form/*.wasm

# 6. Sizes.
raw() { stat -c %s "$1"; }
gz() { gzip -9c "$1" | wc -c; }
row() { printf '  %-28s %9d bytes   gzip -9 %8d bytes\n' "$1" "$(raw "$2")" "$(gz "$2")"; }
echo "huimin npm package ($VERSION) in ${PKG#"$REPO/"}:"
row "huimin_wasm_bg.wasm" "$PKG/huimin_wasm_bg.wasm"
row "form/huimin_wasm_bg.wasm" "$PKG/form/huimin_wasm_bg.wasm"
row "huimin_wasm.js (glue)" "$PKG/huimin_wasm.js"
row "api.js (wrapper)" "$PKG/api.js"
row "index.d.ts" "$PKG/index.d.ts"
cat "$PKG/huimin_wasm.js" "$PKG/index.js" "$PKG/init.js" "$PKG/api.js" "$PKG/money.js" >"$STAGE/glue.js"
row "browser JS (glue + wrapper)" "$STAGE/glue.js"
tar -C "$PKG" -cf "$STAGE/pkg.tar" "${JS[@]}" index.d.ts form.d.ts README.md package.json huimin_wasm.js huimin_wasm_bg.wasm form
row "whole package (tar)" "$STAGE/pkg.tar"
row "demo/packs.js (the list)" "$DEMO/packs.js"
cat "$DEMO"/packs/*.json >"$STAGE/all-packs.json"
row "demo/packs/*.json (together)" "$STAGE/all-packs.json"
for w in huimin_wasm_bg.wasm form/huimin_wasm_bg.wasm; do
  printf '  %-28s %9d bytes   brotli -11 %5d bytes (what serve.mjs sends)\n' "demo $w" \
    "$(raw "$DEMO/huimin/$w")" "$(raw "$DEMO/huimin/$w.br")"
done
