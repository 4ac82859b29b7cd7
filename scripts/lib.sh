# Shared set-up steps for scripts/start and scripts/test. Sourced, not run.
# Each step installs what is missing, so a fresh machine needs nothing by hand.

# Where cargo puts its output (CI may point CARGO_TARGET_DIR outside the clone).
target_dir() {
  echo "${CARGO_TARGET_DIR:-$PWD/target}"
}

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    echo "passend: '$*' needs root; run it once by hand" >&2; return 1; fi
}

apt_updated=
apt_install() {
  if [ -z "$apt_updated" ]; then as_root apt-get update -qq; apt_updated=1; fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

ensure_rust() {
  command -v cargo >/dev/null || { echo "passend: Rust (cargo) is missing: install it with rustup first" >&2; exit 1; }
}

# Front-end packages from package-lock.json: the NL Design System CSS that the build embeds,
# and, for the tests, axe-core and playwright-core.
ensure_npm() {
  if ! command -v npm >/dev/null; then
    echo "passend: installing Node.js and npm"
    apt_install nodejs npm
  fi
  # The browser tests use the Node test runner's --test-concurrency (Node 20.10 or later).
  if ! node -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 20 || (a === 20 && b >= 10) ? 0 : 1)'; then
    echo "passend: Node.js $(node --version) is too old; version 20.10 or later is needed" >&2
    exit 1
  fi
  if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    echo "passend: npm ci"
    npm ci --no-audit --no-fund --loglevel=error
  fi
}

# Debian's chromium for the browser tests (Playwright never downloads a browser here).
ensure_chromium() {
  if [ -z "${CHROMIUM:-}" ]; then
    if ! command -v chromium >/dev/null; then
      echo "passend: installing chromium"
      apt_install chromium
    fi
    CHROMIUM=$(command -v chromium)
  fi
  export CHROMIUM
}

# poppler-utils: the PDF tests read the letters back with pdftotext, as a search or screen
# reader would.
ensure_poppler() {
  command -v pdftotext >/dev/null || apt_install poppler-utils
}

# PostgreSQL for the second test run. The admin URL must reach a database where the test
# user may CREATE DATABASE (default: the local server with trust auth).
ensure_postgres() {
  export PASSEND_TEST_PG_URL="${PASSEND_TEST_PG_URL:-postgres://postgres@127.0.0.1:5432/test}"
  command -v psql >/dev/null || apt_install postgresql-client
  if psql "$PASSEND_TEST_PG_URL" -tAc 'SELECT 1' >/dev/null 2>&1; then return 0; fi
  if command -v pg_ctlcluster >/dev/null && [ -d /etc/postgresql ]; then
    echo "passend: starting PostgreSQL"
    for version in $(ls /etc/postgresql); do
      as_root pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
    done
    for _ in $(seq 1 30); do
      psql "$PASSEND_TEST_PG_URL" -tAc 'SELECT 1' >/dev/null 2>&1 && return 0
      sleep 1
    done
  fi
  echo "passend: PostgreSQL is not reachable at $PASSEND_TEST_PG_URL; start it or set PASSEND_TEST_PG_URL" >&2
  exit 1
}

# A benchmark's server keeps its documents, mails and audit head in its own folder ($1), never
# in the clone's data/ (a head of another database would stop the head writer).
bench_places() {
  export PASSEND_DOCUMENTS_DIR="$1/documenten" PASSEND_MAIL_DIR="$1/mail"
  export PASSEND_AUDIT_HEAD_FILE="$1/audit-head.json" PASSEND_AUDIT_KEY_FILE="$1/audit-key"
}
