"""Bulk writing: COPY on PostgreSQL, batched ``executemany`` on SQLite.

Rows are plain tuples in the order of the field names given; values are
ints, strings (dates as ISO strings), booleans or None. Model fields the
caller does not mention are filled with their Python default, so a new field
with a default does not break the seed.

Writing runs in a background thread on the same database connection (and so
in the same transaction) while the main thread generates the next batch: the
database drivers release the GIL while the server works, so generating and
writing overlap on two cores. The main thread never touches the connection
while a batch is in flight (``flush`` waits for it).
"""

# ruff: noqa: S608 -- table and column names come from model metadata and are quoted.

from __future__ import annotations

import queue
import threading
from collections.abc import Sequence
from typing import Any

from django.core.management.color import no_style
from django.db import connection
from django.db.models import Model

SQLITE_BATCH = 5000


def qn(name: str) -> str:
    return connection.ops.quote_name(name)


_Job = tuple[str, list[tuple]]


class BulkWriter:
    def __init__(self) -> None:
        connection.ensure_connection()
        self.vendor = connection.vendor
        self._raw: Any = connection.connection
        self._statements: dict[tuple[type[Model], tuple[str, ...]], tuple[str, tuple]] = {}
        self._queue: queue.Queue[_Job | None] = queue.Queue(maxsize=2)
        self._thread: threading.Thread | None = None
        self._error: BaseException | None = None
        self._seqscan: str | None = None
        # (table, name, definition) of indexes and foreign keys dropped for a
        # large load and rebuilt at the end (PostgreSQL only).
        self._deferred_indexes: list[tuple[str, str, str]] = []
        self._deferred_fks: list[tuple[str, str, str]] = []

    # --- statements ---------------------------------------------------------
    def _table_columns(self, table: str) -> set[str]:
        with connection.cursor() as cursor:
            return {
                col.name for col in connection.introspection.get_table_description(cursor, table)
            }

    def _statement(self, model: type[Model], fields: Sequence[str]) -> tuple[str, tuple]:
        key = (model, tuple(fields))
        hit = self._statements.get(key)
        if hit is not None:
            return hit
        opts = model._meta
        model_fields = [opts.get_field(name) for name in fields]
        columns: list[str] = [str(f.column) for f in model_fields]  # type: ignore[union-attr]
        named = {f.name for f in model_fields}
        existing = self._table_columns(opts.db_table)
        extra_values: list[Any] = []
        for f in opts.concrete_fields:
            if f.name in named or f.primary_key or f.column not in existing:
                continue
            value = f.get_default()
            if value is None and not f.null:
                raise ValueError(f"{opts.label}.{f.name} has no default; the seed must set it")
            columns.append(f.column)
            extra_values.append(value)
        qn = connection.ops.quote_name
        cols = ", ".join(qn(c) for c in columns)
        if self.vendor == "postgresql":
            sql = f"COPY {qn(opts.db_table)} ({cols}) FROM STDIN"
        else:
            marks = ", ".join("?" for _ in columns)
            sql = f"INSERT INTO {qn(opts.db_table)} ({cols}) VALUES ({marks})"
        hit = self._statements[key] = (sql, tuple(extra_values))
        return hit

    def prepare(self, model: type[Model], fields: Sequence[str]) -> None:
        """Look the table up now, while the connection is free."""
        self._statement(model, fields)

    # --- writing ------------------------------------------------------------
    def write(self, model: type[Model], fields: Sequence[str], rows: list[tuple]) -> None:
        """Queue rows for the background writer (returns at once unless it is behind)."""
        self._raise_error()
        sql, extra = self._statement(model, fields)
        if extra:
            rows = [row + extra for row in rows]
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="seed-writer", daemon=True)
            self._thread.start()
        self._queue.put((sql, rows))

    def flush(self) -> None:
        """Wait until everything queued is written; re-raise a writer error."""
        if self._thread is not None:
            self._queue.join()
        self._raise_error()

    def close(self) -> None:
        if self._thread is not None:
            self._queue.put(None)
            self._thread.join()
            self._thread = None
        self._raise_error()

    def shutdown(self) -> None:
        """Stop the writer after a failure elsewhere; queued rows are dropped."""
        if self._thread is not None:
            self._error = self._error or RuntimeError("seed aborted")
            self._queue.put(None)
            self._thread.join()
            self._thread = None
        self._error = None

    def _raise_error(self) -> None:
        if self._error is not None:
            error, self._error = self._error, None
            raise error

    def _run(self) -> None:
        while True:
            job = self._queue.get()
            try:
                if job is None:
                    return
                if self._error is None:  # after an error, drain without writing
                    self._write_now(*job)
            except BaseException as exc:  # re-raised in the main thread
                self._error = exc
            finally:
                self._queue.task_done()

    def _write_now(self, sql: str, rows: list[tuple]) -> None:
        if self.vendor == "postgresql":
            with self._raw.cursor() as cursor, cursor.copy(sql) as copy:
                write_row = copy.write_row
                for row in rows:
                    write_row(row)
        else:
            for start in range(0, len(rows), SQLITE_BATCH):
                self._raw.executemany(sql, rows[start : start + SQLITE_BATCH])

    # --- housekeeping (main thread, writer idle) -----------------------------
    def max_id(self, model: type[Model], column: str = "id") -> int:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT MAX({qn(column)}) FROM {qn(model._meta.db_table)}")
            row = cursor.fetchone()
        return int(row[0] or 0) if row else 0

    def reset_sequences(self, models: list[type[Model]]) -> None:
        """After inserting explicit ids: make the next automatic id follow them."""
        self.flush()
        statements = connection.ops.sequence_reset_sql(no_style(), models)
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)

    def begin_bulk(self) -> None:
        with connection.cursor() as cursor:
            if self.vendor == "postgresql":
                # Check foreign keys per statement instead of queueing millions of
                # deferred checks until commit; parents are always written first.
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                # The foreign-key checks are planned on first use; on small tables
                # such as reference_municipality the planner picks a sequential
                # scan, which costs ~20 µs per inserted row. Index scans only, for
                # this transaction.
                cursor.execute("SELECT current_setting('enable_seqscan')")
                row = cursor.fetchone()
                self._seqscan = row[0] if row else "on"
                cursor.execute("SELECT set_config('enable_seqscan', 'off', true)")
            elif self.vendor == "sqlite":
                cursor.execute("PRAGMA cache_size = -262144")  # 256 MB page cache

    def defer_indexes(self, models: list[type[Model]]) -> None:
        """For a large load on PostgreSQL: drop the plain indexes and foreign keys
        of these tables now and rebuild them in ``end_bulk``, as pg_restore does.

        Building a b-tree once from sorted data and validating a foreign key with
        one join is far cheaper than maintaining them row by row for millions of
        rows. Unique indexes and constraints stay, so integrity is checked while
        loading too. Everything happens inside the seed's transaction: a failure
        rolls the drops back with the rows. Only done when the current user owns
        the tables (otherwise nothing is dropped and the load is just slower).
        """
        if self.vendor != "postgresql":
            return
        tables = [m._meta.db_table for m in models]
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT bool_and(tableowner = current_user) FROM pg_tables "
                "WHERE schemaname = current_schema() AND tablename = ANY(%s)",
                [tables],
            )
            row = cursor.fetchone()
            if not row or not row[0]:
                return
            cursor.execute(
                """
                SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid)
                FROM pg_constraint c
                WHERE c.contype = 'f' AND c.conrelid::regclass::text = ANY(%s)
                ORDER BY 1, 2
                """,
                [tables],
            )
            self._deferred_fks = [(t, n, d) for t, n, d in cursor.fetchall()]
            cursor.execute(
                """
                SELECT i.tablename, i.indexname, i.indexdef
                FROM pg_indexes i
                JOIN pg_class ic ON ic.relname = i.indexname
                JOIN pg_index x ON x.indexrelid = ic.oid
                WHERE i.schemaname = current_schema() AND i.tablename = ANY(%s)
                  AND NOT x.indisunique AND NOT x.indisprimary
                  AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = ic.oid)
                ORDER BY 1, 2
                """,
                [tables],
            )
            self._deferred_indexes = [(t, n, d) for t, n, d in cursor.fetchall()]
            for table, name, _ in self._deferred_fks:
                cursor.execute(f"ALTER TABLE {qn(table)} DROP CONSTRAINT {qn(name)}")
            for _, name, _ in self._deferred_indexes:
                cursor.execute(f"DROP INDEX {qn(name)}")

    def _rebuild_deferred(self, cursor: Any) -> None:
        if self._deferred_indexes:
            # For this transaction only: sort the index builds in memory.
            cursor.execute("SELECT set_config('maintenance_work_mem', '512MB', true)")
        for _, _, definition in self._deferred_indexes:
            cursor.execute(definition)
        for table, name, definition in self._deferred_fks:
            cursor.execute(f"ALTER TABLE {qn(table)} ADD CONSTRAINT {qn(name)} {definition}")
        self._deferred_indexes, self._deferred_fks = [], []

    def end_bulk(self, models: list[type[Model]]) -> None:
        self.close()
        with connection.cursor() as cursor:
            if self.vendor == "postgresql":
                self._rebuild_deferred(cursor)
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")
                cursor.execute(
                    "SELECT set_config('enable_seqscan', %s, true)", [self._seqscan or "on"]
                )
                for model in models:
                    cursor.execute(f"ANALYZE {qn(model._meta.db_table)}")
            elif self.vendor == "sqlite":
                cursor.execute("PRAGMA cache_size = -65536")
                # Without statistics SQLite picks the wrong index for a list's
                # members in a large municipality (3.5 s instead of 0.06 s).
                for model in models:
                    cursor.execute(f"ANALYZE {qn(model._meta.db_table)}")
