#!/usr/bin/env bash
# Runs the whole test suite twice: on SQLite and on PostgreSQL.
#
# PostgreSQL: uses TEST_POSTGRES_URL when set; otherwise starts a throwaway
# server from the local PostgreSQL binaries (initdb + pg_ctl) on 127.0.0.1 and
# removes it afterwards. With CI=true a missing PostgreSQL is an error; on a
# developer's machine the PostgreSQL run is skipped with a warning.
set -euo pipefail
cd "$(dirname "$0")/.."

export DJANGO_SETTINGS_MODULE=fastlege.test_settings
unset DATABASE_URL

echo "== Testene på SQLite"
pytest "$@"

pg_url="${TEST_POSTGRES_URL:-}"
cleanup() { :; }
if [ -z "$pg_url" ]; then
  if ! source scripts/pg.sh; then
    if [ "${CI:-}" = "true" ]; then
      echo "FEIL: PostgreSQL mangler i CI (installer postgresql). / PostgreSQL is missing in CI." >&2
      exit 1
    fi
    echo "ADVARSEL: PostgreSQL-serveren finnes ikke på denne maskinen; PostgreSQL-kjøringen hoppes over." >&2
    echo "WARNING: no PostgreSQL server binaries here; the PostgreSQL run is skipped (CI never skips it)." >&2
    exit 0
  fi
  pg_start
  trap pg_stop EXIT
  pg_url="$PG_URL"
fi

echo "== Testene på PostgreSQL"
DATABASE_URL="$pg_url" REQUIRE_POSTGRES=1 pytest "$@"
