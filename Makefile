# pir — see README.md. `make demo` and `make test` are the two commands a
# newcomer needs; everything they depend on is installed by scripts/deps.sh.
SHELL := /bin/bash
GO ?= go
export CGO_ENABLED := 1
VERSION := $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -X main.version=$(VERSION)
BIN := bin/pir
DEMO_QUARTER ?= 2025-Q4
TEST_TIMEOUT ?= 40m

.PHONY: all build demo test test-deps lint bench golden fuzz clean

all: build

build:
	$(GO) build -ldflags "$(LDFLAGS)" -o $(BIN) ./cmd/pir

demo: build
	bash scripts/demo.sh $(BIN) $(DEMO_QUARTER)

# test installs what the suite needs (Chromium, poppler-utils, mailpit) when
# missing, then runs every test against the real parts.
test: test-deps
	PATH="$(CURDIR)/.tools/bin:$$PATH" $(GO) test -count=1 -timeout $(TEST_TIMEOUT) ./...

test-deps:
	bash scripts/deps.sh

lint:
	$(GO) vet ./...
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	bash scripts/depcheck.sh
	bash scripts/layoutcheck.sh

# golden rewrites the golden files of every package whose tests define -update
# (the ATT&CK catalogue in sql/attack too, never a migration) and the fuzz
# seeds generated from testdata/hostile.
golden:
	$(GO) test -count=1 -timeout 40m $$(grep -rl --include='*_test.go' 'flag.Bool("update"' . | xargs -n1 dirname | sort -u) -update
	$(GO) run ./scripts/fuzzseeds

fuzz:
	$(GO) run ./scripts/fuzzseeds
	bash scripts/fuzz.sh

bench: build
	bash scripts/bench.sh

clean:
	rm -rf bin out .tools
