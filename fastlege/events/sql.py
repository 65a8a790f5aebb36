"""The triggers that write the outbox ``events_event`` (``fastlege.events.models.Event``).

Every insert, update and delete of a list (``registry_agreement``), a doctor's period
(``registry_doctorperiod``) or a list place (``registry_listmembership``) writes one
event in the same transaction, whoever wrote the row: a service, the admin, or a bulk
statement of the monthly update. An update that changes none of the fields of the
event's payload writes nothing. The payload holds the fields of FLR's object that
fastlege holds, with the person as ``resident`` (the internal id), never the identity
number.

PostgreSQL: statement-level triggers with transition tables, so a bulk statement of
100 000 rows costs one ``INSERT … SELECT``. SQLite: row triggers. A ``TRUNCATE``
writes no events (nothing in the project truncates these tables).

``TRIGGERS`` (a :class:`fastlege.core.readmodels.TriggerSet`, registered): a bulk load
inside :func:`fastlege.core.readmodels.paused` (the seed) writes no events, like FLR,
whose bulk and import writes publish nothing. There is nothing to recount.
"""

from __future__ import annotations

from dataclasses import dataclass

from fastlege.core.readmodels import TriggerSet, register, trigger_function

EVENT = "events_event"
AGREEMENT = "registry_agreement"
PERIOD = "registry_doctorperiod"
MEMBERSHIP = "registry_listmembership"


@dataclass(frozen=True)
class Source:
    """One table whose changes are events. Expressions use ``{r}`` for the row."""

    name: str  # short, in the trigger names
    table: str
    created: str
    deleted: str
    updated: str  # the type of an update that does not end the row
    ended: str  # the type of an update that ends the row (valid_to set)
    agreement: str
    municipality: str
    #: (key, source column, PostgreSQL expression, SQLite expression) of the payload
    fields: tuple[tuple[str, str, str, str], ...]

    def changed_columns(self) -> tuple[str, ...]:
        """The columns whose change is an update event: the payload's sources."""
        return tuple(column for _key, column, _pg, _lite in self.fields if column != "id")


def _plain(key: str, column: str | None = None) -> tuple[str, str, str, str]:
    column = column or key
    return (key, column, "{r}." + column, "{r}." + column)


def _flag(key: str, column: str) -> tuple[str, str, str, str]:
    """A boolean: native in PostgreSQL; 0/1 in SQLite, written as JSON true/false."""
    lite = "json(CASE WHEN {r}." + column + " THEN 'true' ELSE 'false' END)"
    return (key, column, "{r}." + column, lite)


def _hpr(key: str, column: str) -> tuple[str, str, str, str]:
    lookup = "(SELECT d.hpr_number FROM registry_doctor d WHERE d.id = {r}." + column + ")"  # noqa: S608
    return (key, column, lookup, lookup)


_LIST_MUNICIPALITY = (
    "(SELECT a.municipality_id FROM registry_agreement a WHERE a.id = {r}.agreement_id)"
)

SOURCES = (
    Source(
        name="agreement",
        table=AGREEMENT,
        created="ContractCreated",
        deleted="ContractCanceled",
        updated="ContractUpdated",
        ended="ContractCanceled",
        agreement="{r}.id",
        municipality="{r}.municipality_id",
        fields=(
            _plain("id"),
            _plain("municipality", "municipality_id"),
            _plain("practice", "practice_id"),
            _plain("ceiling"),
            _flag("is_open", "is_open"),
            _flag("locked", "locked_by_hand"),
            _flag("shared_list", "is_shared_list"),
            _flag("salaried", "is_salaried"),
            _plain("valid_from"),
            _plain("valid_to"),
            _plain("end_reason"),
        ),
    ),
    Source(
        name="period",
        table=PERIOD,
        created="GPOnContractCreated",
        deleted="GPOnContractDeleted",
        updated="GPOnContractUpdated",
        ended="GPOnContractUpdated",
        agreement="{r}.agreement_id",
        municipality=_LIST_MUNICIPALITY,
        fields=(
            _plain("id"),
            _plain("agreement", "agreement_id"),
            _hpr("hpr", "doctor_id"),
            _plain("role"),
            _hpr("substitute_for_hpr", "substitute_for_id"),
            _plain("percentage"),
            _plain("valid_from"),
            _plain("valid_to"),
            _plain("end_reason"),
        ),
    ),
    Source(
        name="membership",
        table=MEMBERSHIP,
        created="PatientOnContractCreated",
        deleted="PatientOnContractCanceled",
        updated="PatientOnContractUpdated",
        ended="PatientOnContractCanceled",
        agreement="{r}.agreement_id",
        municipality=_LIST_MUNICIPALITY,
        fields=(
            _plain("id"),
            _plain("agreement", "agreement_id"),
            _plain("resident", "resident_id"),
            _plain("valid_from"),
            _plain("valid_to"),
            _plain("begin_reason"),
            _plain("end_reason"),
        ),
    ),
)

_INSERT = (
    "INSERT INTO events_event "
    "(type, occurred_at, agreement_id, municipality_id, object_id, payload) "
)


def _insert_select(columns: str, rest: str) -> str:
    """The outbox's ``INSERT … SELECT`` (constant text, built from the tables above)."""
    return _INSERT + "SELECT " + columns + rest  # noqa: S608


