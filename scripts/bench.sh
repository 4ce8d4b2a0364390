#!/usr/bin/env bash
# make bench: whole-process benchmarks of pir on `pir sample` data at 10 k,
# 100 k, 200 k and 1 M cases, each figure next to a baseline measured in the same
# run, plus the Go benchmarks and a CPU profile of the loader. Writes
# bench/RESULTS.md. Not part of `make test`.
#
#   ingest      pir ingest vs two baselines built from bench/baseline, fresh
#               database each run, runs interleaved (the order rotates) so
#               machine noise hits all alike: the bare load (bench/bareload.sql:
#               read_json with an explicit schema, then CREATE TABLE … AS
#               SELECT with unnest, what a user would write with DuckDB alone)
#               and read_json into pir's own store tables (bench/readjson.sql)
#   re-ingest   the same file again into the loaded database (all unchanged)
#   add 10 k    at the largest size, 10 k new cases (another source) into a
#               copy of the loaded database, next to their bare load
#   metrics     pir metrics --format json for the last quarter, 8 quarters
#   report      pir report (HTML + PDF) for the same quarter
#   export      pir export --parquet of the same database
#
# Figures are medians of up to BENCH_RUNS runs: ingest pairs always (the
# largest size as many as fit in the budget, at least one), the other steps
# again only while a run takes under 20 s. Peak RSS comes from /usr/bin/time.
# The whole script keeps within BENCH_BUDGET seconds (make bench ≈ 25 min on
# 2 cores): the largest size runs last, each step first once in order of
# importance; a step that would run past the budget, past
# BENCH_STEP_TIMEOUT or above BENCH_MAX_RSS_MB is stopped and reported as
# such (a lower bound; the memory guard protects the shared machine), a step
# with no budget left is reported as skipped, never silently dropped.
#
# Environment: PIR (default bin/pir), BENCH_SIZES ("10000 100000 200000 1000000"),
# BENCH_RUNS (3), BENCH_BUDGET (1500), BENCH_STEP_TIMEOUT (600),
# BENCH_MAX_RSS_MB (8192), BENCH_DIR (scratch, default a temp dir, removed
# unless BENCH_KEEP=1), BENCH_OUT (bench/RESULTS.md), BENCH_GO (1: run the Go
# benchmarks and the profile).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
PIR=${PIR:-$ROOT/bin/pir}
SIZES=${BENCH_SIZES:-"10000 100000 200000 1000000"}
RUNS=${BENCH_RUNS:-3}
BUDGET=${BENCH_BUDGET:-1500}
STEP_TIMEOUT=${BENCH_STEP_TIMEOUT:-600}
MAX_RSS_MB=${BENCH_MAX_RSS_MB:-8192}
OUT=${BENCH_OUT:-$ROOT/bench/RESULTS.md}
RUN_GO=${BENCH_GO:-1}
SEED=42
START=2024-01-01
QUARTERS=8
QUARTER=2025-Q4 # the last quarter of the sample span
T0=$(date +%s)

say() { printf '[bench %4ds] %s\n' $(($(date +%s) - T0)) "$*" >&2; }
die() { echo "bench: $*" >&2; exit 1; }

[ -x "$PIR" ] || die "$PIR missing: run make build (make bench does)"
if [ ! -x /usr/bin/time ]; then
	say "installing GNU time (apt)"
	if [ "$(id -u)" = 0 ]; then
		apt-get install -y -qq time >/dev/null 2>&1 || { apt-get update -qq >/dev/null && apt-get install -y -qq time >/dev/null; }
	else
		sudo apt-get install -y -qq time >/dev/null
	fi
fi
[ -x /usr/bin/time ] || die "/usr/bin/time (GNU time) is required: apt-get install time"

if [ -n "${BENCH_DIR:-}" ]; then
	WORK=$BENCH_DIR
	mkdir -p "$WORK"
else
	WORK=$(mktemp -d "${TMPDIR:-/tmp}/pir-bench.XXXXXX")
fi
cleanup() { [ "${BENCH_KEEP:-0}" = 1 ] || rm -rf "$WORK"; }
trap cleanup EXIT

BASELINE=$WORK/pir-baseline
say "building the baseline loader (bench/baseline)"
go build -o "$BASELINE" ./bench/baseline

