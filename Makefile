# The two commands that work on a fresh machine: `make demo` and `make test`.
SHELL := /bin/bash
GO ?= go
FUNCTIONS := authorize schedule-scan run-check-shard remediate meter-quota
BIN := bin
# Static linux/amd64 binaries: what FC's custom.debian12 runtime runs as /code/bootstrap.
BUILD_ENV := CGO_ENABLED=0 GOOS=linux GOARCH=amd64
BUILD_FLAGS := -trimpath -ldflags='-s -w'

.PHONY: all build package demo test deps fuzz bench lint clean

all: build

build:
	@mkdir -p $(BIN)
	@for f in $(FUNCTIONS); do \
		echo "build $(BIN)/$$f"; \
		$(BUILD_ENV) $(GO) build $(BUILD_FLAGS) -o $(BIN)/$$f ./functions/$$f || exit 1; \
	done
	@echo "build $(BIN)/cspm"
	@$(BUILD_ENV) $(GO) build $(BUILD_FLAGS) -o $(BIN)/cspm ./local/cmd/cspm

package: build
	$(BIN)/cspm package --bin $(BIN) --out dist

demo: build
	$(BIN)/cspm demo --bin $(BIN) --spec s.yaml

# deps installs what the tests need on a fresh machine: the Go modules, and the Debian
# packages and cached Debian root the host-baseline tests use (scripts/test-deps.sh,
# apt-get as root when something is missing).
deps:
	@command -v $(GO) >/dev/null || { echo "go is not installed: see README"; exit 1; }
	$(GO) mod download
	bash scripts/test-deps.sh

test: deps lint
	$(GO) test -race -count=1 -timeout 20m ./...
	@$(MAKE) --no-print-directory fuzz

# fuzz runs each fuzz target briefly from its seed corpus (testdata/fuzz); plain
# `go test` above already replays the corpus itself. Counts, not durations: a duration
# that ends while the fuzzer minimizes an input fails with "context deadline exceeded".
FUZZN ?= 100000
fuzz:
	$(GO) test -run '^$$' -fuzz '^FuzzPlainBuffer$$' -fuzztime $(FUZZN)x ./local/otsim/
	$(GO) test -run '^$$' -fuzz '^FuzzHandlers$$' -fuzztime $$(( $(FUZZN) / 5 ))x ./local/otsim/

# bench also runs local/bench/opa, its own module (OPA stays out of go.mod): the check
# engine and OPA on the same five items and inventory, one core each, side by side.
bench: deps
	$(GO) test -run '^$$' -bench . -benchmem -count=1 -timeout 20m ./...
	cd local/bench/opa && $(GO) test -run '^$$' -bench . -benchmem -count=1 -cpu 1 -timeout 20m .

lint:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	@# The benchmark-only OPA module builds against this one: a new dependency here needs
	@# its go.sum there too, or make bench fails to set up.
	cd local/bench/opa && $(GO) vet .

clean:
	rm -rf $(BIN) dist
