#!/usr/bin/env bash
# fuzz.sh runs every Go fuzz target (func Fuzz*) in the module for a bounded
# number of iterations each, so `make fuzz` finishes in minutes and covers
# targets added later without editing this script.
#
#   scripts/fuzz.sh                 # every target, FUZZTIME each
#   FUZZTIME=30s scripts/fuzz.sh    # a duration instead of an iteration count
#   FUZZ_RUN=TheHive scripts/fuzz.sh ./ingest/   # targets matching a regexp, in some packages
#
# Environment: FUZZTIME (default 5000x: -fuzztime, iterations or a duration),
# FUZZ_RUN (regexp on target names, default all), FUZZ_MINIMIZE (default 10s),
# FUZZ_PARALLEL (fuzz workers, default GOMAXPROCS). Arguments are package
# patterns (default ./...).
#
# A failing input is written by `go test` to <pkg>/testdata/fuzz/<Target>/:
# fix the bug and check the file in; `go test` then replays it on every run.
set -euo pipefail
cd "$(dirname "$0")/.."
export CGO_ENABLED=1
GO=${GO:-go}
FUZZTIME=${FUZZTIME:-5000x}
FUZZ_RUN=${FUZZ_RUN:-.}
FUZZ_MINIMIZE=${FUZZ_MINIMIZE:-10s}
pkgs=("$@")
[ ${#pkgs[@]} -eq 0 ] && pkgs=(./...)

# Discover targets: `go test -list` prints the matching names of a package,
# then "ok <import path> <time>". A package that does not build fails here,
# loudly: a fuzz run that silently skips a package proves nothing.
list=$("$GO" test -list '^Fuzz' "${pkgs[@]}") || {
	echo "$list" >&2
	echo "fuzz.sh: listing fuzz targets failed (does every package build?)" >&2
	exit 1
}
targets=()
names=()
while IFS= read -r line; do
	case "$line" in
	Fuzz*) names+=("$line") ;;
	ok*)
		pkg=$(awk '{print $2}' <<<"$line")
		for n in "${names[@]+"${names[@]}"}"; do
			if [[ $n =~ $FUZZ_RUN ]]; then targets+=("$pkg $n"); fi
		done
		names=()
		;;
	esac
done <<<"$list"

if [ ${#targets[@]} -eq 0 ]; then
	echo "fuzz.sh: no fuzz targets matched FUZZ_RUN=$FUZZ_RUN in ${pkgs[*]}" >&2
	exit 1
fi

parallel=()
[ -n "${FUZZ_PARALLEL:-}" ] && parallel=(-parallel "$FUZZ_PARALLEL")
failed=()
for t in "${targets[@]}"; do
	read -r pkg name <<<"$t"
	echo "=== fuzz $pkg $name ($FUZZTIME)"
	start=$SECONDS
	if "$GO" test -run '^$' -fuzz "^${name}\$" -fuzztime "$FUZZTIME" -fuzzminimizetime "$FUZZ_MINIMIZE" \
		"${parallel[@]+"${parallel[@]}"}" -timeout 30m "$pkg"; then
		echo "--- ok   $pkg $name ($((SECONDS - start))s)"
	else
		echo "--- FAIL $pkg $name ($((SECONDS - start))s)"
		failed+=("$pkg $name")
	fi
done

echo
echo "fuzz.sh: ${#targets[@]} target(s), ${#failed[@]} failed"
if [ ${#failed[@]} -gt 0 ]; then
	printf '  %s\n' "${failed[@]}"
	echo "Failing inputs are in <pkg>/testdata/fuzz/<Target>/: fix the bug, then check them in." >&2
	exit 1
fi
