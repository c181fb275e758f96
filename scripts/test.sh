#!/usr/bin/env bash
# Sets up the test backends (PostgreSQL, MinIO), then runs gofmt, go vet,
# staticcheck and the whole test suite with -race. One command, for CI and for
# a fresh Debian machine (run as root, or with sudo available).
#
#   scripts/test.sh                              # everything: go test ./...
#   scripts/test.sh -run Upload ./internal/blob/...
#
# Arguments go to `go test`; ./... is appended when none of them is a package
# pattern (./x, ../x, dossier/x).
#
# Already-set variables win and skip the matching set-up: TEST_DATABASE_URL,
# DOSSIER_TEST_S3_URL, DOSSIER_TEST_MEILI_URL. Other knobs: TEST_PG_ADMIN_URL
# (or PGUSER) for the server the throw-away database is made on,
# DOSSIER_MINIO_BIN, DOSSIER_PG_CLUSTER (cluster name to create, default main).
# CI=true turns every backend that cannot be set up into a hard failure.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

MINIO_VERSION=v0.0.0-20260212201848-7aac2a2c5b7c
STATICCHECK_VERSION=v0.8.2 # newest on the proxy that builds with Go 1.26; keep in sync with Makefile
TOOLS_DIR="${XDG_CACHE_HOME:-$HOME/.cache}/dossier-tools"
export DEBIAN_FRONTEND=noninteractive PGCONNECT_TIMEOUT=10

log() { printf '==> %s\n' "$*" >&2; }
# unavailable NAME: a backend could not be set up (the reason is already logged).
unavailable() {
	if [[ ${CI:-} == true ]]; then
		log "ERROR: $1 could not be set up and CI=true"
		exit 1
	fi
	log "WARNING: $1 could not be set up; its tests will skip themselves"
}
rand_hex() { od -An -N"$1" -tx1 /dev/urandom | tr -d ' \n'; }

SUDO=()
if [[ $(id -u) -ne 0 ]]; then SUDO=(sudo); fi

