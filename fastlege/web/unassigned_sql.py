"""The triggers that keep ``web_unassignedcount`` (``fastlege.web.models.UnassignedCount``):
per home municipality, how many residents are unassigned (ufordelte) now: status
resident (``bosatt``), in the scheme, and no open list place.

Each resident adds 1 to their municipality's count when they are unassigned. So the
count changes when a resident is inserted, deleted or changes municipality, status or
``in_scheme`` (triggers on ``registry_resident``), and when an open list place is
inserted, ended, reopened, deleted or given to another resident (triggers on
``registry_listmembership``). A resident has at most one open place
(``one_open_membership_per_resident``), so an open place of an eligible resident
counts -1.

PostgreSQL: statement-level triggers with transition tables, so a COPY of 100 000
residents or memberships (the seed, the monthly update) costs one grouped upsert.
Only rows whose relevant columns changed are looked at on UPDATE. Counter rows are
upserted in ``municipality_id`` order (no deadlock between two writers). SQLite: row
triggers.

``install`` creates them and counts from scratch; ``recount`` repairs the table;
``drop`` removes the triggers. Same shape as ``listlength_sql``.
"""

from __future__ import annotations

from fastlege.core.readmodels import TriggerSet, register, trigger_function

RESIDENT = "registry_resident"
MEMBERSHIP = "registry_listmembership"
COUNT = "web_unassignedcount"
#: ``registry.Resident.Status.RESIDENT`` (a test checks they agree).
STATUS_RESIDENT = "bosatt"

# The SQL is written out in full (constant text, no parameters, no interpolation of input).
_NO_OPEN_PLACE = (
    "NOT EXISTS (SELECT 1 FROM registry_listmembership m "
    "WHERE m.resident_id = r.id AND m.valid_to IS NULL)"
)
_ELIGIBLE = "r.status = 'bosatt' AND r.in_scheme"
_UPSERT_HEAD = (
    "INSERT INTO web_unassignedcount (municipality_id, unassigned) "
    "SELECT municipality_id, SUM(d) FROM ("
)
_UPSERT_TAIL = (
    ") AS x WHERE municipality_id IS NOT NULL "
    "GROUP BY municipality_id HAVING SUM(d) <> 0 ORDER BY municipality_id "
    "ON CONFLICT (municipality_id) DO UPDATE "
    "SET unassigned = web_unassignedcount.unassigned + EXCLUDED.unassigned"
)


# Inside the triggers the other table is looked up once per changed row, by index,
# through a scalar subquery the planner cannot turn into a join: during the seed's
# bulk load the tables have no statistics yet and ``enable_seqscan`` is off, and a
# join there was planned as a nested loop over the transition table (quadratic).
_NO_OPEN_PLACE_OF = (
    "(SELECT COUNT(*) FROM registry_listmembership m "
    "WHERE m.resident_id = {r}.id AND m.valid_to IS NULL) = 0"
)
# Only the primary key in the WHERE clause, so no other index of the resident table
# can be chosen (without statistics one on (municipality, status) was, and every
# lookup walked it).
_HOME_IF_ELIGIBLE = (
    "(SELECT CASE WHEN r.status = 'bosatt' AND r.in_scheme THEN r.municipality_id END "
    "FROM registry_resident r WHERE r.id = {p}.resident_id)"
)


def _residents(rows: str, sign: str) -> str:
    """The unassigned among the residents in ``rows``, each counted ``sign``."""
    return (
        "SELECT r.municipality_id, " + sign + " AS d FROM " + rows + " r "  # noqa: S608 (constant text)
        "WHERE " + _ELIGIBLE + " AND " + _NO_OPEN_PLACE_OF.format(r="r")
    )


def _changed_residents(side: str, sign: str) -> str:
    """Like ``_residents`` for the updated residents whose municipality, status or
    ``in_scheme`` changed; ``side`` is ``o`` (before) or ``n`` (after)."""
    return (
        "SELECT " + side + ".municipality_id, " + sign + " AS d FROM old_rows o "  # noqa: S608 (constant text)
        "JOIN new_rows n ON n.id = o.id "
        "WHERE (o.municipality_id, o.status, o.in_scheme) "
        "IS DISTINCT FROM (n.municipality_id, n.status, n.in_scheme) "
        "AND " + side + ".status = 'bosatt' AND " + side + ".in_scheme "
        "AND " + _NO_OPEN_PLACE_OF.format(r=side)
    )


def _places(rows: str, sign: str) -> str:
    """The open places in ``rows`` of eligible residents, each counted ``sign`` (the
    municipality is NULL for a resident who is not eligible; left out by the upsert)."""
    return (
        "SELECT "  # noqa: S608 (constant text)
        + _HOME_IF_ELIGIBLE.format(p="p")
        + " AS municipality_id, "
        + sign
        + " AS d FROM "
        + rows
        + " p WHERE p.valid_to IS NULL"
    )


