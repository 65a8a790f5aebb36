#!/usr/bin/env bash
# Runs the whole test suite twice: on SQLite and on PostgreSQL.
#
# PostgreSQL: uses TEST_POSTGRES_URL when set; otherwise starts a throwaway
# server from the local PostgreSQL binaries (initdb + pg_ctl) on 127.0.0.1 and
# removes it afterwards. With CI=true a missing PostgreSQL is an error; on a
# developer's machine the PostgreSQL run is skipped with a warning.
#
# The two runs go side by side (each is one process, mostly waiting on its
# database or browser, so together they keep two cores busy); the SQLite run's
# report is printed when both are done. TEST_PARALLEL=0 runs them one after the
# other, with the SQLite report as it comes.
#
# The browser tests (Chromium + axe-core, marker `browser`) do not depend on the
# database: they run in the SQLite half only (the shorter half: the PostgreSQL
# half also runs the `postgres` tests); BROWSER_TESTS=0 deselects them in the
# PostgreSQL half. Without PostgreSQL they still run, in the SQLite run.
set -euo pipefail
cd "$(dirname "$0")/.."

export DJANGO_SETTINGS_MODULE=fastlege.test_settings
unset DATABASE_URL

pg_url="${TEST_POSTGRES_URL:-}"
have_pg=1
if [ -z "$pg_url" ]; then
  if ! source scripts/pg.sh; then
    if [ "${CI:-}" = "true" ]; then
      echo "FEIL: PostgreSQL mangler i CI (installer postgresql). / PostgreSQL is missing in CI." >&2
      exit 1
    fi
    echo "ADVARSEL: PostgreSQL-serveren finnes ikke på denne maskinen; PostgreSQL-kjøringen hoppes over." >&2
    echo "WARNING: no PostgreSQL server binaries here; the PostgreSQL run is skipped (CI never skips it)." >&2
    have_pg=0
  fi
fi

if [ "$have_pg" = "0" ] || [ "${TEST_PARALLEL:-1}" = "0" ]; then
  echo "== Testene på SQLite"
  pytest "$@"
  [ "$have_pg" = "1" ] || exit 0
  if [ -z "$pg_url" ]; then pg_start; trap pg_stop EXIT; pg_url="$PG_URL"; fi
  echo "== Testene på PostgreSQL"
  DATABASE_URL="$pg_url" REQUIRE_POSTGRES=1 BROWSER_TESTS=0 pytest "$@"
  exit 0
fi

if [ -z "$pg_url" ]; then pg_start; pg_url="$PG_URL"; fi
sqlite_log="$(mktemp /tmp/fastlege-sqlite-tests.XXXXXX)"
cleanup() {
  [ -n "${sqlite_pid:-}" ] && kill "$sqlite_pid" 2>/dev/null || true
  [ -z "${TEST_POSTGRES_URL:-}" ] && pg_stop
  rm -f "$sqlite_log"
}
trap cleanup EXIT

echo "== Testene på SQLite og PostgreSQL side om side (SQLite-rapporten kommer til slutt)"
pytest "$@" >"$sqlite_log" 2>&1 &
sqlite_pid=$!
pg_status=0
echo "== Testene på PostgreSQL"
DATABASE_URL="$pg_url" REQUIRE_POSTGRES=1 BROWSER_TESTS=0 pytest "$@" || pg_status=$?
sqlite_status=0
wait "$sqlite_pid" || sqlite_status=$?
sqlite_pid=""
echo "== Testene på SQLite"
cat "$sqlite_log"
if [ "$pg_status" != "0" ] || [ "$sqlite_status" != "0" ]; then
  echo "FEIL: SQLite-kjøringen endte med $sqlite_status, PostgreSQL-kjøringen med $pg_status." >&2
  exit 1
fi
