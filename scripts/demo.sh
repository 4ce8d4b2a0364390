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
echo "== pir metrics --config examples/pir.toml --quarter $quarter (its severity targets and metrics)"
"$pir" metrics --config examples/pir.toml --quarter "$quarter"

echo
echo "== pir report --config examples/pir.toml --quarter $quarter --out out/"
"$pir" report --config examples/pir.toml --quarter "$quarter" --out out/

echo
echo "== pir review: the review pack of a critical $quarter case (Markdown and PDF)"
case_id=$("$pir" query --format csv "SELECT c.case_id FROM cases c LEFT JOIN action_items a USING (source, case_id)
              WHERE c.severity = 'critical' AND c.quarter = '$quarter' AND c.source = 'pir'
              GROUP BY c.case_id
              ORDER BY count(a.item_id) FILTER (WHERE a.status IN ('open', 'in-progress')) DESC, c.case_id LIMIT 1" | tail -n +2)
if [ -n "$case_id" ]; then
  "$pir" review "$case_id" -o "out/review-$case_id.md"
  "$pir" review "$case_id" --format pdf -o "out/review-$case_id.pdf"
  echo "wrote out/review-$case_id.md and out/review-$case_id.pdf"
else
  echo "no critical case in $quarter"
fi

echo
echo "== pir coverage --rules examples/rules --quarter $quarter (SigmaHQ rules, DRL 1.1: examples/rules/README.md)"
"$pir" coverage --rules examples/rules --quarter "$quarter" --quarters 4 -o "out/coverage-layer-$quarter.json"
