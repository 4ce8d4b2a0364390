#!/usr/bin/env bash
# Dependency-direction check (STYLE.md): charts, pdf, mail, tracker,
# markdown, confluence and display never import ingest or database/sql; ingest and
# analytics never import each other; the DuckDB driver is imported only by
# sql/; display imports no pir package; and only sql/ reads query columns
# by position (each query's typed Go function lives next to it there), so a
# column change breaks the build, not a report.
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
for p in charts pdf mail tracker markdown confluence display; do
  [ -d "$p" ] || continue
  deny "$p" "$mod/ingest"; denyDirect "$p" "database/sql"
done
deny ingest "$mod/analytics"
deny analytics "$mod/ingest"
# analytics gets typed rows from sql/ and has nothing to scan.
denyDirect analytics "database/sql"
if go list -f '{{join .Imports "\n"}}' ./display | grep -q "^$mod/"; then
  echo "depcheck: display must import no pir package (it is the leaf every renderer uses)" >&2; fail=1
fi
for p in $(go list ./... | grep -v "^$mod/sql$"); do
  if go list -f '{{join .Imports "\n"}}' "$p" | grep -qx 'github.com/duckdb/duckdb-go/v2'; then
    echo "depcheck: $p imports the DuckDB driver (only sql/ may)" >&2; fail=1
  fi
done
# Positional scans outside sql/: rows.Scan(&a, &b, …) with arguments
# (bufio's Scan() has none). Tests may read back what they wrote.
# Allowed, for a reason:
#   cmd/pir/query.go  pir query runs SQL typed at run time; it reads every
#                     column generically, by the names rows.Columns() gives.
allowScan='^(cmd/pir/query\.go):'
scans=$(git ls-files --cached --others --exclude-standard '*.go' 2>/dev/null | grep -v '_test\.go$' | grep -v '^sql/' |
  xargs grep -n '\.Scan([^)]' 2>/dev/null | grep -Ev "$allowScan" || true)
if [ -n "$scans" ]; then
  echo "depcheck: query columns are read by position outside sql/; add a typed function next to the query in sql/ instead:" >&2
  echo "$scans" >&2
  fail=1
fi
exit $fail
