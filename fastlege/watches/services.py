"""Watching for a free place: start and stop watching, and the monthly notice pass.

Watching is not a waiting list: it holds no place and gives no priority; whoever asks
first after a place opens gets it (fastlegeforskriften § 6 bytte, or the list's waiting
list, which the monthly update serves first).

A place opens (``opened_lists``) on a list in month M when, in the monthly update's
snapshot of M (``monthly.ListMonthSnapshot``, written by step 8 of the run), the list
takes new residents and has a free place, and in the snapshot of M − 1 it did not (or
had no snapshot: a new list). "Takes new residents" is the registry's status (open and
not closed by hand, ``registry.services.common.is_closed_for_new``); "a free place" is
the registry's one definition (``registry.capacity.places_left_expression``) over the
snapshot's ceiling and length, with nothing pending (every move due has been carried
out by the run). So a list that stays open month after month gives one notice, when it
opens; a list that fills up and opens again gives another.

``notify_watchers(month)`` is one set-based pass for all watchers: two
``INSERT … SELECT`` statements (list watches, search watches) join the active watches
to the lists that opened, and each user with an address is told once through
``notices.notify_many`` (at once after commit, in their digest, or not, as they chose
under Varsler). It is idempotent: a notice is unique per (watch, list, month) and only
notices new in this pass are passed on, so running it twice sends nothing twice.
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import (
    BooleanField,
    Exists,
    ExpressionWrapper,
    OuterRef,
    Q,
    QuerySet,
    TextField,
    Value,
)
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from fastlege.core import audit
from fastlege.monthly.models import ListMonthSnapshot, MonthRun
from fastlege.notices.models import Kind
from fastlege.notices.services import notify_many
from fastlege.reference.models import Municipality
from fastlege.registry import capacity, rules
from fastlege.registry.models import Agreement, Doctor, Resident, Sex
from fastlege.registry.periods import in_force_on
from fastlege.registry.services import access
from fastlege.registry.services.errors import Code as RegistryCode
from fastlege.registry.services.errors import refuse as registry_refuse
from fastlege.watches.errors import Code, refuse
from fastlege.watches.models import Watch, WatchNotice

log = logging.getLogger("fastlege.watches")

#: At most this many active watches (lists and searches) per person.
MAX_WATCHES = 20

#: The filters a search may hold, and their allowed values: what the monthly snapshot
#: records about the list's regular GP. A filter added to the search page must be added
#: here and matched in ``_search_watches``/``notify_watchers``.
FILTERS: dict[str, frozenset[str]] = {
    "sex": frozenset(Sex.values),
    "specialty": frozenset(Doctor.Specialty.values),
}


def clean_filters(filters: dict[str, Any] | None) -> dict[str, str]:
    """The search's filters without empty values; an unknown filter or value is refused."""
    cleaned: dict[str, str] = {}
    for key, value in (filters or {}).items():
        if value in (None, ""):
            continue
        if key not in FILTERS or str(value) not in FILTERS[key]:
            refuse(Code.INVALID_FILTER)
        cleaned[key] = str(value)
    return cleaned


# --- Start and stop watching ---------------------------------------------------------------


def _locked_person(actor: Any, resident: Resident | int, today: datetime.date) -> Resident:
    """The person, locked (one watch count at a time), if ``actor`` may act for them."""
    pk = resident.pk if isinstance(resident, Resident) else resident
    person = Resident.objects.select_for_update().filter(pk=pk).first()
    if person is None:
        registry_refuse(RegistryCode.UNKNOWN_PERSON)
    access.require_for_resident(actor, person, today)
    return person


def _require_room(person: Resident, limit: int) -> None:
    if Watch.objects.filter(resident_id=person.pk, ended_at__isnull=True).count() >= limit:
        refuse(Code.TOO_MANY_WATCHES, limit=limit)


def _created(actor: Any, watch: Watch, action: str, **details: Any) -> Watch:
    watch.created_by = actor if getattr(actor, "is_authenticated", False) else None
    audit.insert_and_record(actor, action, watch, **details)
    return watch


def watch_list(
    actor: Any,
    resident: Resident | int,
    agreement: Agreement | int,
    *,
    limit: int = MAX_WATCHES,
    today: datetime.date | None = None,
) -> Watch:
    """Si fra når det blir plass on one list, for ``resident`` (themselves, or a child the
    actor chooses a GP for: pasientrettighetsforskriften §§ 5–6, ``require_for_resident``).
    Holds no place. At most ``limit`` active watches per person."""
    today = today or timezone.localdate()
    agreement_id = agreement.pk if isinstance(agreement, Agreement) else agreement
    with transaction.atomic():
        person = _locked_person(actor, resident, today)
        if not Agreement.objects.filter(in_force_on(today), pk=agreement_id).exists():
            refuse(Code.UNKNOWN_LIST)
        active = Watch.objects.filter(resident_id=person.pk, ended_at__isnull=True)
        if active.filter(kind=Watch.Kind.LIST, agreement_id=agreement_id).exists():
            refuse(Code.ALREADY_WATCHING)
        _require_room(person, limit)
        watch = Watch(resident_id=person.pk, kind=Watch.Kind.LIST, agreement_id=agreement_id)
        return _created(actor, watch, "watch.list_started", agreement=agreement_id)


