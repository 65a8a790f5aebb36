"""The triggers that keep ``web_listlength`` (``fastlege.web.models.ListLength``).

PostgreSQL: statement-level triggers with transition tables, so a COPY of 100 000
memberships (the seed, the monthly update) costs one grouped upsert, not 100 000.
Counter rows are upserted in ``agreement_id`` order, so two transactions touching the
same lists lock them in the same order (no deadlock). SQLite: row triggers.

``TRIGGERS`` (a :class:`fastlege.core.readmodels.TriggerSet`): ``install`` creates them and
counts the lengths from scratch; ``recount`` repairs the
table (e.g. after loading data with triggers disabled); ``drop`` removes the triggers.
"""

from __future__ import annotations

from fastlege.core.readmodels import TriggerSet, register, trigger_function

MEMBERSHIP = "registry_listmembership"
LENGTH = "web_listlength"

# The SQL is written out in full (constant text, no parameters, no interpolation).
_UPSERT_HEAD = (
    "INSERT INTO web_listlength (agreement_id, members) SELECT agreement_id, SUM(d) FROM ("
)
_UPSERT_TAIL = (
    ") AS x GROUP BY agreement_id HAVING SUM(d) <> 0 ORDER BY agreement_id "
    "ON CONFLICT (agreement_id) DO UPDATE SET members = web_listlength.members + EXCLUDED.members"
)
_NEW = "SELECT agreement_id, 1 AS d FROM new_rows WHERE valid_to IS NULL"
_OLD = "SELECT agreement_id, -1 AS d FROM old_rows WHERE valid_to IS NULL"


POSTGRES_INSTALL = [
    trigger_function("web_listlength_insert", _UPSERT_HEAD + _NEW + _UPSERT_TAIL),
    trigger_function("web_listlength_delete", _UPSERT_HEAD + _OLD + _UPSERT_TAIL),
    trigger_function(
        "web_listlength_update", _UPSERT_HEAD + _OLD + " UNION ALL " + _NEW + _UPSERT_TAIL
    ),
    trigger_function("web_listlength_truncate", "DELETE FROM web_listlength"),
    "CREATE TRIGGER web_listlength_insert AFTER INSERT ON registry_listmembership "
    "REFERENCING NEW TABLE AS new_rows "
    "FOR EACH STATEMENT EXECUTE FUNCTION web_listlength_insert()",
    "CREATE TRIGGER web_listlength_delete AFTER DELETE ON registry_listmembership "
    "REFERENCING OLD TABLE AS old_rows "
    "FOR EACH STATEMENT EXECUTE FUNCTION web_listlength_delete()",
    "CREATE TRIGGER web_listlength_update AFTER UPDATE ON registry_listmembership "
    "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows "
    "FOR EACH STATEMENT EXECUTE FUNCTION web_listlength_update()",
    "CREATE TRIGGER web_listlength_truncate AFTER TRUNCATE ON registry_listmembership "
    "FOR EACH STATEMENT EXECUTE FUNCTION web_listlength_truncate()",
]
POSTGRES_DROP = [
    "DROP TRIGGER IF EXISTS web_listlength_insert ON registry_listmembership",
    "DROP TRIGGER IF EXISTS web_listlength_delete ON registry_listmembership",
    "DROP TRIGGER IF EXISTS web_listlength_update ON registry_listmembership",
    "DROP TRIGGER IF EXISTS web_listlength_truncate ON registry_listmembership",
    "DROP FUNCTION IF EXISTS web_listlength_insert()",
    "DROP FUNCTION IF EXISTS web_listlength_delete()",
    "DROP FUNCTION IF EXISTS web_listlength_update()",
    "DROP FUNCTION IF EXISTS web_listlength_truncate()",
]

_PLUS = (
    "INSERT INTO web_listlength (agreement_id, members) VALUES (NEW.agreement_id, 1) "
    "ON CONFLICT (agreement_id) DO UPDATE SET members = web_listlength.members + 1"
)
_MINUS = "UPDATE web_listlength SET members = members - 1 WHERE agreement_id = OLD.agreement_id"
SQLITE_INSTALL = [
    "CREATE TRIGGER web_listlength_insert AFTER INSERT ON registry_listmembership "
    "WHEN NEW.valid_to IS NULL BEGIN " + _PLUS + "; END",
    "CREATE TRIGGER web_listlength_delete AFTER DELETE ON registry_listmembership "
    "WHEN OLD.valid_to IS NULL BEGIN " + _MINUS + "; END",
    "CREATE TRIGGER web_listlength_update_old AFTER UPDATE OF valid_to, agreement_id "
    "ON registry_listmembership WHEN OLD.valid_to IS NULL BEGIN " + _MINUS + "; END",
    "CREATE TRIGGER web_listlength_update_new AFTER UPDATE OF valid_to, agreement_id "
    "ON registry_listmembership WHEN NEW.valid_to IS NULL BEGIN " + _PLUS + "; END",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS web_listlength_insert",
    "DROP TRIGGER IF EXISTS web_listlength_delete",
    "DROP TRIGGER IF EXISTS web_listlength_update_old",
    "DROP TRIGGER IF EXISTS web_listlength_update_new",
]

RECOUNT = [
    "DELETE FROM web_listlength",
    "INSERT INTO web_listlength (agreement_id, members) SELECT agreement_id, COUNT(*) "
    "FROM registry_listmembership WHERE valid_to IS NULL GROUP BY agreement_id",
]


TRIGGERS = register(
    TriggerSet(
        prefix="web_listlength_",
        tables=(LENGTH, MEMBERSHIP),
        postgres_install=tuple(POSTGRES_INSTALL),
        postgres_drop=tuple(POSTGRES_DROP),
        sqlite_install=tuple(SQLITE_INSTALL),
        sqlite_drop=tuple(SQLITE_DROP),
        recount_sql=tuple(RECOUNT),
    )
)
