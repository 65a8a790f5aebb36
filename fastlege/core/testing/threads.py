"""Tests that need two database connections at once (locks, commit order, a process
killed mid-transaction): PostgreSQL only, a function run on a connection of its own, and
``committed_rows``, which removes what such a test committed."""

from __future__ import annotations

import graphlib
import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pytest
from django.apps import apps
from django.db import connection, connections, transaction


def require_postgres() -> None:
    """Skip on SQLite on a developer's machine; fail where PostgreSQL is required (CI)."""
    if connection.vendor == "postgresql":
        return
    if os.environ.get("REQUIRE_POSTGRES", "") not in ("", "0"):
        pytest.fail("REQUIRE_POSTGRES er satt, men databasen er ikke PostgreSQL.")
    pytest.skip("trenger PostgreSQL (kjøres i PostgreSQL-delen av make test)")


def in_thread(fn: Callable[[], Any], timeout: float = 120) -> Any:
    """Run ``fn`` on a connection of its own, so what it writes is committed at once;
    its exception is raised here."""
    box: dict[str, Any] = {}

    def worker() -> None:
        try:
            box["result"] = fn()
        except BaseException as exc:  # noqa: BLE001 - re-raised in the caller
            box["error"] = exc
        finally:
            connections.close_all()

    thread = threading.Thread(target=worker)
    thread.start()
    thread.join(timeout=timeout)
    if "error" in box:
        raise box["error"]
    return box.get("result")


# --- Rows committed on other connections, removed afterwards -------------------------


@dataclass(frozen=True)
class _Table:
    name: str
    pk: str
    integer: bool  # an integer key: new rows are those above the mark


def _tables() -> list[_Table]:
    """Every table of the installed apps, children before the tables they point to (the
    foreign keys are deferred to the commit on PostgreSQL, so the order is for clarity;
    a cycle keeps the apps' order)."""
    models = [
        m
        for m in apps.get_models(include_auto_created=True)
        if m._meta.managed and not m._meta.proxy
    ]
    parents = {
        m: {
            f.related_model
            for f in m._meta.concrete_fields
            if f.is_relation and f.related_model in models and f.related_model is not m
        }
        for m in models
    }
    try:
        ordered = list(reversed(list(graphlib.TopologicalSorter(parents).static_order())))
    except graphlib.CycleError:
        ordered = models
    out = []
    for m in ordered:
        pk = m._meta.pk
        assert pk is not None and pk.column is not None
        key = getattr(pk, "target_field", pk)  # a one-to-one key: the key it points to
        integer = key.get_internal_type() in ("AutoField", "BigAutoField", "SmallAutoField")
        out.append(_Table(m._meta.db_table, pk.column, integer))
    return out


@dataclass
class _Before:
    counts: dict[str, int]
    marks: dict[str, int]  # integer keys: the highest before
    keys: dict[str, set[str]]  # other keys: every key before


def _look(tables: list[_Table]) -> _Before:
    before = _Before({}, {}, {})
    with connection.cursor() as cur:
        for t in tables:
            cur.execute(f'SELECT COUNT(*) FROM "{t.name}"')  # noqa: S608 - our table names
            before.counts[t.name] = cur.fetchone()[0]
            if t.integer:
                cur.execute(f'SELECT COALESCE(MAX("{t.pk}"), 0) FROM "{t.name}"')  # noqa: S608
                before.marks[t.name] = cur.fetchone()[0]
            else:
                cur.execute(f'SELECT "{t.pk}"::text FROM "{t.name}"')  # noqa: S608
                before.keys[t.name] = {row[0] for row in cur.fetchall()}
    return before


def _remove_new(tables: list[_Table], before: _Before) -> None:
    """Delete the rows made since ``before``, in one transaction; again while the deletes
    themselves made rows (triggers: read models, events)."""
    with transaction.atomic(), connection.cursor() as cur:
        for _pass in range(5):
            removed = 0
            for t in tables:
                if t.integer:
                    cur.execute(
                        f'DELETE FROM "{t.name}" WHERE "{t.pk}" > %s',  # noqa: S608
                        [before.marks[t.name]],
                    )
                else:
                    cur.execute(
                        f'DELETE FROM "{t.name}" WHERE NOT ("{t.pk}"::text = ANY(%s))',  # noqa: S608
                        [list(before.keys[t.name])],
                    )
                removed += cur.rowcount
            if not removed:
                return


@contextmanager
def committed_rows() -> Iterator[None]:
    """For a test whose rows are committed on other connections (``in_thread``, a child
    process): on PostgreSQL only; afterwards every row made since the start, in every
    table of the project, is deleted — and each table must then hold as many rows as
    before (a row changed in place cannot be undone; a row deleted is a leak too)."""
    require_postgres()
    tables = _tables()
    before = in_thread(lambda: _look(tables))
    try:
        yield
    finally:
        in_thread(lambda: _remove_new(tables, before))
        after = in_thread(lambda: _look(tables)).counts
        left = {name: (n, after[name]) for name, n in before.counts.items() if after[name] != n}
        assert not left, f"committed rows left behind (before, after): {left}"
