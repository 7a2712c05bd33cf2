# Backoffice — common tasks. `make help` lists them.
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -s -w -X main.version=$(VERSION)
GOFILES := $(shell git ls-files '*.go' 2>/dev/null)

.PHONY: help run build bench bench-go test test-race test-race-concurrent test-postgres generate fmt check-fmt vet screenshots clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-14s %s\n", $$1, $$2}'

run: ## serve on the embedded SQLite database (demo data on first start)
	go run ./cmd/backoffice serve

build: ## build a static binary into bin/
	CGO_ENABLED=0 go build -trimpath -ldflags "$(LDFLAGS)" -o bin/backoffice ./cmd/backoffice

test: check-fmt vet ## run every test (PostgreSQL too when TEST_POSTGRES_URL is set)
	go test -count=1 ./...
	@if [ -z "$$TEST_POSTGRES_URL" ]; then echo; \
		echo "Note: the PostgreSQL half of the tests was skipped (TEST_POSTGRES_URL is not set)."; \
		echo "      With a local server: make test-postgres"; fi

test-race: ## run every test with the race detector (needs cgo)
	CGO_ENABLED=1 go test -count=1 -race ./...

# The packages whose tests run things in parallel (throttle bursts, the mail
# worker, ticket numbering), and the parallel tests of app/web.
RACE_PKGS := ./app/auth/ ./app/device/ ./app/notify/... ./app/ticket/
RACE_WEB  := Burst|Concurrent|Parallel|Shutdown|Race

test-race-concurrent: ## the race detector on the tests that run things in parallel (CI)
	CGO_ENABLED=1 go test -count=1 -race $(RACE_PKGS)
	CGO_ENABLED=1 go test -count=1 -race -run '$(RACE_WEB)' ./app/web/ ./app/device/deviceweb/

test-postgres: ## run every test on SQLite and the local PostgreSQL
	TEST_POSTGRES_URL=$${TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable} go test -count=1 ./...

bench: ## measure the pages beside ../shared/perf-floor on PostgreSQL with 1M tickets (needs wrk; BENCH_FLAGS for more)
	go run ./cmd/bench $(BENCH_FLAGS)

bench-go: ## Go benchmarks of the request path's hot spots: permission, session lookup, list query, 25-row render
	go test -run '^$$' -bench . -benchmem ./rbac/ ./app/auth/ ./app/ticket/ ./views/

generate: ## regenerate the templ components after editing views/*.templ
	go tool templ generate -path views

fmt: ## format the Go code
	gofmt -w $(GOFILES)

check-fmt:
	@out=$$(gofmt -l $(GOFILES)); if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

vet:
	go vet ./...

screenshots: ## save screenshots of the pages to screenshots/ (needs Chromium)
	SCREENSHOT_DIR=$(CURDIR)/screenshots go test -count=1 -run 'TestBrowser' ./app/web/

clean:
	rm -rf bin screenshots
