#!/usr/bin/env bash
# Runs the whole test suite: unit tests and black-box tests that start the
# real server (SQLite by default; PostgreSQL when TEST_DATABASE_URL is set,
# e.g. postgres://postgres@127.0.0.1:5432/postgres) and drive it over HTTP,
# WebSocket and headless Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/build-wasm.sh

if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
  if [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null; then
    echo "==> installing Debian's chromium and chromium-driver for the browser tests"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null
  else
    echo "!! chromium/chromedriver not found: browser tests will be skipped" >&2
    echo "!! (install Debian's chromium and chromium-driver to run them)" >&2
  fi
fi

# The email tests talk to a real SMTP server on loopback (tests/smtp_sink.py).
if ! /usr/bin/python3 -c 'import aiosmtpd' 2>/dev/null && ! python3 -c 'import aiosmtpd' 2>/dev/null; then
  if [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null; then
    echo "==> installing Debian's python3-aiosmtpd for the email tests"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-aiosmtpd >/dev/null
  else
    echo "!! python3 with aiosmtpd not found: the email tests will fail" >&2
    echo "!! (install Debian's python3-aiosmtpd, or pip install aiosmtpd)" >&2
  fi
fi

echo "==> building the server"
cargo build -p backend --bin oms
if [[ -n "${TEST_DATABASE_URL:-}" ]]; then echo "==> running tests (PostgreSQL)"; else echo "==> running tests (SQLite)"; fi
export OMS_SITE_ROOT="$PWD/target/site"
cargo test --workspace "$@"