def watch_search(
    actor: Any,
    resident: Resident | int,
    municipality_id: str,
    filters: dict[str, Any] | None = None,
    *,
    limit: int = MAX_WATCHES,
    today: datetime.date | None = None,
) -> Watch:
    """Si fra når det blir plass on any list in a municipality whose regular GP matches
    ``filters`` (``FILTERS``: the GP's sex, specialist status). Holds no place."""
    today = today or timezone.localdate()
    cleaned = clean_filters(filters)
    with transaction.atomic():
        person = _locked_person(actor, resident, today)
        if not Municipality.objects.filter(pk=municipality_id).exists():
            refuse(Code.UNKNOWN_MUNICIPALITY)
        _require_room(person, limit)
        watch = Watch(
            resident_id=person.pk,
            kind=Watch.Kind.SEARCH,
            municipality_id=municipality_id,
            filters=cleaned,
        )
        return _created(
            actor, watch, "watch.search_started", municipality=municipality_id, **cleaned
        )


def stop_watching(
    actor: Any, resident: Resident | int, watch_id: int, *, today: datetime.date | None = None
) -> Watch:
    """Stop a watch of ``resident``. Its notices stay on the page."""
    today = today or timezone.localdate()
    with transaction.atomic():
        person = _locked_person(actor, resident, today)
        watch = (
            Watch.objects.select_for_update()
            .filter(pk=watch_id, resident_id=person.pk, ended_at__isnull=True)
            .first()
        )
        if watch is None:
            refuse(Code.NOT_WATCHING)
        watch.ended_at = timezone.now()
        watch.ended_by = actor if getattr(actor, "is_authenticated", False) else None
        watch.save(update_fields=["ended_at", "ended_by"])
        audit.record(actor, "watch.stopped", watch)
        return watch


# --- The monthly pass -------------------------------------------------------------------


def _takes_new_with_free_place(qs: QuerySet[ListMonthSnapshot]) -> QuerySet[ListMonthSnapshot]:
    """Snapshots of lists that take new residents and have a free place (the registry's
    definition, over the snapshot's ceiling and length; nothing pending after the run)."""
    return (
        qs.filter(is_open=True, locked_by_hand=False)
        .annotate(places=capacity.places_left_expression("ceiling", "length", 0))
        .filter(places__gt=0)
    )


def opened_lists(month: datetime.date) -> QuerySet[ListMonthSnapshot]:
    """The lists where a place opened in ``month`` (module docstring), with ``places``
    (free places after the run), the municipality and the regular GP's sex and specialist
    status. One query."""
    before = _takes_new_with_free_place(
        ListMonthSnapshot.objects.filter(
            month=rules.add_months(month, -1), agreement_id=OuterRef("agreement_id")
        )
    )
    return (
        _takes_new_with_free_place(ListMonthSnapshot.objects.filter(month=month))
        .filter(~Exists(before))
        .order_by()
    )


@dataclass(frozen=True)
class NoticeResult:
    month: datetime.date
    opened: int
    notices: int
    emails: int
    seconds: float


def _sql(qs: QuerySet[Any, Any]) -> tuple[str, tuple[Any, ...]]:
    sql, params = qs.query.sql_with_params()
    return sql, tuple(params)


def _insert_notices(
    watches: QuerySet[Any, Any],
    opened: QuerySet[ListMonthSnapshot],
    on: str,
    month: datetime.date,
    stamp: datetime.datetime,
) -> int:
    """``INSERT … SELECT`` the notices of ``watches`` joined to ``opened`` ``on`` a
    condition over ``w`` (watch) and ``o`` (opened list); existing notices are kept.
    A new notice whose watcher has an address is stamped ``emailed_at = stamp``."""
    w_sql, w_params = _sql(watches)
    o_sql, o_params = _sql(opened.values("agreement_id", "municipality_id", "places", *_GP))
    ops = connection.ops
    table = WatchNotice._meta.db_table
    at = ops.adapt_datetimefield_value(stamp)
    # ``WHERE true``: SQLite needs a WHERE before ON CONFLICT after a join.
    sql = (
        f"INSERT INTO {table} (watch_id, resident_id, agreement_id, month, free_places, "  # noqa: S608
        "created_at, emailed_at) SELECT w.id, w.resident_id, o.agreement_id, %s, o.places, "
        f"%s, CASE WHEN w.mail THEN %s ELSE NULL END FROM ({w_sql}) w JOIN ({o_sql}) o "
        f"ON {on} WHERE true ON CONFLICT DO NOTHING"
    )
    params = (ops.adapt_datefield_value(month), at, at, *w_params, *o_params)
    with connection.cursor() as cur:
        cur.execute(sql, params)
        return max(cur.rowcount, 0)


