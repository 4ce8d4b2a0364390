#!/usr/bin/env bash
# Layout check: every package of the module has its line in the README's
# Layout section ("path   what it holds"), and the section lists no package
# that is gone.
set -euo pipefail
cd "$(dirname "$0")/.."
mod=$(go list -m)
section=$(awk '/^## Layout/{on=1; next} /^## /{on=0} on' README.md | awk '/^```/{inblock=!inblock; next} inblock {print $1}')
fail=0
for p in $(go list ./... | sed "s|^$mod/||; s|^$mod\$|.|"); do
  if ! grep -qx -- "$p" <<<"$section"; then
    echo "layoutcheck: package $p has no line in the README's Layout section" >&2; fail=1
  fi
done
for p in $section; do
  if [ ! -d "$p" ]; then
    echo "layoutcheck: the README's Layout section lists $p, which does not exist" >&2; fail=1
  fi
done
exit $fail
