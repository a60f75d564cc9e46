#!/usr/bin/env bash
# Builds and runs the whole platform on the embedded default (SQLite in
# ./data, demo data on first start) at http://127.0.0.1:3000.
# Extra arguments go to `oms serve`'s environment via the usual OMS_* variables.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build-wasm.sh --release
echo "==> building and starting the server (release)"
export OMS_SITE_ROOT="${OMS_SITE_ROOT:-$PWD/target/site}"
exec cargo run --release -p backend --bin oms -- serve
