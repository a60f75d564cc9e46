#!/usr/bin/env bash
# Read-path benchmark: starts the release `oms` (target/release/oms, or
# $OMS_BIN) against a fresh database (a SQLite file in a temp dir, or a fresh
# PostgreSQL database created from --database-url and dropped at the end),
# signs in the demo customer, places one order, then drives two reads with
# wrk and prints requests/s, p50 and p99 and SQL statements per request:
#
#   a) the order-status query `order(number:) { number status }`, POST
#      /graphql with the customer's Bearer token;
#   b) the signed-in SSR order page /orders/<number> (cookie oms_at).
#
# Usage: scripts/bench-read.sh [--database-url postgres://user@host:port/db]
#                              [--connections 32] [--duration 15] [--threads 2]
# Needs wrk, curl and jq. OMS_SITE_ROOT (default target/site) is where the
# browser bundle is (scripts/build-wasm.sh --release); pages render without it
# too. OMS_WORKERS is passed through to the server. Prints figures only: it
# asserts no timing.
set -euo pipefail
cd "$(dirname "$0")/.."

admin_url=""
connections=32
duration=15
threads=2
while [[ $# -gt 0 ]]; do
  case "$1" in
    --database-url) admin_url="$2"; shift 2 ;;
    --connections) connections="$2"; shift 2 ;;
    --duration) duration="$2"; shift 2 ;;
    --threads) threads="$2"; shift 2 ;;
    -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done
for tool in wrk curl jq; do
  command -v "$tool" >/dev/null || { echo "error: $tool not found" >&2; exit 1; }
done
oms_bin="${OMS_BIN:-target/release/oms}"
[[ -x "$oms_bin" ]] || {
  echo "error: $oms_bin not found: cargo build --release -p backend (or set OMS_BIN)" >&2
  exit 1
}
site_root="${OMS_SITE_ROOT:-$PWD/target/site}"

dir=$(mktemp -d "${TMPDIR:-/tmp}/oms-bench-read.XXXXXX")
db_name=""
server_pid=""
cleanup() {
  if [[ -n "$server_pid" ]]; then
    kill -TERM "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  if [[ -n "$db_name" ]]; then
    psql -q "$admin_url" -c "DROP DATABASE IF EXISTS \"$db_name\" WITH (FORCE)" >/dev/null || true
  fi
  rm -rf "$dir"
}
trap cleanup EXIT

# The server's environment: ours only, nothing inherited from the shell
# except OMS_WORKERS.
unset_vars=()
while IFS= read -r name; do
  [[ "$name" == OMS_WORKERS ]] || unset_vars+=(-u "$name")
done < <(compgen -e | grep -E '^(OMS_|DATABASE_URL$)' || true)
server_env=(env "${unset_vars[@]}" OMS_BIND=127.0.0.1:0 OMS_DATA_DIR="$dir"
  OMS_SEED_DEMO=true OMS_LOG=warn OMS_SITE_ROOT="$site_root")
if [[ -n "$admin_url" ]]; then
  db_name="oms_bench_read_$(date +%s)_$$"
  psql -q "$admin_url" -c "CREATE DATABASE \"$db_name\"" >/dev/null
  base="${admin_url%%\?*}"
  query=""
  [[ "$admin_url" == *\?* ]] && query="?${admin_url#*\?}"
  server_env+=(DATABASE_URL="${base%/*}/${db_name}${query}")
  label=postgres
else
  label=sqlite
fi

"${server_env[@]}" "$oms_bin" serve >"$dir/stdout" 2>"$dir/stderr" &
server_pid=$!
addr=""
for _ in $(seq 1 1200); do
  addr=$(sed -n 's|^oms listening on \(http://[^ ]*\).*|\1|p' "$dir/stdout" | head -1)
  [[ -n "$addr" ]] && break
  kill -0 "$server_pid" 2>/dev/null || break
  sleep 0.1