def _changed_places(side: str, sign: str) -> str:
    """Like ``_places`` for updated memberships whose openness or resident changed;
    ``side`` is ``o`` (before) or ``n`` (after)."""
    return (
        "SELECT "  # noqa: S608 (constant text)
        + _HOME_IF_ELIGIBLE.format(p=side)
        + " AS municipality_id, "
        + sign
        + " AS d FROM old_rows o JOIN new_rows n ON n.id = o.id "
        "WHERE ((o.valid_to IS NULL) <> (n.valid_to IS NULL) OR o.resident_id <> n.resident_id) "
        "AND " + side + ".valid_to IS NULL"
    )


RECOUNT = [
    "DELETE FROM web_unassignedcount",
    "INSERT INTO web_unassignedcount (municipality_id, unassigned) "  # noqa: S608 (constant text)
    "SELECT r.municipality_id, COUNT(*) FROM registry_resident r "
    "WHERE " + _ELIGIBLE + " AND " + _NO_OPEN_PLACE + " GROUP BY r.municipality_id",
]


def _statement_trigger(name: str, event: str, table: str, transition: str) -> str:
    return (
        "CREATE TRIGGER "
        + name
        + " AFTER "
        + event
        + " ON "
        + table
        + " "
        + transition
        + " FOR EACH STATEMENT EXECUTE FUNCTION "
        + name
        + "()"
    )


POSTGRES_INSTALL = [
    trigger_function(
        "web_unassigned_resident_insert", _UPSERT_HEAD + _residents("new_rows", "1") + _UPSERT_TAIL
    ),
    trigger_function(
        "web_unassigned_resident_delete", _UPSERT_HEAD + _residents("old_rows", "-1") + _UPSERT_TAIL
    ),
    trigger_function(
        "web_unassigned_resident_update",
        _UPSERT_HEAD
        + _changed_residents("o", "-1")
        + " UNION ALL "
        + _changed_residents("n", "1")
        + _UPSERT_TAIL,
    ),
    trigger_function(
        "web_unassigned_place_insert", _UPSERT_HEAD + _places("new_rows", "-1") + _UPSERT_TAIL
    ),
    trigger_function(
        "web_unassigned_place_delete", _UPSERT_HEAD + _places("old_rows", "1") + _UPSERT_TAIL
    ),
    trigger_function(
        "web_unassigned_place_update",
        _UPSERT_HEAD
        + _changed_places("o", "1")
        + " UNION ALL "
        + _changed_places("n", "-1")
        + _UPSERT_TAIL,
    ),
    trigger_function("web_unassigned_truncate", "; ".join(RECOUNT)),
    _statement_trigger(
        "web_unassigned_resident_insert", "INSERT", RESIDENT, "REFERENCING NEW TABLE AS new_rows"
    ),
    _statement_trigger(
        "web_unassigned_resident_delete", "DELETE", RESIDENT, "REFERENCING OLD TABLE AS old_rows"
    ),
    _statement_trigger(
        "web_unassigned_resident_update",
        "UPDATE",
        RESIDENT,
        "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows",
    ),
    _statement_trigger(
        "web_unassigned_place_insert", "INSERT", MEMBERSHIP, "REFERENCING NEW TABLE AS new_rows"
    ),
    _statement_trigger(
        "web_unassigned_place_delete", "DELETE", MEMBERSHIP, "REFERENCING OLD TABLE AS old_rows"
    ),
    _statement_trigger(
        "web_unassigned_place_update",
        "UPDATE",
        MEMBERSHIP,
        "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows",
    ),
    # A TRUNCATE of either table (tests, a reload): count again from what is left.
    "CREATE TRIGGER web_unassigned_truncate_resident AFTER TRUNCATE ON registry_resident "
    "FOR EACH STATEMENT EXECUTE FUNCTION web_unassigned_truncate()",
    "CREATE TRIGGER web_unassigned_truncate_place AFTER TRUNCATE ON registry_listmembership "
    "FOR EACH STATEMENT EXECUTE FUNCTION web_unassigned_truncate()",
]
POSTGRES_DROP = [
    "DROP TRIGGER IF EXISTS web_unassigned_resident_insert ON registry_resident",
    "DROP TRIGGER IF EXISTS web_unassigned_resident_delete ON registry_resident",
    "DROP TRIGGER IF EXISTS web_unassigned_resident_update ON registry_resident",
    "DROP TRIGGER IF EXISTS web_unassigned_truncate_resident ON registry_resident",
    "DROP TRIGGER IF EXISTS web_unassigned_place_insert ON registry_listmembership",
    "DROP TRIGGER IF EXISTS web_unassigned_place_delete ON registry_listmembership",
    "DROP TRIGGER IF EXISTS web_unassigned_place_update ON registry_listmembership",
    "DROP TRIGGER IF EXISTS web_unassigned_truncate_place ON registry_listmembership",
    "DROP FUNCTION IF EXISTS web_unassigned_resident_insert()",
    "DROP FUNCTION IF EXISTS web_unassigned_resident_delete()",
    "DROP FUNCTION IF EXISTS web_unassigned_resident_update()",
    "DROP FUNCTION IF EXISTS web_unassigned_place_insert()",
    "DROP FUNCTION IF EXISTS web_unassigned_place_delete()",
    "DROP FUNCTION IF EXISTS web_unassigned_place_update()",
    "DROP FUNCTION IF EXISTS web_unassigned_truncate()",
]


