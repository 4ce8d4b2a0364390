#!/usr/bin/env bash
# Dependency-direction check (STYLE.md): charts, pdf, mail and tracker never
# import ingest or database/sql; ingest and analytics never import each other; the
# DuckDB driver is imported only by sql/.
set -euo pipefail
cd "$(dirname "$0")/.."
mod=$(go list -m)
fail=0
deny() { # package, forbidden import
  local deps
  deps=$(go list -deps "./$1" 2>/dev/null | grep -x "$2" || true)
  if [ -n "$deps" ]; then echo "depcheck: $1 must not import $2" >&2; fail=1; fi
}
# direct imports only: charts -> analytics -> sql -> database/sql is the
# layering itself; what is denied is charts, pdf or mail running SQL.
denyDirect() { # package, forbidden import
  if go list -f '{{join .Imports "\n"}}' "./$1" | grep -qx "$2"; then
    echo "depcheck: $1 must not import $2" >&2; fail=1
  fi
}
for p in charts pdf mail tracker; do
  [ -d "$p" ] || continue
  deny "$p" "$mod/ingest"; denyDirect "$p" "database/sql"
done
deny ingest "$mod/analytics"
deny analytics "$mod/ingest"
for p in $(go list ./... | grep -v "^$mod/sql$"); do
  if go list -f '{{join .Imports "\n"}}' "$p" | grep -qx 'github.com/duckdb/duckdb-go/v2'; then
    echo "depcheck: $p imports the DuckDB driver (only sql/ may)" >&2; fail=1
  fi
done
exit $fail
