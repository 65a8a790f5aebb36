"""A few ORM operations without the ORM's per-call overhead, for hot paths.

The registry's busiest write (a switch request: lock the person, lock the list,
read the facts the rules need, insert the request and its audit row) spent
more time in Django compiling the same statements again on every call, and in
waiting for one database round trip per statement, than the database spent
running them (measured in ``bench/registry_ops.py``; see docs/performance.md).
These helpers build each statement once per model and reuse it:

* :func:`fetch_locked` — ``Model.objects.select_for_update(no_key=True).get(pk=…)``;
* :func:`locked_row` + :func:`from_row` — the same, as one statement of a batch;
* :func:`insert` — ``obj.save()`` for a new object (``force_insert``);
* :func:`insert_linked` — two new objects, the second pointing at the first,
  in one statement on PostgreSQL (e.g. a row and its audit event);
* :func:`execute` — a hand-written hot statement, prepared on PostgreSQL;
* :func:`first_rows` — several statements sent in one round trip on PostgreSQL.

They give the same result as the ORM calls they replace: every concrete
field is read or written; values read pass through the same backend and field
converters the ORM's compiler applies, values written through ``pre_save`` and
``get_db_prep_save`` (so defaults, ``auto_now_add`` and JSON work); the
instance is built with ``Model.from_db``. What they skip are model signals: use them only for
models without ``pre_save``/``post_save`` receivers (the test
``fastlege/core/tests/test_fastpath.py`` checks that for the models used).

Prepared statements (PostgreSQL, ``settings.DATABASE_PREPARED_STATEMENTS``):
Django opens psycopg connections with ``prepare_threshold=None``, which turns
preparing off for the whole connection. Django's own cursors bind on the client
and never prepare, so the first hot statement sets the connection's threshold
to a number no statement reaches (``_ONLY_WHEN_ASKED``): then exactly the
statements executed here with ``prepare=True`` are prepared, once per
connection, and nothing else changes.
"""

# ruff: noqa: S608 -- table and column names come from model metadata and are quoted.

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import cache
from typing import Any, TypeVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Field, Model

M = TypeVar("M", bound=Model)
Statement = tuple[str, Sequence[Any]]

# A prepare threshold no statement reaches: only ``prepare=True`` prepares.
_ONLY_WHEN_ASKED = 2**31 - 1


def db() -> BaseDatabaseWrapper:
    """The default connection, looked up once (``django.db.connection`` is a proxy
    that looks the connection up again on every attribute)."""
    return connections[DEFAULT_DB_ALIAS]


def _prepares(conn: BaseDatabaseWrapper) -> bool:
    return conn.vendor == "postgresql" and bool(settings.DATABASE_PREPARED_STATEMENTS)


def _raw_cursor(conn: BaseDatabaseWrapper) -> Any:
    import psycopg

    raw = conn.connection
    if raw.prepare_threshold is None:
        raw.prepare_threshold = _ONLY_WHEN_ASKED
    return psycopg.Cursor(raw)


def execute(
    sql: str, params: Sequence[Any] | Mapping[str, Any], conn: BaseDatabaseWrapper | None = None
) -> Any:
    """Run one statement on the current connection (and transaction); the cursor.

    On PostgreSQL, with ``settings.DATABASE_PREPARED_STATEMENTS`` on, the
    statement is bound on the server and prepared once per connection, so a
    hot statement is parsed and planned once instead of on every call. Close
    the cursor after reading (``with fastpath.execute(...) as cursor``).
    """
    conn = conn or db()
    conn.ensure_connection()
    if _prepares(conn):
        cursor = _raw_cursor(conn)
        with conn.wrap_database_errors:  # the driver's errors as Django's, as from .cursor()
            cursor.execute(sql, params, prepare=True)
        return cursor
    cursor = conn.cursor()
    cursor.execute(sql, params)
    return cursor


def first_rows(statements: Sequence[Statement]) -> list[tuple[Any, ...] | None]:
    """Run the statements in order in the current transaction; each one's first row.

    On PostgreSQL they go to the server together, in one round trip (psycopg's
    pipeline mode; with the ``BEGIN`` of the transaction when it is the first).
    The server still runs them one after the other, each with its own snapshot
    under READ COMMITTED: a statement after one that waited for a row lock
    sees what the lock's holder committed, exactly as when sent one by one.
    If one fails, the rest are not run and the error is raised.
    """
    conn = db()
    conn.ensure_connection()
    if conn.vendor != "postgresql":
        rows = []
        for sql, params in statements:
            with execute(sql, params, conn) as cursor:
                rows.append(cursor.fetchone())
        return rows
    import psycopg

    prepare = _prepares(conn)
    raw = conn.connection
    if prepare and raw.prepare_threshold is None:
        raw.prepare_threshold = _ONLY_WHEN_ASKED
    cursors = []
    with conn.wrap_database_errors, raw.pipeline():
        for sql, params in statements:
            cursor = psycopg.Cursor(raw)
            cursor.execute(sql, params, prepare=prepare or None)
            cursors.append(cursor)
    rows = [cursor.fetchone() for cursor in cursors]
    for cursor in cursors:
        cursor.close()
    return rows


def _qn(name: str | None) -> str:
    return db().ops.quote_name(str(name))


@cache
def _select_sql(model: type[Model], vendor: str) -> tuple[str, tuple[Field, ...], tuple[Any, ...]]:
    conn = db()
    fields = tuple(model._meta.concrete_fields)
    cols = ", ".join(_qn(f.column) for f in fields)
    pk = _qn(model._meta.pk.column)
    lock = " FOR NO KEY UPDATE" if vendor == "postgresql" else ""
    # The converters the ORM's compiler applies to each column (backend first).
    converters = []
    for f in fields:
        col = f.get_col(model._meta.db_table)
        converters.append((col, (*conn.ops.get_db_converters(col), *col.get_db_converters(conn))))
    sql = f"SELECT {cols} FROM {_qn(model._meta.db_table)} WHERE {pk} = %s{lock}"
    return sql, fields, tuple(converters)