# --- clean-up: runs on every exit path -------------------------------------
MINIO_PID='' MINIO_DIR='' PG_DB='' PG_ADMIN_URL='' PG_STARTED=()
cleanup() {
	local rc=$?
	if [[ -n $MINIO_PID ]]; then
		kill "$MINIO_PID" 2>/dev/null || true
		for _ in {1..50}; do kill -0 "$MINIO_PID" 2>/dev/null || break; sleep 0.2; done
		kill -9 "$MINIO_PID" 2>/dev/null || true
		wait "$MINIO_PID" 2>/dev/null || true
	fi
	if [[ -n $MINIO_DIR ]]; then rm -rf "$MINIO_DIR"; fi
	if [[ -n $PG_DB ]]; then
		psql "$PG_ADMIN_URL" -qX -c "DROP DATABASE IF EXISTS \"$PG_DB\" WITH (FORCE)" >/dev/null ||
			log "WARNING: could not drop database $PG_DB"
	fi
	if ((${#PG_STARTED[@]})); then
		"${SUDO[@]}" pg_ctlcluster --skip-systemctl-redirect "${PG_STARTED[@]}" stop || true
	fi
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- system packages -------------------------------------------------------
missing=() PG_INSTALLED=''
command -v pdftotext >/dev/null || missing+=(poppler-utils)
command -v chromium >/dev/null || missing+=(chromium) # the web UI's browser tests
command -v dot >/dev/null || missing+=(graphviz) # the admin page's workflow diagrams
# The Chinese pages' screenshots need a CJK font, else they show empty boxes.
if ! command -v fc-list >/dev/null || ! fc-list :lang=zh | grep -q .; then missing+=(fonts-noto-cjk); fi
command -v curl >/dev/null || missing+=(curl)
command -v "$(go env CC)" >/dev/null || missing+=(gcc libc6-dev) # -race needs cgo
if [[ -z ${TEST_DATABASE_URL:-} ]]; then
	command -v psql >/dev/null || missing+=(postgresql-client)
	if ! command -v pg_ctlcluster >/dev/null && ! compgen -G '/usr/lib/postgresql/*/bin/postgres' >/dev/null; then
		missing+=(postgresql)
		PG_INSTALLED=1
	fi
fi
if ((${#missing[@]})); then
	log "installing ${missing[*]}"
	if ! { "${SUDO[@]}" apt-get update -qq && "${SUDO[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"; }; then
		log "apt-get install ${missing[*]} failed"
		unavailable "system packages"
	fi
fi

# --- PostgreSQL: a throw-away database -------------------------------------
# cluster_on_port PORT: prints "VERSION NAME" of the local cluster on PORT.
cluster_on_port() { pg_lsclusters -h 2>/dev/null | awk -v p="$1" '$3 == p { print $1, $2; exit }'; }

start_postgres() {
	local port=$1 cluster ver name=${DOSSIER_PG_CLUSTER:-main}
	command -v pg_lsclusters >/dev/null || { log "no pg_lsclusters (postgresql-common) to start a server"; return 1; }
	cluster=$(cluster_on_port "$port")
	if [[ -z $cluster ]]; then
		ver=$(find /usr/lib/postgresql -path '*/bin/postgres' 2>/dev/null | awk -F/ '{ print $5 }' | sort -n | tail -1)
		[[ -n $ver ]] || { log "no PostgreSQL server installed"; return 1; }
		log "creating PostgreSQL $ver cluster $name on port $port (trust on loopback)"
		"${SUDO[@]}" pg_createcluster -p "$port" "$ver" "$name" -- --auth-local=peer --auth-host=trust >/dev/null || return 1
		cluster="$ver $name"
	fi
	log "starting PostgreSQL cluster $cluster"
	read -ra PG_STARTED <<<"$cluster"
	"${SUDO[@]}" pg_ctlcluster --skip-systemctl-redirect "${PG_STARTED[@]}" start || { PG_STARTED=(); return 1; }
}

# trust_loopback PORT: a cluster this run installed uses password auth on
# loopback; the tests connect without a password, so trust loopback there.
trust_loopback() {
	local cluster hba
	read -ra cluster <<<"$(cluster_on_port "$1")"
	((${#cluster[@]} == 2)) || return 1
	hba="/etc/postgresql/${cluster[0]}/${cluster[1]}/pg_hba.conf"
	log "allowing passwordless loopback connections in $hba (cluster installed by this run)"
	"${SUDO[@]}" sed -i '1i host all all 127.0.0.1/32 trust\nhost all all ::1/128 trust' "$hba" &&
		"${SUDO[@]}" pg_ctlcluster --skip-systemctl-redirect "${cluster[@]}" reload
}

setup_postgres() {
	PG_ADMIN_URL=${TEST_PG_ADMIN_URL:-postgres://${PGUSER:-postgres}@127.0.0.1:5432/postgres?sslmode=disable}
	local hostport=${PG_ADMIN_URL#*://} base=${PG_ADMIN_URL%%\?*} prefix query port local=''
	hostport=${hostport#*@} hostport=${hostport%%[/?]*}
	port=5432
	if [[ $hostport == *:* ]]; then port=${hostport##*:}; fi
	case ${hostport%:*} in 127.0.0.1 | localhost | '[::1]') local=1 ;; esac
	command -v psql >/dev/null || { log "psql is not installed"; return 1; }

	if ! pg_isready -q -d "$PG_ADMIN_URL"; then
		[[ -n $local ]] || { log "PostgreSQL at $hostport is not ready"; return 1; }
		start_postgres "$port" || { log "could not start PostgreSQL"; return 1; }
		for _ in {1..60}; do pg_isready -q -d "$PG_ADMIN_URL" && break; sleep 0.5; done
		pg_isready -q -d "$PG_ADMIN_URL" || { log "PostgreSQL did not become ready"; return 1; }
	fi
	if ! psql "$PG_ADMIN_URL" -qXAt -c 'SELECT 1' >/dev/null 2>&1 && [[ -n $local && -n $PG_INSTALLED ]]; then
		trust_loopback "$port" || true
		for _ in {1..20}; do psql "$PG_ADMIN_URL" -qXAt -c 'SELECT 1' >/dev/null 2>&1 && break; sleep 0.5; done
	fi

	local db
	db="dossier_test_$(rand_hex 6)"
	psql "$PG_ADMIN_URL" -qX -v ON_ERROR_STOP=1 -c "CREATE DATABASE \"$db\"" >/dev/null ||
		{ log "cannot create a database through $PG_ADMIN_URL (set TEST_PG_ADMIN_URL or TEST_DATABASE_URL)"; return 1; }
	PG_DB=$db
	# Same server and credentials as the admin URL, other database name.
	prefix=$base
	if [[ ${base#*://} == */* ]]; then prefix=${base%/*}; fi
	query=${PG_ADMIN_URL#"$base"}
	export TEST_DATABASE_URL="$prefix/$db${query:-?sslmode=disable}"
	log "PostgreSQL: database $db (dropped on exit)"
}

if [[ -n ${TEST_DATABASE_URL:-} ]]; then
	log "PostgreSQL: using the caller's TEST_DATABASE_URL"
else
	setup_postgres || unavailable PostgreSQL
fi

# --- MinIO -----------------------------------------------------------------
port_free() { ! (: >"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
# free_port [EXCEPT]: prints a loopback port nothing listens on.
free_port() {
	local p
	for _ in {1..100}; do
		p=$((20000 + RANDOM % 20000))
		if [[ $p != "${1:-}" ]] && port_free "$p"; then echo "$p"; return 0; fi
	done
	return 1
}

setup_minio() {
	local bin=${DOSSIER_MINIO_BIN:-$TOOLS_DIR/minio-$MINIO_VERSION/minio} port cport user=dossiertest pass
	if [[ -z ${DOSSIER_MINIO_BIN:-} && ! -x $bin ]]; then
		log "building MinIO $MINIO_VERSION into ${bin%/*} (about 5 minutes, once)"
		GOBIN=${bin%/*} go install "github.com/minio/minio@$MINIO_VERSION" || { log "MinIO build failed"; return 1; }
	fi
	if ! port=$(free_port) || ! cport=$(free_port "$port"); then log "no free port for MinIO"; return 1; fi
	pass=$(rand_hex 16)
	MINIO_DIR=$(mktemp -d "${TMPDIR:-/tmp}/dossier-minio.XXXXXX")
	HOME=$MINIO_DIR MINIO_ROOT_USER=$user MINIO_ROOT_PASSWORD=$pass MINIO_UPDATE=off \
		"$bin" server --quiet --address "127.0.0.1:$port" --console-address "127.0.0.1:$cport" \
		--certs-dir "$MINIO_DIR/certs" "$MINIO_DIR/data" >"$MINIO_DIR/log" 2>&1 &
	MINIO_PID=$!
	for _ in {1..120}; do
		curl -sf -o /dev/null "http://127.0.0.1:$port/minio/health/ready" && break
		kill -0 "$MINIO_PID" 2>/dev/null || break
		sleep 0.5
	done
	if ! curl -sf -o /dev/null "http://127.0.0.1:$port/minio/health/ready"; then
		log "MinIO ($bin) did not become ready within 60 s; last lines of its log:"
		tail -n 20 "$MINIO_DIR/log" >&2 || true
		return 1
	fi
	export DOSSIER_TEST_S3_URL="s3://dossier-test?endpoint=127.0.0.1:$port&access_key=$user&secret_key=$pass&secure=false"
	log "MinIO: 127.0.0.1:$port (console $cport), stopped on exit"
}

if [[ -n ${DOSSIER_TEST_S3_URL:-} ]]; then
	log "MinIO: using the caller's DOSSIER_TEST_S3_URL"
else
	setup_minio || unavailable MinIO
fi

if [[ -n ${DOSSIER_TEST_MEILI_URL:-} ]]; then
	export DOSSIER_TEST_MEILI_URL
	log "Meilisearch: using the caller's DOSSIER_TEST_MEILI_URL"
else
	log "Meilisearch: DOSSIER_TEST_MEILI_URL is unset, its tests will be skipped"
fi

# --- staticcheck (binary keyed by Go version: it must know the language) ----
STATICCHECK="$TOOLS_DIR/staticcheck-$STATICCHECK_VERSION-$(go env GOVERSION)/staticcheck"
if [[ ! -x $STATICCHECK ]]; then
	log "installing staticcheck $STATICCHECK_VERSION into ${STATICCHECK%/*}"
	GOBIN=${STATICCHECK%/*} go install "honnef.co/go/tools/cmd/staticcheck@$STATICCHECK_VERSION" ||
		{ log "WARNING: staticcheck could not be installed; skipping it"; STATICCHECK=''; }
fi

# --- checks and tests ------------------------------------------------------
log "gofmt -l ."
unformatted=$(gofmt -l .)
if [[ -n $unformatted ]]; then
	printf '%s\n' "$unformatted" >&2
	log "ERROR: the files above are not gofmt-ed"
	exit 1
fi
log "go vet ./..."
go vet ./...
if [[ -n $STATICCHECK ]]; then
	log "staticcheck ./..."
	"$STATICCHECK" ./...
fi

args=("$@")
has_pkg=''
for a in "$@"; do
	case $a in ./* | ../* | dossier | dossier/*) has_pkg=1 ;; esac
done
[[ -n $has_pkg ]] || args+=(./...)
log "go test -race -count=1 -timeout 45m ${args[*]}"
go test -race -count=1 -timeout 45m "${args[@]}"

# The SWIFT parser must never panic: on a full run, fuzz it briefly (make bench
# fuzzes it for ten minutes). A failing input lands in internal/swift/testdata.
# Then the other hostile-input targets of SPEC §15: the upload metadata, the
# merge patch and the workflow loader. The budgets are counts of inputs (about
# ten seconds each here), not durations: Go 1.26's fuzzer can fail a target
# with "context deadline exceeded" when a -fuzztime duration runs out while a
# worker is busy (go.dev/issue/75804, fixed in Go 1.27).
if [[ -z $has_pkg ]]; then
	for target in FuzzParse:./internal/swift/:150000 FuzzUploadMetadata:./internal/httpapi/:8000 \
		FuzzMergePatch:./internal/documents/:100000 FuzzParse:./internal/workflow/:30000; do
		IFS=: read -r name pkg count <<<"$target"
		log "go test -fuzz $name -fuzztime ${count}x $pkg"
		go test -run '^$' -fuzz "^$name\$" -fuzztime "${count}x" -fuzzminimizetime 5s "$pkg"
	done
fi
