# Banx: `make run` starts the product on embedded defaults; `make test` installs
# what the tests need and runs them all. See README.md.

GO       ?= go
VERSION  ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS  := -X main.version=$(VERSION)
BIN      := bin
KUBO     := $(BIN)/ipfs
XRPLJS   := internal/xrpl/testdata/xrpljs
TESTFLAGS ?= -race -count=1 -timeout 20m
BENCHTIME ?= 1s
BENCHOUT ?= $(BIN)/bench.txt
FUZZTIME ?= 30s
DURATION ?= 60s
CONNS    ?= 1000

# SQLite's full-text search (FTS5) is compiled into mattn/go-sqlite3 only with
# this tag; every go command below (and any `go` the tests start) inherits it.
export GOFLAGS := -tags=sqlite_fts5

# go.mod names the toolchain with the latest security fixes (govulncheck found
# html/template, net/http and crypto/tls issues reachable in go1.26.8); auto
# fetches it from the module proxy once when the installed Go is older.
export GOTOOLCHAIN := auto

.PHONY: all build run test test-deps tools browser wrk bench fuzz loadtest vet vuln fmt clean web

all: build

## build: compile bin/banx
build:
	$(GO) build -trimpath -ldflags "$(LDFLAGS)" -o $(BIN)/banx ./cmd/banx

## run: start Banx on embedded defaults (data in ./data, http://127.0.0.1:8080)
run: build
	./$(BIN)/banx serve --sample

## tools: build Kubo v0.43.1 into bin/ipfs from the committed tools module (once)
tools: $(KUBO)

$(KUBO): internal/tools/kubo/go.mod internal/tools/kubo/go.sum
	@echo "building Kubo into $(KUBO) (about 2 minutes the first time)"
	cd internal/tools/kubo && $(GO) build -trimpath -ldflags "-s -w" -o ../../../$(KUBO) github.com/ipfs/kubo/cmd/ipfs
	@touch $(KUBO)

## web: rebuild web/static/publish.js (the Publish page's in-browser wallet,
## xrpl.js bundled by esbuild) from web/wallet; commit it with web/wallet/build.sum.
## Not part of test: the committed bundle serves offline, and a Go test
## (TestPublishBundleUpToDate) fails when it is stale.
web:
	npm ci --prefix web/wallet --no-audit --no-fund
	npm run --prefix web/wallet build

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

## wrk: the HTTP load generator the view-beacon benchmark drives (Debian's wrk)
wrk:
	command -v wrk >/dev/null || (apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y wrk)

## bench: every benchmark of the project in one run (about 10 minutes on 2 cores),
## raw output in $(BENCHOUT), then one table: each figure against its baseline
## from the same run or the issue's goal (internal/tools/benchtable). Packages
## whose benchmarks build large fixtures run a fixed count (-benchtime Nx).
bench: test-deps wrk
	@mkdir -p $(BIN) && : > $(BENCHOUT)
	-$(GO) test -run '^$$' -bench . -benchtime $(BENCHTIME) -benchmem -timeout 30m $$($(GO) list ./... | grep -v -E '/internal/(payout|ledger|publish|xrpl|ipfs|http)$$') 2>&1 | tee -a $(BENCHOUT)
	-$(GO) test -run '^$$' -bench . -benchtime 3s -count 3 -timeout 30m ./internal/http 2>&1 | tee -a $(BENCHOUT)
	-$(GO) test -run '^$$' -bench . -benchtime 2000x -timeout 30m ./internal/ipfs 2>&1 | tee -a $(BENCHOUT)
	-$(GO) test -run '^$$' -bench . -benchtime 5000x -timeout 30m ./internal/ledger 2>&1 | tee -a $(BENCHOUT)
	-$(GO) test -run '^$$' -bench . -benchtime 100x -timeout 30m ./internal/xrpl 2>&1 | tee -a $(BENCHOUT)
	-$(GO) test -run '^$$' -bench BatchAnchor -benchtime 1x -timeout 30m ./internal/publish 2>&1 | tee -a $(BENCHOUT)
	-$(GO) test -run '^$$' -bench 'Publish$$' -benchtime 10x -timeout 30m ./internal/publish 2>&1 | tee -a $(BENCHOUT)
	-$(GO) test -run '^$$' -bench . -benchtime 1x -timeout 30m ./internal/payout 2>&1 | tee -a $(BENCHOUT)
	@echo
	$(GO) run ./internal/tools/benchtable < $(BENCHOUT)

## fuzz: every Fuzz target of the project for FUZZTIME each, one after the
## other, then a summary (not part of make test). Seeds: testdata/fuzz/FuzzX.
fuzz:
	@pass=0; fail=0; failed=""; \
	for f in $$(grep -rl --include='*_test.go' '^func Fuzz' cmd internal contracts); do \
	  pkg=./$$(dirname $$f); \
	  for t in $$(sed -n 's/^func \(Fuzz[A-Za-z0-9_]*\)(.*/\1/p' $$f); do \
	    echo "== $$t in $$pkg for $(FUZZTIME)"; \
	    if $(GO) test -run '^$$' -fuzz "^$$t\$$" -fuzztime $(FUZZTIME) $$pkg; then pass=$$((pass+1)); \
	    else fail=$$((fail+1)); failed="$$failed $$pkg:$$t"; fi; \
	  done; \
	done; \
	echo "fuzz: $$pass targets passed, $$fail failed$$failed"; test $$fail -eq 0

## loadtest: start bin/banx serve on a fresh data dir and a free loopback port,
## publish one article, then read it and send view beacons from CONNS
## concurrent connections for DURATION (internal/tools/loadtest).
loadtest: build
	$(GO) run ./internal/tools/loadtest -banx $(BIN)/banx -duration $(DURATION) -conns $(CONNS)

fmt:
	gofmt -w cmd internal contracts web

clean:
	rm -rf $(BIN)

GOVULNCHECK_VERSION ?= v1.1.4
VULNDB_VERSION      ?= v0.0.0-20261105234957-e22db6528018
VULNDB              := $(BIN)/vulndb

## vuln: govulncheck against an offline Go vulnerability database built from
## golang.org/x/vulndb's data/osv at VULNDB_VERSION, which the module proxy
## serves (bump it to the newest in https://proxy.golang.org/golang.org/x/vulndb/@v/list);
## exits 3 when the code reaches a known vulnerability
vuln: $(VULNDB)/index/db.json
	$(GO) run golang.org/x/vuln/cmd/govulncheck@$(GOVULNCHECK_VERSION) -db file://$(abspath $(VULNDB)) ./...

$(VULNDB)/index/db.json:
	$(GO) mod download golang.org/x/vulndb@$(VULNDB_VERSION)
	rm -rf $(VULNDB)
	$(GO) run golang.org/x/vulndb/cmd/indexdb@$(VULNDB_VERSION) -vulns $$($(GO) env GOMODCACHE)/golang.org/x/vulndb@$(VULNDB_VERSION)/data/osv -out $(VULNDB)
