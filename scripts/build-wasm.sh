#!/usr/bin/env bash
# Builds the portal's browser bundle (Leptos hydrate) into target/site/pkg.
# Installs what it needs, only when missing, at pinned versions:
# the wasm32 target and wasm-bindgen-cli 0.2.130 (must equal the crate's pin).
# Usage: scripts/build-wasm.sh [--release]
set -euo pipefail
cd "$(dirname "$0")/.."

WASM_BINDGEN_VERSION=0.2.130
profile=debug
flags=()
if [[ "${1:-}" == "--release" ]]; then
  profile=release
  flags=(--release)
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

echo "==> building the browser bundle (${profile})"
cargo build -p frontend --lib --target wasm32-unknown-unknown \
  --no-default-features --features hydrate "${flags[@]}"
mkdir -p target/site/pkg
wasm-bindgen --target web --out-dir target/site/pkg --out-name oms \
  "target/wasm32-unknown-unknown/${profile}/frontend.wasm"
if [[ "$profile" == release ]] && command -v wasm-opt >/dev/null; then
  wasm-opt -Os -o target/site/pkg/oms_bg.wasm target/site/pkg/oms_bg.wasm || true
fi
echo "==> bundle ready in target/site/pkg"
