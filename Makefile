# Build and test entry points. `make test` is what CI runs (.ci/run).
# Keep in sync with scripts/test.sh.
STATICCHECK_VERSION := v0.8.2

.PHONY: test run build bench lint

test:
	scripts/test.sh

run:
	go run ./cmd/dossier serve

build:
	go build -o bin/dossier ./cmd/dossier

# DOSSIER_BENCH_FULL=1: the ingest and read benchmarks at SPEC §14's sizes
# (without it they run the few seconds' version that CI runs as TestIngest
# and TestRead).
bench:
	DOSSIER_BENCH_FULL=1 go test -run '^$$' -bench . -benchtime 1x -timeout 120m ./bench/...
	go test -run '^$$' -fuzz '^FuzzParse$$' -fuzztime 10m -fuzzminimizetime 30s ./internal/swift/

lint:
	@out="$$(gofmt -l .)"; if [ -n "$$out" ]; then echo "not gofmt-ed:"; echo "$$out"; exit 1; fi
	go vet ./...
	go run honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION) ./...
