# Build and test entry points. `make test` is what CI runs (.ci/run).
# Keep in sync with scripts/test.sh.
STATICCHECK_VERSION := v0.8.2

.PHONY: test run build bench soak lint

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
	go test -run '^$$' -fuzz '^FuzzUploadMetadata$$' -fuzztime 2m ./internal/httpapi/
	go test -run '^$$' -fuzz '^FuzzMergePatch$$' -fuzztime 2m ./internal/documents/
	go test -run '^$$' -fuzz '^FuzzParse$$' -fuzztime 2m ./internal/workflow/

# The fault tests at length: more kills, more load, longer outages.
soak:
	DOSSIER_SOAK=1 go test -count=1 -timeout 60m -v ./internal/faulttest/

lint:
	@out="$$(gofmt -l .)"; if [ -n "$$out" ]; then echo "not gofmt-ed:"; echo "$$out"; exit 1; fi
	go vet ./...
	go run honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION) ./...