done
if [[ -z "$addr" ]]; then
  echo "error: oms did not start; its log:" >&2
  cat "$dir/stderr" >&2
  exit 1
fi

gql() { # token query variables-json
  local auth=()
  [[ -n "$1" ]] && auth=(-H "Authorization: Bearer $1")
  curl -sS -X POST "$addr/graphql" -H 'Content-Type: application/json' "${auth[@]}" \
    --data "$(jq -cn --arg q "$2" --argjson v "$3" '{query: $q, variables: $v}')"
}
statements() {
  curl -sS "$addr/metrics" | sed -n 's/^oms_sql_statements_total \([0-9.e+]*\)$/\1/p'
}

token=$(gql "" 'mutation { login(email: "customer@example.com", password: "customer-demo-2026") { accessToken } }' '{}' |
  jq -r '.data.login.accessToken')
[[ -n "$token" && "$token" != null ]] || { echo "error: demo customer login failed" >&2; exit 1; }
place='mutation($input: PlaceOrderInput!) { placeOrder(input: $input) { number } }'
input=$(jq -cn --arg key "bench-read-$$" '{input: {idempotencyKey: $key,
  lines: [{sku: "AUD-001", quantity: 1}, {sku: "AUD-002", quantity: 1}],
  shippingAddress: {name: "Bench Read", phone: "+86 138 0000 0000", line1: "1 Nanjing Road",
    line2: null, city: "Shanghai", region: "Shanghai", postalCode: "200001", country: "CN"},
  shippingMethod: "standard"}}')
number=$(gql "$token" "$place" "$input" | jq -r '.data.placeOrder.number')
[[ -n "$number" && "$number" != null ]] || { echo "error: placing the order failed" >&2; exit 1; }

status_query='query($n:String!){ order(number:$n){ number status } }'
check=$(gql "$token" "$status_query" "$(jq -cn --arg n "$number" '{n: $n}')")
[[ $(jq -r '.data.order.number' <<<"$check") == "$number" ]] || {
  echo "error: the order-status query failed: $check" >&2; exit 1; }
page_status=$(curl -sS -o "$dir/page.html" -w '%{http_code}' -H "Cookie: oms_at=$token" "$addr/orders/$number")
if [[ "$page_status" != 200 ]] || ! grep -q "$number" "$dir/page.html"; then
  echo "error: /orders/$number answered $page_status without the order" >&2; exit 1
fi

cat >"$dir/status.lua" <<EOF
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $token"
wrk.body = '$(jq -cn --arg q "$status_query" --arg n "$number" '{query: $q, variables: {n: $n}}')'
EOF

# run <name> <statement label> wrk-args...: a short warm-up, then the
# measured run; prints one line.
run() {
  local name="$1"; shift
  wrk -t "$threads" -c "$connections" -d 3s "$@" >/dev/null
  local before after out
  before=$(statements)
  out=$(wrk -t "$threads" -c "$connections" -d "${duration}s" --latency "$@")
  after=$(statements)
  local rps p50 p99 requests non2xx
  rps=$(awk '/^Requests\/sec/ {print $2}' <<<"$out")
  p50=$(awk '$1 == "50%" {print $2}' <<<"$out")
  p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
  requests=$(awk '/requests in/ {print $1}' <<<"$out")
  non2xx=$(awk '/Non-2xx/ {print $NF}' <<<"$out")
  printf '%-8s %-26s %9.0f req/s   p50 %8s   p99 %8s   SQL statements/request %.2f%s\n' \
    "$label" "$name" "$rps" "$p50" "$p99" \
    "$(awk -v a="$after" -v b="$before" -v n="$requests" 'BEGIN {print (a - b) / n}')" \
    "${non2xx:+   NON-2XX: $non2xx}"
}

echo "bench-read: $label, order $number, wrk -t $threads -c $connections -d ${duration}s, server $oms_bin"
run "order-status query" -s "$dir/status.lua" "$addr/graphql"
run "SSR order page" -H "Cookie: oms_at=$token" "$addr/orders/$number"
