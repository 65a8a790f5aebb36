# Source this file: defines pg_start / pg_stop for a throwaway local PostgreSQL.
# Returns non-zero when no PostgreSQL server binaries are installed.
PG_BIN=""
for candidate in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r) \
                 "$(dirname "$(readlink -f "$(command -v initdb 2>/dev/null || echo /nonexistent/x)")")"; do
  if [ -x "$candidate/initdb" ] && [ -x "$candidate/pg_ctl" ] && [ -x "$candidate/createdb" ]; then
    PG_BIN="$candidate"; break
  fi
done
[ -n "$PG_BIN" ] || return 1

PG_PORT="${PG_PORT:-$((54000 + RANDOM % 900))}"
PG_DIR="${PG_DIR:-$(mktemp -d /tmp/fastlege-pg.XXXXXX)}"
PG_URL="postgres://fastlege@127.0.0.1:${PG_PORT}/fastlege"

_pg_as_owner() {
  if [ "$(id -u)" = "0" ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

pg_start() {
  if [ "$(id -u)" = "0" ]; then
    id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
    chown postgres "$PG_DIR"
  fi
  _pg_as_owner "$PG_BIN/initdb" -D "$PG_DIR/data" -U fastlege --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
  _pg_as_owner "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/log" -w \
    -o "-h 127.0.0.1 -p $PG_PORT -k $PG_DIR -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=50 -c shared_buffers=256MB -c max_wal_size=4GB -c maintenance_work_mem=512MB" start >/dev/null
  _pg_as_owner "$PG_BIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U fastlege fastlege
  echo "PostgreSQL $("$PG_BIN/pg_ctl" --version | awk '{print $NF}') kjører på 127.0.0.1:$PG_PORT ($PG_DIR)"
}

pg_stop() {
  _pg_as_owner "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$PG_DIR"
}
