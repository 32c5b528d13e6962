# Banx: `make run` starts the product on embedded defaults; `make test` installs
# what the tests need and runs them all. See README.md.

GO       ?= go
VERSION  ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS  := -X main.version=$(VERSION)
BIN      := bin
KUBO     := $(BIN)/ipfs
XRPLJS   := internal/xrpl/testdata/xrpljs
TESTFLAGS ?= -race -count=1 -timeout 20m
BENCHTIME ?= 2s

.PHONY: all build run test test-deps tools browser bench vet fmt clean

all: build

## build: compile bin/banx
build:
	$(GO) build -trimpath -ldflags "$(LDFLAGS)" -o $(BIN)/banx ./cmd/banx

## run: start Banx on embedded defaults (data in ./data, http://127.0.0.1:8080)
run: build
	./$(BIN)/banx serve

## tools: build Kubo v0.43.1 into bin/ipfs from the committed tools module (once)
tools: $(KUBO)

$(KUBO): internal/tools/kubo/go.mod internal/tools/kubo/go.sum
	@echo "building Kubo into $(KUBO) (about 2 minutes the first time)"
	cd internal/tools/kubo && $(GO) build -trimpath -ldflags "-s -w" -o ../../../$(KUBO) github.com/ipfs/kubo/cmd/ipfs
	@touch $(KUBO)

## test-deps: everything the tests need: Kubo, xrpl.js, chromium
test-deps: tools $(XRPLJS)/node_modules/.package-lock.json browser

## browser: Debian's chromium for the browser journey test (cmd/banx/browser_test.go)
browser:
	command -v chromium >/dev/null || (apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium)

$(XRPLJS)/node_modules/.package-lock.json: $(XRPLJS)/package-lock.json
	npm ci --prefix $(XRPLJS) --no-audit --no-fund
	@touch $@

## test: install test dependencies, vet, and run every test with the race detector
test: test-deps vet
	$(GO) test $(TESTFLAGS) ./...

## vet: static checks
vet:
	$(GO) vet ./...
	@test -z "$$(gofmt -l cmd internal contracts web)" || (echo "gofmt needed:"; gofmt -l cmd internal contracts web; exit 1)

## bench: every benchmark of the project, against its baselines, in one run
bench: test-deps
	$(GO) test -run '^$$' -bench . -benchtime $(BENCHTIME) -benchmem ./...

fmt:
	gofmt -w cmd internal contracts web

clean:
	rm -rf $(BIN)