# measure NAME CMD… runs CMD under GNU time with a time and memory guard and
# appends "NAME wall_s rss_kb status" to $WORK/measure.tsv; status is ok,
# failed, timeout or rss. The command's output goes to $WORK/logs/NAME.log.
mkdir -p "$WORK/logs"
measure() {
	local name=$1
	shift
	local tf=$WORK/logs/$name.time log=$WORK/logs/$name.log status=ok
	# the step's time limit: BENCH_STEP_TIMEOUT or what is left of the
	# budget, whichever is less (at least 30 s)
	local limit=$((BUDGET - $(elapsed)))
	[ "$limit" -lt 30 ] && limit=30
	[ "$limit" -gt "$STEP_TIMEOUT" ] && limit=$STEP_TIMEOUT
	rm -f "$tf"
	/usr/bin/time -f '%e %M %U %S' -o "$tf" "$@" >"$log" 2>&1 &
	local tpid=$! waited=0 child rss
	while kill -0 "$tpid" 2>/dev/null; do
		sleep 0.5
		waited=$((waited + 1))
		child=$(pgrep -P "$tpid" | head -1 || true)
		if [ -n "$child" ]; then
			rss=$(ps -o rss= -p "$child" 2>/dev/null | tr -d ' ' || true)
			if [ -n "$rss" ] && [ "$rss" -gt $((MAX_RSS_MB * 1024)) ]; then
				status=rss
				kill -9 "$child" 2>/dev/null || true
			fi
			if [ $((waited / 2)) -ge "$limit" ]; then
				status=timeout
				kill -9 "$child" 2>/dev/null || true
			fi
		fi
	done
	local rc=0
	wait "$tpid" || rc=$?
	if [ "$status" = ok ] && [ "$rc" != 0 ]; then
		status=failed
	fi
	local wall rsskb usr sys
	read -r wall rsskb usr sys < <(grep -E '^[0-9.]+ [0-9]+ [0-9.]+ [0-9.]+$' "$tf" | tail -1 || echo "0 0 0 0")
	if [ "$status" = timeout ]; then wall=$limit; fi
	printf '%s\t%s\t%s\t%s\t%s\n' "$name" "${wall:-0}" "${rsskb:-0}" "$status" "$(awk -v u="${usr:-0}" -v s="${sys:-0}" 'BEGIN { printf("%.2f", u + s) }')" >>"$WORK/measure.tsv"
	say "$name: ${wall}s, $((${rsskb:-0} / 1024)) MB, $status"
	if [ "$status" = failed ]; then
		tail -5 "$log" >&2
	fi
	[ "$status" = ok ]
}

# med NAME-PREFIX FIELD: median of field 2 (wall), 3 (rss kb) or 5 (CPU s)
# over the ok runs whose name starts with the prefix; "" when none.
med() {
	awk -F'\t' -v p="$1" -v f="$2" 'index($1, p) == 1 && $4 == "ok" { print $f }' "$WORK/measure.tsv" |
		sort -g | awk '{ a[NR] = $1 } END { if (NR == 0) exit; if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'
}
statmax() { # peak over every run that ran, finished or stopped
	awk -F'\t' -v p="$1" -v f="$2" 'index($1, p) == 1 && $4 != "skipped" { print $f }' "$WORK/measure.tsv" | sort -g | tail -1
}
count() { awk -F'\t' -v p="$1" 'index($1, p) == 1 && $4 == "ok"' "$WORK/measure.tsv" | wc -l | tr -d ' '; }
# worst status of the runs with a prefix (for steps that never finished)
badstatus() { awk -F'\t' -v p="$1" 'index($1, p) == 1 && $4 != "ok" { print $4; exit }' "$WORK/measure.tsv"; }
elapsed() { echo $(($(date +%s) - T0)); }
fmt() { awk -v x="$1" -v d="${2:-2}" 'BEGIN { if (x == "") print "n/a"; else printf("%.*f\n", d, x) }'; }
div() { awk -v a="$1" -v b="$2" -v d="${3:-2}" 'BEGIN { if (a == "" || b == "" || b == 0) print "n/a"; else printf("%.*f\n", d, a / b) }'; }
mb() { awk -v k="$1" 'BEGIN { if (k == "") print "n/a"; else printf("%.0f\n", k / 1024) }'; }
human() { awk -v n="$1" 'BEGIN { if (n >= 1000000) printf("%g M\n", n / 1000000); else if (n >= 1000) printf("%g k\n", n / 1000); else print n }'; }

: >"$WORK/measure.tsv"
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
largest=$(for n in $SIZES; do echo "$n"; done | sort -n | tail -1)

