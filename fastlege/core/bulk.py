"""Writing many new rows at once: ``COPY`` on PostgreSQL, batched ``executemany`` elsewhere.

For the paths that write thousands of rows in one transaction (the monthly update, the
letters to a whole list when its GP leaves); an ORM ``bulk_create`` of 65 000 letters
spent most of its time building model instances and SQL.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any

from django.db import connection

ROWS_PER_STATEMENT = 20_000


def insert_rows(model: Any, columns: Sequence[str], rows: Sequence[tuple]) -> None:
    """Insert ``rows`` (tuples in ``columns`` order). PostgreSQL: one COPY."""
    if not rows:
        return
    if connection.vendor == "postgresql":
        connection.ensure_connection()
        table = model._meta.db_table
        sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
        with connection.cursor() as cur, cur.cursor.copy(sql) as copy:
            for row in rows:
                copy.write_row(row)
        return
    ops = connection.ops

    def adapt(value: Any) -> Any:
        if isinstance(value, datetime.datetime):
            return ops.adapt_datetimefield_value(value)
        if isinstance(value, datetime.date):
            return ops.adapt_datefield_value(value)
        return value

    table = model._meta.db_table
    marks = ", ".join(["%s"] * len(columns))
    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"  # noqa: S608
    with connection.cursor() as cur:
        for start in range(0, len(rows), ROWS_PER_STATEMENT):
            cur.executemany(
                sql, [tuple(map(adapt, row)) for row in rows[start : start + ROWS_PER_STATEMENT]]
            )
