#!/usr/bin/env bash
# Puts GraphiQL's browser files into target/site/graphiql so that /graphql
# works on a closed network: the npm packages graphiql (its UMD build and
# CSS) and react + react-dom (UMD), at pinned versions and checksums, each
# with its licence. Fetched with npm only when missing or at other versions.
#
# Never fails the build: without npm or the registry it warns and leaves the
# directory absent, and /graphql then says so and links the SDL
# (/graphql/schema.graphql).
# Usage: scripts/fetch-graphiql.sh [dest-dir]   (default target/site/graphiql)
set -euo pipefail
cd "$(dirname "$0")/.."

dest=${1:-target/site/graphiql}
# graphiql 3.x is the last line with a UMD build (4.x is ES modules only);
# it needs react 18's UMD builds (19 has none).
GRAPHIQL_VERSION=3.8.3
REACT_VERSION=18.3.1
pins="graphiql@${GRAPHIQL_VERSION} react@${REACT_VERSION} react-dom@${REACT_VERSION}"
# sha256 of the npm tarballs (the registry's own sha512 is checked by npm too).
declare -A sha256=(
  ["graphiql-${GRAPHIQL_VERSION}.tgz"]=1cadb1c2ca0dc51ea71fb4bb2680e6185e83fe400c9a62ca5fb9dfb922472bbd
  ["react-${REACT_VERSION}.tgz"]=8d9bed01a672e7eaf387942d781ad47c6a43089a30a0306060f9fd5ac7870347
  ["react-dom-${REACT_VERSION}.tgz"]=031d4427a99f2f3f6cac18bbbf308594a67e4f47d10f4896fdec446505b040e0
)
# tarball | file inside it | name served under /graphiql/
files=(
  "graphiql-${GRAPHIQL_VERSION}.tgz|package/graphiql.min.js|graphiql.min.js"
  "graphiql-${GRAPHIQL_VERSION}.tgz|package/graphiql.min.css|graphiql.min.css"
  "graphiql-${GRAPHIQL_VERSION}.tgz|package/LICENSE|LICENSE.graphiql.txt"
  "react-${REACT_VERSION}.tgz|package/umd/react.production.min.js|react.production.min.js"
  "react-${REACT_VERSION}.tgz|package/LICENSE|LICENSE.react.txt"
  "react-dom-${REACT_VERSION}.tgz|package/umd/react-dom.production.min.js|react-dom.production.min.js"
  "react-dom-${REACT_VERSION}.tgz|package/LICENSE|LICENSE.react-dom.txt"
)

complete() {
  [[ -f "$dest/VERSIONS" && "$(cat "$dest/VERSIONS")" == "$pins" ]] || return 1
  local entry
  for entry in "${files[@]}"; do
    [[ -s "$dest/${entry##*|}" ]] || return 1
  done
}

if complete; then
  exit 0
fi

warn() {
  echo "!! GraphiQL not fetched: $*" >&2
  echo "!! /graphql will link the schema (/graphql/schema.graphql) instead of the explorer;" >&2
  echo "!! re-run scripts/build-wasm.sh with access to the npm registry to add it." >&2
  exit 0
}

command -v npm >/dev/null || warn "npm is not installed"
echo "==> fetching GraphiQL for /graphql (${pins})"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# shellcheck disable=SC2086 # $pins is three package specs
if ! (cd "$tmp" && timeout 180 npm pack --loglevel=error --prefer-offline --fetch-retries=1 \
  --fetch-timeout=30000 --no-audit --no-fund $pins >/dev/null 2>"$tmp/npm.log"); then
  sed 's/^/   npm: /' "$tmp/npm.log" | head -n 3 >&2
  warn "npm pack failed (registry unreachable?)"
fi
for tarball in "${!sha256[@]}"; do
  [[ -f "$tmp/$tarball" ]] || warn "npm did not produce $tarball"
  actual=$(sha256sum "$tmp/$tarball" | cut -d' ' -f1)
  [[ "$actual" == "${sha256[$tarball]}" ]] \
    || warn "$tarball has sha256 $actual, expected ${sha256[$tarball]}"
done

out="$tmp/out"
mkdir -p "$out"
for entry in "${files[@]}"; do
  IFS='|' read -r tarball inner name <<<"$entry"
  tar -xzOf "$tmp/$tarball" "$inner" >"$out/$name" || warn "$inner missing from $tarball"
done
cat >"$out/README.txt" <<EOF
Third-party files served by OMS under /graphiql/ for the GraphQL explorer at
/graphql, unmodified from the npm packages ${pins}
(fetched by scripts/fetch-graphiql.sh). Each package is under the MIT licence
(LICENSE.*.txt); graphiql.min.js also carries the licence headers of the
libraries it bundles.
EOF
printf '%s' "$pins" >"$out/VERSIONS"

mkdir -p "$(dirname "$dest")"
rm -rf "$dest"
mv "$out" "$dest"
echo "==> GraphiQL ready in $dest"