declare -A BYTES
for n in $SIZES; do
	f=$WORK/cases-$n.jsonl
	measure "gen-$n" "$PIR" sample --cases "$n" --quarters $QUARTERS --seed $SEED --start $START -o "$f" ||
		die "pir sample failed"
	BYTES[$n]=$(wc -c <"$f" | tr -d ' ')
done

# ingest_trio SIZE RUN: pir, the read_json baseline and the bare load on
# fresh databases, in an order that rotates with RUN.
ingest_trio() {
	local n=$1 r=$2 f=$WORK/cases-$1.jsonl
	local pdb=$WORK/pir-$n.duckdb bdb=$WORK/baseline-$n.duckdb
	local k steps=(pir base bare pir base)
	rm -f "$pdb" "$pdb.wal"
	for k in "${steps[@]:$(((r - 1) % 3)):3}"; do
		rm -f "$bdb" "$bdb.wal"
		case $k in
		pir) measure "ingest-pir-$n-$r" "$PIR" ingest --quiet --db "$pdb" "$f" || true ;;
		base) measure "ingest-base-$n-$r" "$BASELINE" --db "$bdb" "$f" || true ;;
		bare) measure "ingest-bare-$n-$r" "$BASELINE" --bare --db "$bdb" "$f" || true ;;
		esac
	done
	rm -f "$bdb" "$bdb.wal"
}

# again PREFIX: whether one more run of a step is worth it: it is quick
# (median under 20 s) and the budget has room for it three times over.
again() {
	local m
	m=$(med "$1" 2)
	[ -n "$m" ] && awk -v m="$m" -v left=$((BUDGET - $(elapsed))) 'BEGIN { exit !(m < 20 && 3 * m < left) }'
}
# room: whether at least 30 s of the budget are left; otherwise the step is
# recorded as skipped.
room() {
	if [ $((BUDGET - $(elapsed))) -ge 30 ]; then return 0; fi
	printf '%s\t0\t0\tskipped\t0\n' "$1" >>"$WORK/measure.tsv"
	say "$1: skipped, BENCH_BUDGET=${BUDGET}s used up"
	return 1
}
lastok() { [ "$(awk -F'\t' -v p="$1" 'index($1, p) == 1 { s = $4 } END { print s }' "$WORK/measure.tsv")" = ok ]; }

# The steps on a loaded database; each runs once, and again while quick.
step_metrics() { # size run
	measure "metrics-$1-$2" "$PIR" metrics --db "$WORK/pir-$1.duckdb" --quarter $QUARTER --quarters 8 --format json || return 1
	cp "$WORK/logs/metrics-$1-$2.log" "$WORK/metrics-$1.json"
}
step_report() {
	rm -rf "$WORK/report-$1"
	measure "report-$1-$2" "$PIR" report --db "$WORK/pir-$1.duckdb" --quarter $QUARTER --quarters 8 --out "$WORK/report-$1"
}
step_export() {
	measure "export-$1-$2" "$PIR" export --quiet --overwrite --db "$WORK/pir-$1.duckdb" --parquet "$WORK/export-$1"
}
step_reingest() {
	measure "reingest-$1-$2" "$PIR" ingest --db "$WORK/pir-$1.duckdb" "$WORK/cases-$1.jsonl" || return 1
	grep -q " 0 inserted, 0 updated, $1 unchanged" "$WORK/logs/reingest-$1-$2.log" ||
		die "re-ingest of an unchanged file changed something: $(cat "$WORK/logs/reingest-$1-$2.log")"
}
# step_add SIZE RUN: 10 k new cases (the 10 k sample under another source)
# into a copy of the loaded database, and their bare load for the ratio.
step_add() {
	local add=$WORK/new-10000.jsonl db=$WORK/add-$1.duckdb bdb=$WORK/add-bare.duckdb
	if [ ! -s "$add" ]; then
		if [ -f "$WORK/cases-10000.jsonl" ]; then
			sed 's/"source":"pir"/"source":"bench-new"/' "$WORK/cases-10000.jsonl" >"$add"
		else
			"$PIR" sample --cases 10000 --quarters $QUARTERS --seed $SEED --start $START | sed 's/"source":"pir"/"source":"bench-new"/' >"$add"
		fi
	fi
	rm -f "$db" "$db.wal" "$bdb" "$bdb.wal"
	cp "$WORK/pir-$1.duckdb" "$db"
	[ -f "$WORK/pir-$1.duckdb.wal" ] && cp "$WORK/pir-$1.duckdb.wal" "$db.wal"
	measure "add-pir-$1-$2" "$PIR" ingest --db "$db" "$add" || return 1
	grep -q " 10000 inserted, 0 updated, 0 unchanged" "$WORK/logs/add-pir-$1-$2.log" ||
		die "10 k new cases were not all inserted: $(cat "$WORK/logs/add-pir-$1-$2.log")"
	measure "add-bare-$1-$2" "$BASELINE" --bare --db "$bdb" "$add" || true
	rm -f "$db" "$db.wal" "$bdb" "$bdb.wal"
}
repeat_step() { # step size: runs 2..RUNS while quick
	local r
	for r in $(seq 2 "$RUNS"); do
		again "$1-$2-" || break
		"step_$1" "$2" "$r" || break
	done
}

