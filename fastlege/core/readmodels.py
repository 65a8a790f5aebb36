"""Read models kept by database triggers, and pausing them for a bulk load.

A read model here is a small table that database triggers keep current in the same
transaction as every write (for example the list lengths and the count of the
unassigned of ``fastlege.web``). Each is described by a :class:`TriggerSet`: the
statements that create and drop its triggers on PostgreSQL and SQLite, and the
statements that count the table again from scratch.

A bulk load that writes millions of rows (the seed) is faster without the triggers:
:func:`paused` drops every registered set inside the caller's transaction and, when
the load is done, installs them again and recounts, still in that transaction. DDL is
transactional on both databases, so a failed load rolls the triggers back with it and
no other transaction ever sees the tables without them.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any


def trigger_function(name: str, body: str) -> str:
    """PostgreSQL: the ``CREATE FUNCTION`` of a trigger function that runs ``body``
    (constant SQL) and returns nothing (an AFTER trigger)."""
    return (
        "CREATE OR REPLACE FUNCTION " + name + "() RETURNS trigger LANGUAGE plpgsql AS $$ "
        "BEGIN " + body + "; RETURN NULL; END $$"
    )


@dataclass(frozen=True)
class TriggerSet:
    """The triggers that keep one read-model table."""

    prefix: str  # every trigger's name starts with it
    tables: tuple[str, ...]  # the tables that must exist (the read model's and its sources)
    postgres_install: tuple[str, ...]
    postgres_drop: tuple[str, ...]
    sqlite_install: tuple[str, ...]
    sqlite_drop: tuple[str, ...]
    recount_sql: tuple[str, ...]

    def expected(self, connection: Any) -> int:
        """How many triggers a complete installation has on this database."""
        statements = self._install_sql(connection)
        return sum(1 for sql in statements if sql.startswith("CREATE TRIGGER"))

    def _install_sql(self, connection: Any) -> tuple[str, ...]:
        postgres = connection.vendor == "postgresql"
        return self.postgres_install if postgres else self.sqlite_install

    def install(self, connection: Any) -> None:
        """Create the triggers and count the table from scratch."""
        _run(connection, self._install_sql(connection))
        self.recount(connection)

    def recount(self, connection: Any) -> None:
        _run(connection, self.recount_sql)

    def drop(self, connection: Any) -> None:
        postgres = connection.vendor == "postgresql"
        _run(connection, self.postgres_drop if postgres else self.sqlite_drop)

    def installed(self, connection: Any) -> int:
        """How many of the triggers exist."""
        pattern = self.prefix + "%"
        with connection.cursor() as cur:
            if connection.vendor == "postgresql":
                cur.execute(
                    "SELECT COUNT(*) FROM pg_trigger WHERE tgname LIKE %s AND NOT tgisinternal",
                    [pattern],
                )
            else:
                cur.execute(
                    "SELECT COUNT(*) FROM sqlite_master WHERE type = 'trigger' AND name LIKE %s",
                    [pattern],
                )
            return int(cur.fetchone()[0])

    def ensure(self, connection: Any) -> bool:
        """Install the triggers (and recount) unless all are there. True when it had to."""
        existing = connection.introspection.table_names()
        if any(table not in existing for table in self.tables):
            return False  # not migrated this far (yet)
        if self.installed(connection) == self.expected(connection):
            return False
        self.drop(connection)
        self.install(connection)
        return True


def _run(connection: Any, statements: tuple[str, ...]) -> None:
    with connection.cursor() as cur:
        for sql in statements:
            cur.execute(sql)


_REGISTERED: list[TriggerSet] = []


def register(triggers: TriggerSet) -> TriggerSet:
    """Make :func:`paused` drop and restore this set too."""
    if triggers not in _REGISTERED:
        _REGISTERED.append(triggers)
    return triggers


@contextmanager
def paused(connection: Any) -> Iterator[None]:
    """Drop every registered read model's triggers for the block; afterwards install
    them again and recount. Must run inside a transaction (``transaction.atomic``), so
    that nobody else sees the tables without them; on an error the transaction's
    rollback restores the triggers, and nothing is reinstalled here."""
    if not connection.in_atomic_block:
        raise RuntimeError("readmodels.paused() must run inside transaction.atomic()")
    present = [t for t in _REGISTERED if t.installed(connection)]
    for triggers in present:
        triggers.drop(connection)
    yield
    for triggers in present:
        triggers.install(connection)
