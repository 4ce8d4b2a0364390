#!/usr/bin/env bash
# Installs what `make test` needs when it is missing: Debian's chromium and
# poppler-utils (apt, as root) and mailpit (go install into .tools/bin).
# Idempotent; prints what it does on stderr.
set -euo pipefail
cd "$(dirname "$0")/.."
need_apt=()
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
command -v pdftotext >/dev/null 2>&1 && command -v pdftoppm >/dev/null 2>&1 || need_apt+=(poppler-utils)
command -v fc-list >/dev/null 2>&1 || need_apt+=(fontconfig)
if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "deps: apt-get install ${need_apt[*]}" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
  else
    echo "deps: missing ${need_apt[*]} (run as root or install them: apt-get install ${need_apt[*]})" >&2
  fi
fi
mkdir -p .tools/bin
if ! command -v mailpit >/dev/null 2>&1 && [ ! -x .tools/bin/mailpit ]; then
  echo "deps: go install github.com/axllent/mailpit@v1.33.1" >&2
  GOBIN="$PWD/.tools/bin" CGO_ENABLED=0 go install github.com/axllent/mailpit@v1.33.1
fi