GO_BENCH="" PROFILE=""
go_benchmarks() {
	say "Go benchmarks (sample, ingest vs read_json) and a CPU profile of the loader"
	GO_BENCH=$(go test -run '^$' -bench . -benchtime 3x ./sample 2>&1 | grep -E '^(Benchmark|ok|FAIL)' || true)
	GO_BENCH+=$'\n'$(go test -run '^$' -bench Ingest -benchtime 2x -cpuprofile "$WORK/ingest.cpu" -o "$WORK/bench.test" ./bench 2>&1 | grep -E '^(Benchmark|ok|FAIL)' || true)
	if [ -f "$WORK/ingest.cpu" ]; then
		# Only the samples with package ingest on the stack (the pir side,
		# including its decoding goroutines), cumulative.
		go tool pprof -top -cum -unit=s -focus 'github.com/pirhq/pir/ingest\.' -nodefraction 0 -nodecount 100000 "$WORK/bench.test" "$WORK/ingest.cpu" \
			>"$WORK/ingest.top" 2>/dev/null || true
		PROFILE=$(breakdown "$WORK/ingest.top")
	fi
}

# breakdown FILE: the loader's CPU time by part, from a pprof -top -cum
# listing focused on package ingest; the parts are functions that do not
# call each other, the rest is "other". The total is every focused sample
# (the listing keeps every node: "Showing nodes accounting for" all of them).
breakdown() {
	local f=$1 total
	cum() { awk -v re="$1" '$6 ~ re { v = $4; sub(/s$/, "", v); t += v } END { print t + 0 }' "$f"; }
	total=$(awk '/Showing nodes accounting for/ { v = $5; sub(/s,?$/, "", v); print v; exit }' "$f")
	[ -n "$total" ] || return 0
	echo "| part | function (cumulative) | CPU s | share |"
	echo "|---|---|---:|---:|"
	local sum=0 part fn v
	while IFS='|' read -r part fn; do
		v=$(cum "$fn")
		[ -n "$v" ] || v=0
		sum=$(awk -v a="$sum" -v b="$v" 'BEGIN { print a + b }')
		echo "| $part | \`$(echo "$fn" | sed 's/[\\^$]//g')\` | $v | $(awk -v a="$v" -v t="$total" 'BEGIN { printf("%.0f %%", 100 * a / t) }') |"
	done <<'PARTS'
canonical decoding and validation (bytes straight into a Case)|^github.com/pirhq/pir/ingest.fastCanonical$
JSON into a generic map (records the fast path declines, importers)|^github.com/pirhq/pir/ingest.parseObject$
content digest (canonical bytes + SHA-256 per case)|^github.com/pirhq/pir/ingest.\(\*Case\).contentHashBuf$
file SHA-256 (provenance, own goroutine)|^github.com/pirhq/pir/ingest.newAsyncHash.func1$
reading lines|^github.com/pirhq/pir/ingest.readLine$
routing by key (new, unchanged, staged)|^github.com/pirhq/pir/ingest.\(\*keyRouter\).route$
Appender: rows into the store (new cases) or the staging|^github.com/duckdb/duckdb-go/v2.\(\*Appender\).AppendRow$
Appender: flush (DuckDB appends the chunks)|^github.com/duckdb/duckdb-go/v2.\(\*Appender\).Flush$
SQL: stored digests, classify, merge, finish|^github.com/pirhq/pir/sql.\(\*IngestTx\).(StoredDigests|Classify|Merge|Finish)$
commit (DuckDB writes the data)|^github.com/pirhq/pir/sql.\(\*IngestTx\).Commit$
PARTS
	echo "| other (reading, hashing the file, glue) | | $(awk -v t="$total" -v s="$sum" 'BEGIN { printf("%.2f", t - s) }') | $(awk -v t="$total" -v s="$sum" 'BEGIN { printf("%.0f %%", 100 * (t - s) / t) }') |"
	echo "| **total** | samples with package \`ingest\` on the stack | $total | 100 % |"
}