def _add(municipality: str, delta: str) -> str:
    return (
        "INSERT INTO web_unassignedcount (municipality_id, unassigned) VALUES ("  # noqa: S608 (constant text)
        + municipality
        + ", "
        + delta
        + ") ON CONFLICT (municipality_id) DO UPDATE "
        "SET unassigned = unassigned + " + delta
    )


def _sqlite_unassigned(row: str) -> str:
    """``row`` (NEW or OLD resident) is unassigned, given the places there are now."""
    return (
        row + ".status = 'bosatt' AND " + row + ".in_scheme AND NOT EXISTS ("  # noqa: S608 (constant text)
        "SELECT 1 FROM registry_listmembership WHERE resident_id = " + row + ".id "
        "AND valid_to IS NULL)"
    )


def _sqlite_place(row: str, delta: str) -> str:
    """Add ``delta`` to the municipality of ``row``'s resident when that one is eligible."""
    return (
        "INSERT INTO web_unassignedcount (municipality_id, unassigned) "  # noqa: S608 (constant text)
        "SELECT municipality_id, " + delta + " FROM registry_resident "
        "WHERE id = " + row + ".resident_id AND status = 'bosatt' AND in_scheme "
        "ON CONFLICT (municipality_id) DO UPDATE SET unassigned = unassigned + " + delta
    )


_RESIDENT_COLUMNS = "UPDATE OF municipality_id, status, in_scheme ON registry_resident"
_PLACE_COLUMNS = "UPDATE OF valid_to, resident_id ON registry_listmembership"
SQLITE_INSTALL = [
    "CREATE TRIGGER web_unassigned_resident_insert AFTER INSERT ON registry_resident "
    "WHEN " + _sqlite_unassigned("NEW") + " BEGIN " + _add("NEW.municipality_id", "1") + "; END",
    "CREATE TRIGGER web_unassigned_resident_delete AFTER DELETE ON registry_resident "
    "WHEN " + _sqlite_unassigned("OLD") + " BEGIN " + _add("OLD.municipality_id", "-1") + "; END",
    "CREATE TRIGGER web_unassigned_resident_update_old AFTER " + _RESIDENT_COLUMNS + " "
    "WHEN " + _sqlite_unassigned("OLD") + " BEGIN " + _add("OLD.municipality_id", "-1") + "; END",
    "CREATE TRIGGER web_unassigned_resident_update_new AFTER " + _RESIDENT_COLUMNS + " "
    "WHEN " + _sqlite_unassigned("NEW") + " BEGIN " + _add("NEW.municipality_id", "1") + "; END",
    "CREATE TRIGGER web_unassigned_place_insert AFTER INSERT ON registry_listmembership "
    "WHEN NEW.valid_to IS NULL BEGIN " + _sqlite_place("NEW", "-1") + "; END",
    "CREATE TRIGGER web_unassigned_place_delete AFTER DELETE ON registry_listmembership "
    "WHEN OLD.valid_to IS NULL BEGIN " + _sqlite_place("OLD", "1") + "; END",
    "CREATE TRIGGER web_unassigned_place_update_old AFTER " + _PLACE_COLUMNS + " "
    "WHEN OLD.valid_to IS NULL BEGIN " + _sqlite_place("OLD", "1") + "; END",
    "CREATE TRIGGER web_unassigned_place_update_new AFTER " + _PLACE_COLUMNS + " "
    "WHEN NEW.valid_to IS NULL BEGIN " + _sqlite_place("NEW", "-1") + "; END",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS web_unassigned_resident_insert",
    "DROP TRIGGER IF EXISTS web_unassigned_resident_delete",
    "DROP TRIGGER IF EXISTS web_unassigned_resident_update_old",
    "DROP TRIGGER IF EXISTS web_unassigned_resident_update_new",
    "DROP TRIGGER IF EXISTS web_unassigned_place_insert",
    "DROP TRIGGER IF EXISTS web_unassigned_place_delete",
    "DROP TRIGGER IF EXISTS web_unassigned_place_update_old",
    "DROP TRIGGER IF EXISTS web_unassigned_place_update_new",
]


TRIGGERS = register(
    TriggerSet(
        prefix="web_unassigned_",
        tables=(COUNT, MEMBERSHIP, RESIDENT),
        postgres_install=tuple(POSTGRES_INSTALL),
        postgres_drop=tuple(POSTGRES_DROP),
        sqlite_install=tuple(SQLITE_INSTALL),
        sqlite_drop=tuple(SQLITE_DROP),
        recount_sql=tuple(RECOUNT),
    )
)
