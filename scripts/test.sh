#!/usr/bin/env bash
# The test command (`npm test`): every check, in order, stopping at the first failure.
#
#   1. chromium    Debian's Chromium for Playwright (installed with apt-get when missing and root)
#   2. lint        npm run lint
#   3. typecheck   npm run typecheck
#   4. unit        vitest run (PGlite; PostgreSQL when TEST_DATABASE_URL is set)
#   5. build       next build
#   6. e2e         playwright test against `next start` on a fresh database made for this run:
#                  - TEST_DATABASE_URL set (a server URL, e.g. postgres://postgres@127.0.0.1:5432/postgres):
#                    a new PostgreSQL database cc_e2e_<timestamp>_<pid>, dropped afterwards;
#                  - otherwise: an embedded PGlite database in a new temporary DATA_DIR, removed afterwards.
#
# Extra arguments go to `playwright test`, e.g. `npm test -- e2e/journey.spec.ts --headed`.
# Environment: CHROMIUM_PATH (default /usr/bin/chromium), E2E_PORT (default: first free from 3100),
# E2E_WORKERS (default 1).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

export NEXT_TELEMETRY_DISABLED=1
CHROMIUM="${CHROMIUM_PATH:-/usr/bin/chromium}"

now_ms() { date +%s%3N; }
seconds() { printf '%d.%01ds' $(($1 / 1000)) $((($1 % 1000) / 100)); }

RUN_START=$(now_ms)
TIMINGS=()

summary() {
  printf '\n---- timings ----\n'
  local line
  for line in "${TIMINGS[@]}"; do printf '  %s\n' "$line"; done
  printf '  %-10s %s\n' total "$(seconds $(($(now_ms) - RUN_START)))"
}

# step NAME COMMAND...: runs one step, prints how long it took, stops everything if it fails.
step() {
  local name=$1
  shift
  printf '\n==> %s: %s\n' "$name" "$*"
  local start rc=0
  start=$(now_ms)
  "$@" || rc=$?
  local took
  took=$(seconds $(($(now_ms) - start)))
  if ((rc != 0)); then
    TIMINGS+=("$(printf '%-10s %s  FAILED (exit %d)' "$name" "$took" "$rc")")
    printf '\n!!! %s FAILED (exit %d) after %s\n' "$name" "$rc" "$took" >&2
    summary
    exit "$rc"
  fi
  TIMINGS+=("$(printf '%-10s %s' "$name" "$took")")
  printf '<== %s passed in %s\n' "$name" "$took"
}

ensure_chromium() {
  if [[ -x $CHROMIUM ]]; then
    "$CHROMIUM" --version 2>/dev/null
    return 0
  fi
  if [[ $CHROMIUM != /usr/bin/chromium ]]; then
    echo "CHROMIUM_PATH=$CHROMIUM is not an executable file." >&2
    return 1
  fi
  if ((EUID != 0)); then
    echo "Chromium is missing (/usr/bin/chromium). Playwright uses Debian's package; install it with:" >&2
    echo "  sudo apt-get update && sudo apt-get install -y chromium" >&2
    return 1
  fi
  echo "Chromium is missing (/usr/bin/chromium); installing Debian's chromium package."
  export DEBIAN_FRONTEND=noninteractive
  # Wait for another apt/dpkg run to finish rather than failing on its lock.
  # (Steps run with errexit off, hence the explicit `|| return`.)
  apt-get -o DPkg::Lock::Timeout=600 update || return 1
  apt-get -o DPkg::Lock::Timeout=600 install -y chromium || return 1
  "$CHROMIUM" --version 2>/dev/null
}

free_port() {
  node -e '
    const net = require("node:net");
    (function tryPort(port) {
      const server = net.createServer();
      server.once("error", () => tryPort(port + 1));
      server.listen(port, "127.0.0.1", () => server.close(() => console.log(port)));
    })(Number(process.argv[1]));
  ' "$1"
}

E2E_DB_NAME=""
E2E_DATA_DIR=""
cleanup() {
  local rc=$?
  if [[ -n $E2E_DB_NAME ]]; then
    node scripts/pg-admin.mjs drop "$TEST_DATABASE_URL" "$E2E_DB_NAME" &&
      echo "Dropped e2e database $E2E_DB_NAME." ||
      echo "Could not drop e2e database $E2E_DB_NAME; drop it by hand." >&2
  fi
  if [[ -n $E2E_DATA_DIR ]]; then rm -rf "$E2E_DATA_DIR"; fi
  return "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

run_e2e() {
  E2E_DATA_DIR=$(mktemp -d "${TMPDIR:-/tmp}/cc-e2e-data.XXXXXX") || return 1
  export E2E_DATA_DIR
  if [[ -n ${TEST_DATABASE_URL:-} ]]; then
    E2E_DB_NAME="cc_e2e_$(date +%Y%m%d%H%M%S)_$$"
    E2E_DATABASE_URL=$(node scripts/pg-admin.mjs create "$TEST_DATABASE_URL" "$E2E_DB_NAME") || {
      E2E_DB_NAME=""
      return 1
    }
    export E2E_DATABASE_URL
    echo "e2e database: PostgreSQL, fresh database $E2E_DB_NAME (dropped afterwards)"
  else
    unset E2E_DATABASE_URL
    echo "e2e database: PGlite in fresh $E2E_DATA_DIR (removed afterwards)"
  fi
  E2E_PORT=${E2E_PORT:-$(free_port 3100)} || return 1
  export E2E_PORT
  echo "e2e server: http://127.0.0.1:$E2E_PORT (next start)"
  npx playwright test "$@"
}

if [[ -n ${TEST_DATABASE_URL:-} ]]; then
  echo "Database for tests: PostgreSQL at $(node -e 'const u = new URL(process.argv[1]); if (u.password) u.password = "***"; console.log(u.toString())' "$TEST_DATABASE_URL")"
else
  echo "Database for tests: PGlite (set TEST_DATABASE_URL=postgres://... to use PostgreSQL)"
fi

step chromium ensure_chromium
step lint npm run lint
step typecheck npm run typecheck
step unit npx vitest run
step build npx next build
step e2e run_e2e "$@"

summary
printf '\nAll checks passed.\n'