# Smaller sizes: every step, medians of RUNS runs (fewer for slow steps).
for n in $SIZES; do
	[ "$n" = "$largest" ] && continue
	for r in $(seq 1 "$RUNS"); do ingest_trio "$n" "$r"; done
	lastok "ingest-pir-$n-" || { say "ingest $n failed: no database for the other steps"; continue; }
	for s in metrics report export; do
		"step_$s" "$n" 1 && repeat_step "$s" "$n"
	done
	step_reingest "$n" 1 && repeat_step reingest "$n"
done

[ "$RUN_GO" = 1 ] && go_benchmarks

# The largest size: one run of each step first (in order of importance),
# then more runs while the budget lasts. A step still running when the
# budget runs out is stopped and shows as a lower bound.
n=$largest
ingest_trio "$n" 1
if lastok "ingest-pir-$n-"; then
	for s in metrics report add reingest; do
		room "$s-$n-1" && { "step_$s" "$n" 1 || true; }
	done
	trio=$(awk -v a="$(med "ingest-pir-$n-" 2)" -v b="$(med "ingest-base-$n-" 2)" -v c="$(med "ingest-bare-$n-" 2)" 'BEGIN { print int(a + b + c + 1) }')
	for r in $(seq 2 "$RUNS"); do
		if [ $(($(elapsed) + trio)) -gt "$BUDGET" ]; then
			say "ingest $n: $((r - 1)) run(s); another would exceed BENCH_BUDGET=${BUDGET}s"
			break
		fi
		ingest_trio "$n" "$r"
	done
	# the last pir run's database is fresh again: re-ingest once more on it
	if lastok "ingest-pir-$n-" && [ "$(count "ingest-pir-$n-")" -gt 1 ]; then
		repeat_step reingest "$n"
	fi
	repeat_step add "$n"
	repeat_step metrics "$n"
	# where the metrics time goes: one more run with a debug record per query
	if lastok "metrics-$n-" && room "metrics-profile-$n"; then
		"$PIR" --log-level debug metrics --db "$WORK/pir-$n.duckdb" --quarter $QUARTER --quarters 8 --format json \
			>/dev/null 2>"$WORK/metrics-profile.log" || true
	fi
	repeat_step report "$n"
	room "export-$n-1" && { step_export "$n" 1 || true; }
fi

LOAD_END=$(cut -d' ' -f1-3 /proc/loadavg)
TOTAL=$(elapsed)
say "writing $OUT"