_GP = ("regular_gp_sex", "regular_gp_specialty")


def _active_watches(kind: str, cutoff: datetime.datetime) -> QuerySet[Watch]:
    """Watches of ``kind`` active now and set up before the month's run ended, with
    ``mail``: the user who set it up is active and has an e-mail address."""
    has_mail = Q(created_by__is_active=True) & ~Q(created_by__email="")
    return (
        Watch.objects.filter(kind=kind, ended_at__isnull=True, created_at__lte=cutoff)
        .annotate(mail=ExpressionWrapper(has_mail, output_field=BooleanField()))
        .order_by()
    )


def _search_watches(cutoff: datetime.datetime) -> QuerySet[Any, Any]:
    """Search watches with each filter as a text column (``''``: any)."""
    empty = Value("", output_field=TextField())
    return (
        _active_watches(Watch.Kind.SEARCH, cutoff)
        .annotate(
            f_sex=Coalesce(KeyTextTransform("sex", "filters"), empty, output_field=TextField()),
            f_specialty=Coalesce(
                KeyTextTransform("specialty", "filters"), empty, output_field=TextField()
            ),
        )
        .values("id", "resident_id", "mail", "municipality_id", "f_sex", "f_specialty")
    )


def notify_watchers(month: datetime.date, *, actor: Any = None) -> NoticeResult:
    """Write the notices of ``month`` for every watcher of a list that opened, and e-mail
    each watcher with an address once (after commit). One pass for all; idempotent."""
    started = timezone.now()
    month = month.replace(day=1)
    access.require_system_or_national(actor)
    with transaction.atomic():
        run = (
            MonthRun.objects.select_for_update()  # one pass per month at a time
            .filter(month=month, status=MonthRun.Status.COMPLETED)
            .first()
        )
        if run is None or run.finished_at is None:
            refuse(Code.MONTH_NOT_RUN, month=f"{month:%Y-%m}")
        opened = opened_lists(month)
        stamp = timezone.now()
        notices = _insert_notices(
            _active_watches(Watch.Kind.LIST, run.finished_at).values(  # type: ignore[misc]
                "id", "resident_id", "mail", "agreement_id"
            ),  # (``mail`` is an annotation the stubs do not see)
            opened,
            "w.agreement_id = o.agreement_id",
            month,
            stamp,
        )
        notices += _insert_notices(
            _search_watches(run.finished_at),
            opened,
            "w.municipality_id = o.municipality_id"
            " AND (w.f_sex = '' OR w.f_sex = o.regular_gp_sex)"
            " AND (w.f_specialty = '' OR w.f_specialty = o.regular_gp_specialty)",
            month,
            stamp,
        )
        emails = _email_after_commit(month, stamp)
        audit.record(
            actor, "watch.notified", run, month=f"{month:%Y-%m}", notices=notices, emails=emails
        )
        opened_count = opened.count()
    seconds = (timezone.now() - started).total_seconds()
    log.info("notify-watchers %s: %s notices, %s e-mails", f"{month:%Y-%m}", notices, emails)
    return NoticeResult(month, opened_count, notices, emails, seconds)


def _email_after_commit(month: datetime.date, stamp: datetime.datetime) -> int:
    """Tell each user whose watches got notices in this pass (stamped ``stamp``) once,
    through ``notices.notify_many`` (kind «ledig plass»): at once after commit, or in
    their digest, or not at all, as each chose. No personal data: a place opened; log
    in. Returns the number of users with an address told (at once or queued)."""
    users = (
        get_user_model()
        .objects.filter(
            pk__in=WatchNotice.objects.filter(month=month, emailed_at=stamp)
            .order_by()
            .values("watch__created_by_id"),
            is_active=True,
        )
        .exclude(email="")
    )
    body = "\n\n".join(
        [
            _("Det er blitt ledig plass hos en fastlege du følger med på."),
            _("Logg inn for å se hvor."),
            _(
                "Å følge med holder ingen plass: plassen går til den som ber om den først "
                "(og til ventelisten før andre)."
            ),
        ]
    )
    told = notify_many(
        users=users.only("pk", "email", "is_active").order_by("pk"),
        kind=Kind.PLACE_OPENED,
        subject=_("Det er blitt ledig plass hos en fastlege du følger med på"),
        body=body,
        url="/innbygger/",
    )
    return len(told)
