#!/usr/bin/env bash
# The test command (README and CI): builds and runs every test, then prints a last line "N passed, N failed".
# Exits non-zero when a test fails or the build fails (then the line counts at least one failure).
#
# PostgreSQL tests start their own throwaway cluster (tests/FederatedRegistry.Testing/PostgresServer.cs) from the
# server binaries under /usr/lib/postgresql/*/bin; when those are missing this script installs the postgresql
# package as root, and otherwise says what to install. FEDREG_TEST_POSTGRES=<Npgsql connection string> uses an
# existing server instead.
#
# The dashboard's browser tests (tests/FederatedRegistry.Dashboard.Tests) drive Debian's chromium at /usr/bin/chromium
# through Playwright; when it is missing this script installs the chromium package as root, and otherwise says what to
# install. Building the node needs npm (it installs the dashboard's charting library from ClientApp/package-lock.json).
set -uo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

passed=0
failed=0

finish() {
  echo "$passed passed, $failed failed"
  exit "$1"
}

have_postgres_binaries() {
  compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null && compgen -G '/usr/lib/postgresql/*/bin/pg_ctl' >/dev/null
}

# A missing Debian package is installed when this runs as root (as CI does); otherwise the script says what to install,
# and stops with the summary line.
install_missing() {
  local package=$1 what=$2 advice=$3
  if [ "$(id -u)" -eq 0 ]; then
    echo "$what: installing the $package package."
    if ! { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y "$package"; }; then
      echo "Installing $package failed." >&2
      failed=1
      finish 1
    fi
  else
    echo "$what. $advice" >&2
    failed=1
    finish 1
  fi
}

if [ -z "${FEDREG_TEST_POSTGRES:-}" ] && ! have_postgres_binaries; then
  install_missing postgresql "PostgreSQL server binaries are missing" \
    "Install them (Debian/Ubuntu: sudo apt-get install postgresql), or set FEDREG_TEST_POSTGRES to the connection string of a server where the user may create databases."
fi

if [ ! -x /usr/bin/chromium ]; then
  install_missing chromium "Chromium is missing (the dashboard's browser tests need /usr/bin/chromium)" \
    "Install it (Debian/Ubuntu: sudo apt-get install chromium)."
fi

if ! command -v npm >/dev/null; then
  install_missing npm "npm is missing (the node's build installs the dashboard's charting library with it)" \
    "Install it (Debian/Ubuntu: sudo apt-get install npm)."
fi

if [ -f FederatedRegistry.sln ]; then
  targets=(FederatedRegistry.sln)
else
  mapfile -t targets < <(find tests -mindepth 2 -maxdepth 2 -name '*.Tests.csproj' | sort)
fi

results="TestResults/run"
rm -rf "$results"
mkdir -p "$results"

status=0
for target in "${targets[@]}"; do
  # A hung test is killed (and reported as failed) instead of holding CI until its time limit.
  dotnet test "$target" -c Release \
    --logger "trx;LogFilePrefix=r" --results-directory "$results" \
    --blame-hang-timeout 15m --blame-hang-dump-type none \
    || status=1
done

shopt -s nullglob
for trx in "$results"/*.trx "$results"/*/*.trx; do
  counters="$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)"
  p="$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters")"
  f="$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")"
  passed=$((passed + ${p:-0}))
  failed=$((failed + ${f:-0}))
done

if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  # The build failed or a test host crashed: no test result says so, the exit code does.
  failed=1
fi

if [ "$status" -ne 0 ] || [ "$failed" -ne 0 ]; then
  finish 1
fi
finish 0