# ---- RESULTS.md ---------------------------------------------------------
verdict() { # value target [prefix]: smaller is better; a stopped step missed
	local s=""
	[ -n "${3:-}" ] && s=$(badstatus "$3")
	awk -v v="$1" -v t="$2" -v s="$s" 'BEGIN {
		if (v == "" || v == "n/a") print (s == "timeout" || s == "rss" || s == "failed") ? "**missed** (" s ")" : "—"
		else if (v + 0 <= t + 0) print "met"; else print "**missed**" }'
}
cell() { # prefix: median wall or the failure status
	local v
	v=$(med "$1" 2)
	if [ -n "$v" ]; then fmt "$v"; else
		local s
		s=$(badstatus "$1")
		case $s in
		timeout) echo "> $(awk -F'\t' -v p="$1" 'index($1, p) == 1 && $4 == "timeout" { print $2; exit }' "$WORK/measure.tsv") (stopped)" ;;
		skipped) echo "skipped (budget)" ;;
		rss) echo "stopped: RSS > ${MAX_RSS_MB} MB" ;;
		failed) echo "failed" ;;
		*) echo "n/a" ;;
		esac
	fi
}
{
	echo "# pir benchmarks"
	echo
	echo "Written by \`make bench\` (scripts/bench.sh) on $(date -u +%Y-%m-%dT%H:%MZ); the whole run took ${TOTAL} s."
	echo "Numbers are medians of the runs shown; compare the **ratios** (pir / baseline, measured"
	echo "side by side in the same run, interleaved) rather than the absolute times: the machine is"
	echo "shared and its load changes during a run."
	echo
	echo "## Machine"
	echo
	echo "| | |"
	echo "|---|---|"
	echo "| CPU | $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), $(nproc) cores |"
	echo "| memory | $(awk '/MemTotal/ { printf("%.1f GB", $2 / 1048576) }' /proc/meminfo) |"
	echo "| load average (1/5/15 min) | start $LOAD_START, end $LOAD_END |"
	echo "| OS | $(uname -sr) |"
	echo "| Go | $(go version | cut -d' ' -f3-) |"
	echo "| pir | $("$PIR" --version 2>/dev/null | awk '{ print $NF }') |"
	echo "| DuckDB | duckdb-go/v2 $(go list -m -f '{{.Version}}' github.com/duckdb/duckdb-go/v2) |"
	echo
	echo "## Commands"
	echo
	echo '```sh'
	echo "pir sample --cases N --quarters $QUARTERS --seed $SEED --start $START -o cases-N.jsonl"
	echo "pir ingest --quiet --db pir-N.duckdb cases-N.jsonl              # fresh database each run"
	echo "pir-baseline --bare --db bare-N.duckdb cases-N.jsonl            # go build ./bench/baseline; the bare load, fresh database"
	echo "pir-baseline --db baseline-N.duckdb cases-N.jsonl               # read_json into pir's store tables, fresh database"
	echo "pir ingest --db pir-N.duckdb cases-N.jsonl                      # re-ingest: same file again"
	echo "pir ingest --db copy-of-pir-$(human "$largest" | tr -d ' ').duckdb new-10000.jsonl  # 10 k new cases (source bench-new) into the largest store"
	echo "pir metrics --db pir-N.duckdb --quarter $QUARTER --quarters 8 --format json"
	echo "pir report  --db pir-N.duckdb --quarter $QUARTER --quarters 8 --out report-N/"
	echo '```'
	echo
	echo "Wall time, CPU time and peak RSS from GNU time (\`/usr/bin/time -f '%e %M %U %S'\`) of the"
	echo "whole process. Two baselines, through the same driver, each in one transaction on a"
	echo "fresh database, validating and merging nothing:"
	echo
	echo "- **bare** (bench/bareload.sql): \`read_json\` with an explicit schema (every canonical field,"
	echo "  those of migration 0007 too) into a temp table, then \`CREATE TABLE … AS SELECT\` with"
	echo "  \`unnest\` for techniques, whys, action items, detection rules and playbook updates: what a"
	echo "  user would write with DuckDB alone, the floor to compare with."
	echo "- **read_json** (bench/readjson.sql): the same reader, then \`INSERT … SELECT\` into pir's own"
	echo "  store tables with pir's light normalisation, plus the file's SHA-256 for provenance."
	echo
	echo "## Generation (\`pir sample\`)"
	echo
	echo "| cases | file MB | wall s | cases/s | MB/s | peak RSS MB |"
	echo "|---:|---:|---:|---:|---:|---:|"
	for n in $SIZES; do
		w=$(med "gen-$n" 2)
		echo "| $(human "$n") | $(div "${BYTES[$n]}" 1000000 0) | $(fmt "$w") | $(div "$n" "$w" 0) | $(div "$(div "${BYTES[$n]}" 1000000 6)" "$w" 1) | $(mb "$(med "gen-$n" 3)") |"
	done
	echo
	echo "## Ingest: pir vs DuckDB alone (target: ≤ 1.5 × the bare load at 200 k and 1 M)"
	echo
	echo "Median wall seconds of each (CPU seconds, user + system, in brackets), fresh database each run;"
	echo "**bare** is the bare load, **read_json** DuckDB's reader into pir's store tables."
	echo
	echo "| cases | runs | pir s | bare s | read_json s | **pir / bare** | pir / read_json | CPU pir / bare | pir cases/s | pir MB/s | peak RSS MB pir / bare / read_json |"
	echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
	for n in $SIZES; do
		p=$(med "ingest-pir-$n-" 2)
		b=$(med "ingest-base-$n-" 2)
		k=$(med "ingest-bare-$n-" 2)
		echo "| $(human "$n") | $(count "ingest-pir-$n-")/$(count "ingest-bare-$n-")/$(count "ingest-base-$n-") | $(cell "ingest-pir-$n-") ($(fmt "$(med "ingest-pir-$n-" 5)" 1)) | $(cell "ingest-bare-$n-") ($(fmt "$(med "ingest-bare-$n-" 5)" 1)) | $(cell "ingest-base-$n-") ($(fmt "$(med "ingest-base-$n-" 5)" 1)) | **$(div "$p" "$k")** | $(div "$p" "$b") | $(div "$(med "ingest-pir-$n-" 5)" "$(med "ingest-bare-$n-" 5)") | $(div "$n" "$p" 0) | $(div "$(div "${BYTES[$n]}" 1000000 6)" "$p" 1) | $(mb "$(statmax "ingest-pir-$n-" 3)") / $(mb "$(statmax "ingest-bare-$n-" 3)") / $(mb "$(statmax "ingest-base-$n-" 3)") |"
	done
	echo
	n=$largest
	p=$(med "ingest-pir-$n-" 2)
	b=$(med "ingest-base-$n-" 2)
	k=$(med "ingest-bare-$n-" 2)
	ri=$(med "reingest-$n-" 2)
	ad=$(med "add-pir-$n-" 2)
	adb=$(med "add-bare-$n-" 2)
	me=$(med "metrics-$n-" 2)
	rp=$(med "report-$n-" 2)
	echo "## Targets at $(human "$n") cases"
	echo
	echo "| step | median s | runs | peak RSS MB | target | verdict |"
	echo "|---|---:|---:|---:|---|---|"
	for m in $SIZES; do
		[ "$m" -ge 200000 ] || continue
		echo "| ingest $(human "$m") (ratio to the bare load) | $(cell "ingest-pir-$m-") | $(count "ingest-pir-$m-") | $(mb "$(statmax "ingest-pir-$m-" 3)") | ≤ 1.5 × bare (now $(div "$(med "ingest-pir-$m-" 2)" "$(med "ingest-bare-$m-" 2)")) | $(verdict "$(div "$(med "ingest-pir-$m-" 2)" "$(med "ingest-bare-$m-" 2)")" 1.5 "ingest-pir-$m-") |"
	done
	echo "| re-ingest, unchanged (ratio to first ingest) | $(cell "reingest-$n-") | $(count "reingest-$n-") | $(mb "$(statmax "reingest-$n-" 3)") | ≤ 0.7 × first ingest (now $(div "$ri" "$p")) | $(verdict "$(div "$ri" "$p")" 0.7 "reingest-$n-") |"
	echo "| 10 k new cases into the $(human "$n") store (bare load of the 10 k: $(fmt "$adb") s, ratio $(div "$ad" "$adb")) | $(cell "add-pir-$n-") | $(count "add-pir-$n-") | $(mb "$(statmax "add-pir-$n-" 3)") | ≤ 1.5 s | $(verdict "$ad" 1.5 "add-pir-$n-") |"
	echo "| metrics --format json | $(cell "metrics-$n-") | $(count "metrics-$n-") | $(mb "$(statmax "metrics-$n-" 3)") | ≤ 2 s | $(verdict "$me" 2 "metrics-$n-") |"
	echo "| report (HTML + PDF) | $(cell "report-$n-") | $(count "report-$n-") | $(mb "$(statmax "report-$n-" 3)") | ≤ 5 s | $(verdict "$rp" 5 "report-$n-") |"
	worst=0
	for k in ingest-pir ingest-base ingest-bare reingest add-pir metrics report export; do
		m=$(statmax "$k-$n-" 3)
		[ -n "$m" ] && [ "$m" -gt "$worst" ] && worst=$m
	done
	echo "| peak memory of any step | | | $(mb "$worst") | ≤ 2048 MB | $(verdict "$(mb "$worst")" 2048) |"
	echo
	echo "## Every step by size (report and metrics output should not grow with the case count)"
	echo
	echo "| cases | re-ingest s | metrics s | metrics JSON KB | metrics RSS MB | report s | report RSS MB | PDF KB | HTML KB | export s | export MB |"
	echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
	for n in $SIZES; do
		jk=n/a pk=n/a hk=n/a ek=n/a
		[ -f "$WORK/metrics-$n.json" ] && jk=$(($(wc -c <"$WORK/metrics-$n.json") / 1024))
		[ -f "$WORK/export-$n/_pir_export.json" ] && ek=$(du -sm "$WORK/export-$n" | cut -f1)
		pdf=$(ls "$WORK/report-$n"/*.pdf 2>/dev/null | head -1 || true)
		html=$(ls "$WORK/report-$n"/*.html 2>/dev/null | head -1 || true)
		[ -n "$pdf" ] && pk=$(($(wc -c <"$pdf") / 1024))
		[ -n "$html" ] && hk=$(($(wc -c <"$html") / 1024))
		echo "| $(human "$n") | $(cell "reingest-$n-") | $(cell "metrics-$n-") | $jk | $(mb "$(statmax "metrics-$n-" 3)") | $(cell "report-$n-") | $(mb "$(statmax "report-$n-" 3)") | $pk | $hk | $(cell "export-$n-") | $ek |"
	done
	echo
	echo "Limits during this run: budget ${BUDGET} s for the whole script; a step is stopped after"
	echo "${STEP_TIMEOUT} s (or when the budget runs out) or above ${MAX_RSS_MB} MB RSS. \"stopped\" in a"
	echo "table means that happened (the figure is a lower bound); \"skipped\" that no budget was left."
	jf=$WORK/metrics-$largest.json
	if [ -f "$jf" ] && command -v python3 >/dev/null; then
		echo
		echo "Largest parts of the \`pir metrics --format json\` output at $(human "$largest") cases (what"
		echo "grows with the case count):"
		echo
		echo "| key | KB |"
		echo "|---|---:|"
		python3 - "$jf" <<'PY' || true
import json, sys
d = json.load(open(sys.argv[1]))
for k, v in sorted(d.items(), key=lambda kv: -len(json.dumps(kv[1])))[:5]:
    print(f"| `{k}` | {len(json.dumps(v)) // 1024} |")
PY
	fi
	if [ -s "$WORK/metrics-profile.log" ]; then
		echo
		echo "## Where \`pir metrics\` spends its time at $(human "$largest") cases"
		echo
		echo "One more run with \`--log-level debug\` (a record per query of analytics.Build, in order);"
		echo "each query runs on all cores, so the times add up to the wall time."
		echo
		echo "| query (sql/queries) | rows | s | share |"
		echo "|---|---:|---:|---:|"
		awk '/msg=query/ {
			for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
			e = v["elapsed"]; s = (e ~ /ms$/) ? substr(e, 1, length(e) - 2) / 1000 : (e ~ /µs$/ ? 0 : substr(e, 1, length(e) - 1))
			name[++n] = v["name"]; rows[n] = v["rows"]; secs[n] = s; total += s }
			END { for (i = 1; i <= n; i++) printf("| `%s` | %s | %.2f | %.0f %% |\n", name[i], rows[i], secs[i], total ? 100 * secs[i] / total : 0)
			      printf("| **total** | | %.2f | 100 %% |\n", total) }' "$WORK/metrics-profile.log"
	fi
	if [ -n "$GO_BENCH" ]; then
		echo
		echo "## Go benchmarks"
		echo
		echo "\`go test -bench . -benchtime 3x ./sample\` (generation; the hand-written encoder vs"
		echo "encoding/json) and \`go test -bench Ingest -benchtime 2x ./bench\` (the loader vs the"
		echo "bare load and the read_json baseline on the same 20 k-case file, same run):"
		echo
		echo '```'
		echo "$GO_BENCH"
		echo '```'
	fi
	if [ -n "$PROFILE" ]; then
		echo
		echo "## Where the loader spends its time"
		echo
		echo "CPU profile of \`BenchmarkIngest\` above, only the samples with package \`ingest\` on"
		echo "the stack, i.e. pir's side including its decoding goroutines (\`go tool pprof -top -cum"
		echo "-focus 'pir/ingest\\.'\`). Work inside DuckDB that the loader waits for shows under the"
		echo "Appender and SQL rows (cgo); work on DuckDB's own threads and Go's background GC is"
		echo "not in this table. The baseline does the JSON reading, typing and inserting inside"
		echo "DuckDB, in parallel."
		echo
		echo "$PROFILE"
	fi
	# Decisions measured once, by hand, kept beside the script's own figures.
	for d in "$ROOT/bench/ingest.md" "$ROOT/bench/decoder.md" "$ROOT/bench/slices.md"; do
		[ -f "$d" ] && { echo; cat "$d"; }
	done
	echo
	echo "## Raw measurements"
	echo
	echo "| step | wall s | CPU s | peak RSS MB | status |"
	echo "|---|---:|---:|---:|---|"
	awk -F'\t' '{ printf("| %s | %s | %s | %.0f | %s |\n", $1, $2, $5, $3 / 1024, $4) }' "$WORK/measure.tsv"
} >"$OUT"
say "done in ${TOTAL}s: $OUT"
