#!/usr/bin/env bash
# Builds the portal's browser bundle (Leptos hydrate) into target/site/pkg
# under content-hashed names, oms.<hash>.js + oms.<hash>_bg.wasm, and writes
# the hash to target/site/pkg.hash, which the server reads when it starts
# (so those files can be cached for a year). Also fetches GraphiQL's files
# into target/site/graphiql when missing (scripts/fetch-graphiql.sh).
#
# Installs what it needs, only when missing, at pinned versions: the wasm32
# target and wasm-bindgen-cli 0.2.130 (must equal the crate's pin); for
# --release also wasm-opt (Debian's binaryen; with apt when run as root).
# Usage: scripts/build-wasm.sh [--release]
#   OMS_SKIP_WASM_OPT=1 builds a release bundle without wasm-opt (larger).
set -euo pipefail
cd "$(dirname "$0")/.."

WASM_BINDGEN_VERSION=0.2.130
profile=debug
flags=()
if [[ "${1:-}" == "--release" ]]; then
  profile=release
  flags=(--release)
fi
optimize=false
if [[ "$profile" == release && "${OMS_SKIP_WASM_OPT:-}" != 1 ]]; then
  optimize=true
fi

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  echo "==> installing the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi
if ! wasm-bindgen --version 2>/dev/null | grep -q " ${WASM_BINDGEN_VERSION}\$"; then
  echo "==> installing wasm-bindgen-cli ${WASM_BINDGEN_VERSION} (about 2 minutes, once)"
  # Not --locked: its lock file names a crate version the registry lacks.
  cargo install wasm-bindgen-cli --version "${WASM_BINDGEN_VERSION}"
fi
if $optimize && ! command -v wasm-opt >/dev/null; then
  if [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null; then
    echo "==> installing Debian's binaryen (wasm-opt)"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq binaryen >/dev/null
  else
    echo "error: wasm-opt not found: install binaryen (Debian/Ubuntu: apt-get install binaryen)," >&2
    echo "       or set OMS_SKIP_WASM_OPT=1 to build a larger, unoptimized bundle" >&2
    exit 1
  fi
fi

echo "==> building the browser bundle (${profile})"
cargo build -p frontend --lib --target wasm32-unknown-unknown \
  --no-default-features --features hydrate "${flags[@]}"
stage=$(mktemp -d target/wasm-bindgen.XXXXXX)
trap 'rm -rf "$stage"' EXIT
wasm="target/wasm32-unknown-unknown/${profile}/frontend.wasm"
if $optimize; then
  echo "==> wasm-opt -Os"
  # Before wasm-bindgen, not after: Debian's wasm-opt (binaryen 108) would
  # rewrite the externref table that wasm-bindgen adds into one browsers
  # reject. The features are those rustc enables for wasm32-unknown-unknown.
  wasm-opt -Os --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
    --enable-mutable-globals --enable-reference-types --enable-multivalue \
    -o "$stage/frontend.wasm" "$wasm"
  wasm="$stage/frontend.wasm"
fi
wasm-bindgen --target web --no-typescript --out-dir "$stage" --out-name oms "$wasm"
if [[ -e "$stage/snippets" ]]; then
  # Not hashed below: fail loudly rather than serve them stale for a year.
  echo "error: wasm-bindgen wrote JS snippets ($stage/snippets); scripts/build-wasm.sh does not publish them yet" >&2
  exit 1
fi

hash=$(cat "$stage/oms.js" "$stage/oms_bg.wasm" | sha256sum | cut -c1-16)
pkg=target/site/pkg
mkdir -p "$pkg"
# The JS only names the wasm file as a fallback (the page passes its URL).
sed "s/oms_bg\.wasm/oms.${hash}_bg.wasm/g" "$stage/oms.js" >"$pkg/oms.${hash}.js.tmp"
cp "$stage/oms_bg.wasm" "$pkg/oms.${hash}_bg.wasm.tmp"
mv "$pkg/oms.${hash}.js.tmp" "$pkg/oms.${hash}.js"
mv "$pkg/oms.${hash}_bg.wasm.tmp" "$pkg/oms.${hash}_bg.wasm"
# Written last: a server started from now on serves this bundle.
printf '%s\n' "$hash" >target/site/pkg.hash.tmp
mv target/site/pkg.hash.tmp target/site/pkg.hash
# Servers that are already running keep naming the bundle they started
# with: keep the three newest, drop older ones and unhashed leftovers.
rm -f "$pkg/oms.js" "$pkg/oms_bg.wasm" "$pkg"/*.d.ts
ls -t "$pkg"/oms.*.js | tail -n +4 | while read -r old; do
  rm -f "$old" "${old%.js}_bg.wasm"
done
echo "==> bundle ready: ${pkg}/oms.${hash}.js + oms.${hash}_bg.wasm"

scripts/fetch-graphiql.sh