def locked_row(model: type[Model], pk: Any) -> Statement:
    """The statement of :func:`fetch_locked`, for :func:`first_rows`; turn its row
    into the instance with :func:`from_row`. Raises ValueError/TypeError (or
    Django's ValidationError) for a malformed key."""
    pk = model._meta.pk.to_python(pk)
    sql, _fields, _converters = _select_sql(model, db().vendor)
    return sql, [pk]


def from_row(model: type[M], row: tuple[Any, ...] | None) -> M | None:
    """The instance for a row read by :func:`locked_row` (None for no row)."""
    if row is None:
        return None
    conn = db()
    _sql, fields, converters = _select_sql(model, conn.vendor)
    values = list(row)
    for i, (col, funcs) in enumerate(converters):
        for func in funcs:
            values[i] = func(values[i], col, conn)
    return model.from_db(conn.alias, [f.attname for f in fields], values)


def fetch_locked(model: type[M], pk: Any) -> M | None:
    """The row with this primary key, locked ``FOR NO KEY UPDATE`` until the end of
    the transaction (SQLite: the write transaction already serialises). None when
    there is no such row. Raises ValueError/TypeError for a malformed key."""
    sql, params = locked_row(model, pk)
    with execute(sql, params) as cursor:
        row = cursor.fetchone()
    return from_row(model, row)


@cache
def _insert_sql(model: type[Model], vendor: str) -> tuple[str, str, tuple[Field, ...], bool]:
    """(INSERT without RETURNING, the RETURNING clause or "", fields, pk returned)."""
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
    clause = ""
    if returning and db().features.can_return_columns_from_insert:
        clause = f" RETURNING {_qn(pk.column)}"
    return sql, clause, fields, returning


def _field(model: type[Model], name: str) -> Field:
    field = model._meta.get_field(name)
    if not isinstance(field, Field):
        raise TypeError(f"{model.__name__}.{name} is not a concrete field")
    return field


def _insert_params(obj: Model, fields: tuple[Field, ...], conn: BaseDatabaseWrapper) -> list[Any]:
    return [f.get_db_prep_save(f.pre_save(obj, True), conn) for f in fields]


def _inserted(obj: M, pk: Any, conn: BaseDatabaseWrapper) -> M:
    if pk is not None:
        obj.pk = pk
    obj._state.adding = False
    obj._state.db = conn.alias
    return obj


def insert(obj: M) -> M:
    """Insert a new object (as ``obj.save(force_insert=True)`` without signals)."""
    conn = db()
    sql, clause, fields, returning = _insert_sql(type(obj), conn.vendor)
    with execute(sql + clause, _insert_params(obj, fields, conn), conn) as cursor:
        if clause:
            return _inserted(obj, cursor.fetchone()[0], conn)
        return _inserted(obj, cursor.lastrowid if returning else None, conn)


def insert_linked(first: Model, second: M, link: str) -> M:
    """Insert ``first``, then ``second`` with its field ``link`` set to ``first``'s
    new primary key (as text when ``link`` is a text field, e.g. an audit
    event's ``object_id``); returns ``second``. On PostgreSQL both rows are
    written by one statement (a data-modifying ``WITH``), one round trip; on
    other databases by two inserts. Both objects get their primary keys."""
    conn = db()
    if conn.vendor != "postgresql":
        insert(first)
        field = _field(type(second), link)
        setattr(second, field.attname, field.to_python(first.pk))
        return insert(second)
    a_sql, a_ret, a_fields, _ = _insert_sql(type(first), conn.vendor)
    if not a_ret:
        raise ValueError(f"{type(first).__name__}: the primary key is not generated")
    b_sql, b_fields = _insert_linked_sql(type(second), link, type(first)._meta.pk.column)
    params = _insert_params(first, a_fields, conn) + _insert_params(second, b_fields, conn)
    sql = f"WITH new_row AS ({a_sql}{a_ret}) {b_sql}"
    with execute(sql, params, conn) as cursor:
        first_pk, second_pk = cursor.fetchone()
    _inserted(first, first_pk, conn)
    field = _field(type(second), link)
    setattr(second, field.attname, field.to_python(first_pk))
    return _inserted(second, second_pk, conn)


@cache
def _insert_linked_sql(
    model: type[Model], link: str, key_column: str
) -> tuple[str, tuple[Field, ...]]:
    """``INSERT … SELECT … FROM new_row``: every field a parameter but ``link``,
    which is the new row's key; returns (the new row's key, this row's key)."""
    target = _field(model, link)
    pk = model._meta.pk
    fields = tuple(
        f
        for f in model._meta.concrete_fields
        if f is not target and not (f.primary_key and getattr(f, "db_returning", False))
    )
    as_text = target.get_internal_type() in ("CharField", "TextField")
    key = f"new_row.{_qn(key_column)}"
    if as_text:
        key = f"CAST({key} AS text)"
    cols = ", ".join(_qn(f.column) for f in (*fields, target))
    marks = ", ".join("%s" for _ in fields)
    sql = (
        f"INSERT INTO {_qn(model._meta.db_table)} ({cols}) SELECT {marks}, {key} FROM new_row "
        f"RETURNING (SELECT {_qn(key_column)} FROM new_row), {_qn(pk.column)}"
    )
    return sql, fields