def _payload(source: Source, row: str, postgres: bool) -> str:
    parts = []
    for key, _column, pg, lite in source.fields:
        parts.append("'" + key + "', " + (pg if postgres else lite).format(r=row))
    return ("jsonb_build_object(" if postgres else "json_object(") + ", ".join(parts) + ")"


def _columns(source: Source, row: str, type_sql: str, postgres: bool) -> str:
    when = "now()" if postgres else "strftime('%Y-%m-%d %H:%M:%f', 'now')"
    municipality = source.municipality.format(r=row)
    if postgres and source.municipality == _LIST_MUNICIPALITY:
        municipality = "a.municipality_id"  # joined: see _list_join
    return ", ".join(
        [
            type_sql,
            when,
            source.agreement.format(r=row),
            municipality,
            row + ".id",
            _payload(source, row, postgres),
        ]
    )


def _update_type(source: Source, old: str, new: str) -> str:
    if source.ended == source.updated:
        return "'" + source.updated + "'"
    return (
        "CASE WHEN " + old + ".valid_to IS NULL AND " + new + ".valid_to IS NOT NULL "
        "THEN '" + source.ended + "' ELSE '" + source.updated + "' END"
    )


def _list_join(source: Source, row: str) -> str:
    """PostgreSQL: the list's municipality by a join with the lists (a hash join over a
    bulk statement's rows: half the cost of a subquery per row in the monthly update)."""
    if source.municipality != _LIST_MUNICIPALITY:
        return ""
    return " LEFT JOIN registry_agreement a ON a.id = " + row + ".agreement_id"


def _postgres(source: Source) -> tuple[list[str], list[str]]:
    prefix = "events_" + source.name
    changed = " OR ".join("n." + c + " IS DISTINCT FROM o." + c for c in source.changed_columns())
    bodies = {
        "insert": _insert_select(
            _columns(source, "r", "'" + source.created + "'", True),
            " FROM new_rows r" + _list_join(source, "r") + " ORDER BY r.id",
        ),
        "delete": _insert_select(
            _columns(source, "r", "'" + source.deleted + "'", True),
            " FROM old_rows r" + _list_join(source, "r") + " ORDER BY r.id",
        ),
        "update": _insert_select(
            _columns(source, "n", _update_type(source, "o", "n"), True),
            " FROM new_rows n JOIN old_rows o ON o.id = n.id"
            + _list_join(source, "n")
            + " WHERE ("
            + changed
            + ") ORDER BY n.id",
        ),
    }
    transition = {
        "insert": "REFERENCING NEW TABLE AS new_rows",
        "delete": "REFERENCING OLD TABLE AS old_rows",
        "update": "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows",
    }
    install: list[str] = []
    drop: list[str] = []
    for verb, body in bodies.items():
        name = prefix + "_" + verb
        install.append(trigger_function(name, body))
        install.append(
            "CREATE TRIGGER "
            + name
            + " AFTER "
            + verb.upper()
            + " ON "
            + source.table
            + " "
            + transition[verb]
            + " FOR EACH STATEMENT EXECUTE FUNCTION "
            + name
            + "()"
        )
        drop.append("DROP TRIGGER IF EXISTS " + name + " ON " + source.table)
        drop.append("DROP FUNCTION IF EXISTS " + name + "()")
    return install, drop


def _sqlite(source: Source) -> tuple[list[str], list[str]]:
    prefix = "events_" + source.name
    changed = " OR ".join("NEW." + c + " IS NOT OLD." + c for c in source.changed_columns())
    install = [
        "CREATE TRIGGER "
        + prefix
        + "_insert AFTER INSERT ON "
        + source.table
        + " BEGIN "
        + _INSERT
        + "VALUES ("
        + _columns(source, "NEW", "'" + source.created + "'", False)
        + "); END",
        "CREATE TRIGGER "
        + prefix
        + "_delete AFTER DELETE ON "
        + source.table
        + " BEGIN "
        + _INSERT
        + "VALUES ("
        + _columns(source, "OLD", "'" + source.deleted + "'", False)
        + "); END",
        "CREATE TRIGGER "
        + prefix
        + "_update AFTER UPDATE ON "
        + source.table
        + " WHEN "
        + changed
        + " BEGIN "
        + _INSERT
        + "VALUES ("
        + _columns(source, "NEW", _update_type(source, "OLD", "NEW"), False)
        + "); END",
    ]
    drop = ["DROP TRIGGER IF EXISTS " + prefix + "_" + v for v in ("insert", "delete", "update")]
    return install, drop


def _all() -> tuple[list[str], list[str], list[str], list[str]]:
    pg_install: list[str] = []
    pg_drop: list[str] = []
    lite_install: list[str] = []
    lite_drop: list[str] = []
    for source in SOURCES:
        i, d = _postgres(source)
        pg_install += i
        pg_drop += d
        i, d = _sqlite(source)
        lite_install += i
        lite_drop += d
    return pg_install, pg_drop, lite_install, lite_drop


_PG_INSTALL, _PG_DROP, _SQLITE_INSTALL, _SQLITE_DROP = _all()

TRIGGERS = register(
    TriggerSet(
        prefix="events_",
        tables=(EVENT, AGREEMENT, PERIOD, MEMBERSHIP),
        postgres_install=tuple(_PG_INSTALL),
        postgres_drop=tuple(_PG_DROP),
        sqlite_install=tuple(_SQLITE_INSTALL),
        sqlite_drop=tuple(_SQLITE_DROP),
        recount_sql=(),  # an outbox is never recounted: a paused load publishes nothing
    )
)
