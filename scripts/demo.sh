#!/usr/bin/env bash
# make demo: the main job on the bundled sample, from a fresh clone.
# Builds nothing itself (the Makefile builds bin/pir first); writes into out/.
set -euo pipefail
cd "$(dirname "$0")/.."
pir=${1:-bin/pir}
quarter=${2:-2025-Q4}
export PIR_DB=out/demo.duckdb
mkdir -p out
rm -f "$PIR_DB" "$PIR_DB.wal"

echo "== pir ingest examples/cases.jsonl"
"$pir" ingest examples/cases.jsonl

echo
echo "== cases per quarter (pir query)"
"$pir" query "SELECT quarter, count(*) AS cases, count(*) FILTER (WHERE severity IN ('critical','high')) AS critical_high,
                     count(*) FILTER (WHERE status = 'open') AS still_open
              FROM cases GROUP BY quarter ORDER BY quarter"

echo
echo "== pir metrics --quarter $quarter"
"$pir" metrics --quarter "$quarter"

echo
echo "== pir report --quarter $quarter --out out/"
"$pir" report --quarter "$quarter" --out out/
