"""Publishing the outbox: giving the committed events their ``position``.

The triggers give each event an ``id`` from a sequence when it is written. On
PostgreSQL two transactions can commit in the other order than they took their ids
(a long one, like the monthly update, takes its first id early and commits last). A
reader that went by ``id`` could then pass an id whose transaction had not yet
committed and never see that event. So the feed and the webhooks go by ``position``
instead: :func:`publish` numbers the events that have committed and have no position
yet, in ``id`` order, after the highest position given so far. It runs under a
transaction-level advisory lock, so two publishers never number at the same time; a
publisher only sees committed events, so a position once read is never followed by
a lower one. An event is published by the next reader or delivery round after its
transaction commits.

SQLite has one writer at a time, so there the order of ids is already the order of
commits; the same statement numbers them.
"""

from __future__ import annotations

from django.db import connection, transaction

#: The advisory lock of the publisher (any constant; "issue 19").
LOCK_KEY = 190_019
BATCH = 50_000

_NUMBER = (
    "UPDATE events_event SET position = s.pos FROM ("
    "SELECT id, (SELECT COALESCE(MAX(position), 0) FROM events_event) "
    "+ ROW_NUMBER() OVER (ORDER BY id) AS pos "
    "FROM events_event WHERE position IS NULL ORDER BY id LIMIT %s"
    ") AS s WHERE events_event.id = s.id"
)


def publish(*, batch: int = BATCH) -> int:
    """Number the committed, unpublished events (at most ``batch`` a round, until
    none are left). Returns how many were numbered. Never waits for another
    publisher: if one is at work, it publishes them."""
    done = 0
    with connection.cursor() as cur:  # a read first: most calls find nothing to do, and
        # then take no lock (on SQLite a write transaction would block every writer)
        cur.execute("SELECT 1 FROM events_event WHERE position IS NULL LIMIT 1")
        if cur.fetchone() is None:
            return 0
    while True:
        with transaction.atomic(), connection.cursor() as cur:
            if connection.vendor == "postgresql":
                cur.execute("SELECT pg_try_advisory_xact_lock(%s)", [LOCK_KEY])
                if not cur.fetchone()[0]:
                    return done
            cur.execute(_NUMBER, [batch])
            numbered = cur.rowcount
        done += numbered
        if numbered < batch:
            return done
