"""Two ORM operations without the ORM's per-call SQL compilation, for hot paths.

The registry's busiest write (a switch request: lock the person, lock the list,
insert the request and its audit row) spent more CPU in Django compiling the
same four statements again on every call than the database spent running
them (measured in ``bench/registry_ops.py``; see docs/performance.md). These
helpers build each statement once per model and reuse it:

* :func:`fetch_locked` — ``Model.objects.select_for_update(no_key=True).get(pk=…)``;
* :func:`insert` — ``obj.save()`` for a new object (``force_insert``);
* :func:`execute` — a hand-written hot statement, prepared on PostgreSQL.

They give the same result as the ORM calls they replace: every concrete
field is read or written; values read pass through the same backend and field
converters the ORM's compiler applies, values written through ``pre_save`` and
``get_db_prep_save`` (so defaults, ``auto_now_add`` and JSON work); the
instance is built with ``Model.from_db``. What they skip are model signals: use them only for
models without ``pre_save``/``post_save`` receivers (the test
``fastlege/core/tests/test_fastpath.py`` checks that for the models used).
"""

# ruff: noqa: S608 -- table and column names come from model metadata and are quoted.

from __future__ import annotations

from functools import cache
from typing import Any, TypeVar

from django.conf import settings
from django.db import connection
from django.db.models import Field, Model

M = TypeVar("M", bound=Model)


def execute(sql: str, params: list[Any]) -> Any:
    """Run one statement on the current connection (and transaction); the cursor.

    On PostgreSQL, with ``settings.DATABASE_PREPARED_STATEMENTS`` on, the
    statement is bound on the server and prepared once per connection, so a
    hot statement is parsed and planned once instead of on every call (Django's
    own cursors bind on the client and never prepare). Close the cursor after
    reading (``with fastpath.execute(...) as cursor``).
    """
    connection.ensure_connection()
    if connection.vendor == "postgresql" and settings.DATABASE_PREPARED_STATEMENTS:
        import psycopg

        prepared: Any = psycopg.Cursor(connection.connection)
        prepared.execute(sql, params, prepare=True)
        return prepared
    cursor = connection.cursor()
    cursor.execute(sql, params)
    return cursor


def _qn(name: str | None) -> str:
    return connection.ops.quote_name(str(name))


@cache
def _select_sql(model: type[Model], vendor: str) -> tuple[str, tuple[Field, ...], tuple[Any, ...]]:
    fields = tuple(model._meta.concrete_fields)
    cols = ", ".join(_qn(f.column) for f in fields)
    pk = _qn(model._meta.pk.column)
    lock = " FOR NO KEY UPDATE" if vendor == "postgresql" else ""
    # The converters the ORM's compiler applies to each column (backend first).
    converters = []
    for f in fields:
        col = f.get_col(model._meta.db_table)
        converters.append(
            (col, (*connection.ops.get_db_converters(col), *col.get_db_converters(connection)))
        )
    sql = f"SELECT {cols} FROM {_qn(model._meta.db_table)} WHERE {pk} = %s{lock}"
    return sql, fields, tuple(converters)


def fetch_locked(model: type[M], pk: Any) -> M | None:
    """The row with this primary key, locked ``FOR NO KEY UPDATE`` until the end of
    the transaction (SQLite: the write transaction already serialises). None when
    there is no such row. Raises ValueError/TypeError for a malformed key."""
    pk = model._meta.pk.to_python(pk)
    sql, fields, converters = _select_sql(model, connection.vendor)
    with execute(sql, [pk]) as cursor:
        row = cursor.fetchone()
    if row is None:
        return None
    values = list(row)
    for i, (col, funcs) in enumerate(converters):
        for func in funcs:
            values[i] = func(values[i], col, connection)
    return model.from_db(connection.alias, [f.attname for f in fields], values)


@cache
def _insert_sql(model: type[Model], vendor: str) -> tuple[str, tuple[Field, ...], bool]:
    pk = model._meta.pk
    fields = tuple(
        f
        for f in model._meta.concrete_fields
        if not (f.primary_key and getattr(f, "db_returning", False))
    )
    cols = ", ".join(_qn(f.column) for f in fields)
    marks = ", ".join("%s" for _ in fields)
    returning = pk not in fields
    sql = f"INSERT INTO {_qn(model._meta.db_table)} ({cols}) VALUES ({marks})"
    if returning and connection.features.can_return_columns_from_insert:
        sql += f" RETURNING {_qn(pk.column)}"
    return sql, fields, returning


def insert(obj: M) -> M:
    """Insert a new object (as ``obj.save(force_insert=True)`` without signals)."""
    model = type(obj)
    sql, fields, returning = _insert_sql(model, connection.vendor)
    params = [f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields]
    with execute(sql, params) as cursor:
        if returning and connection.features.can_return_columns_from_insert:
            row = cursor.fetchone()
            obj.pk = row[0]
        elif returning:
            obj.pk = cursor.lastrowid
    obj._state.adding = False
    obj._state.db = connection.alias
    return obj
