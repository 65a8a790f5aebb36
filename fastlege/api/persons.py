"""The register's look-ups of persons, as FLR offers them (``../shared/reference/flr.md``
§ 1): a person's GP on a day (many persons in one call, each with their own day), a
person's history, "was doctor X this person's GP on day D", and a list's members.

Identity numbers come only in a request body (``POST``), never in a URL, and never
back in an error. A person outside the caller's area is answered exactly like an
unknown person. Each call writes one audit row (kind READ) naming the persons read
by their ids — never by number — in the transaction of the answer.

Scope (``registry.services.access``): the system and national clients read
everyone; a municipality's client the residents of its municipality; a GP's client
the members of its own lists (for ``confirm``: itself).
"""

from __future__ import annotations

import datetime
import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from django.utils import timezone

from fastlege.core import audit, fastpath
from fastlege.registry.models import Agreement, Doctor, DoctorPeriod, ListMembership, Resident
from fastlege.registry.periods import in_force, in_force_on, overlaps_sql, periods_overlap
from fastlege.registry.services.access import Scope, scope_of

#: Persons in one look-up call (FLR has no stated limit; ours keeps a call under 300 ms).
MAX_PERSONS_PER_CALL = 1000


class _Resident(Protocol):
    @property
    def pk(self) -> Any: ...
    @property
    def nin(self) -> str: ...
    @property
    def municipality_id(self) -> Any: ...


P = TypeVar("P", bound=_Resident)


@dataclass(frozen=True)
class Asked:
    nin: str
    day: datetime.date


def _visible(scope: Scope, residents: Iterable[P]) -> dict[str, P]:
    """The residents the caller may read, by number (a ``Resident`` or anything with
    its ``pk``, ``nin`` and ``municipality_id``)."""
    out = {}
    gp_members: set[int] = set()
    listed = list(residents)
    if scope.doctors and not scope.everything:
        # a GP reads the persons on its lists now
        today = timezone.localdate()
        own_lists = DoctorPeriod.objects.filter(
            in_force_on(today), doctor_id__in=scope.doctors, role=DoctorPeriod.Role.REGULAR
        ).values("agreement_id")
        gp_members = set(
            ListMembership.objects.filter(
                in_force_on(today),
                resident_id__in=[r.pk for r in listed],
                agreement_id__in=own_lists,
            ).values_list("resident_id", flat=True)
        )
    for r in listed:
        if scope.everything or r.municipality_id in scope.municipalities or r.pk in gp_members:
            out[r.nin] = r
    return out


def _periods_by_agreement(agreement_ids: set[int]) -> dict[int, list[DoctorPeriod]]:
    periods: dict[int, list[DoctorPeriod]] = defaultdict(list)
    for p in DoctorPeriod.objects.filter(agreement_id__in=agreement_ids).select_related("doctor"):
        periods[p.agreement_id].append(p)
    return periods


def _audit(actor: Any, action: str, residents: Iterable[_Resident], **details: Any) -> None:
    """One READ row naming the persons read, in the shape of every list read
    (``audit.record_list_read``: ``object_type`` registry.resident, ``details["ids"]``),
    so «who has seen this person in a list» finds API reads too."""
    ids = [str(pk) for pk in sorted({r.pk for r in residents})]
    audit.record_list_read(actor, Resident._meta.label_lower, ids, "api", action, **details)


# A person's list place and the doctors serving it, for many persons over a window of
# days, as one statement (the hot path: the API's most frequent call). Periods through
# the one definition (``registry.periods.overlaps_sql``); the window is
# [earliest day asked, day after the latest), and each person's own day is picked in
# memory by ``periods.in_force``. The persons: ``= ANY(array)`` on PostgreSQL (one
# prepared statement for any number), a JSON array through ``json_each`` on SQLite.
_GP_ON_SELECT = (
    "SELECT r.id, r.nin, r.municipality_id, m.id, m.agreement_id, m.valid_from, m.valid_to, "
    "a.municipality_id, a.practice_id, p.name, p.org_number, "
    "dp.id, dp.role, dp.valid_from, dp.valid_to, d.hpr_number, d.first_name, d.last_name "
    "FROM registry_resident r "
    "LEFT JOIN registry_listmembership m ON m.resident_id = r.id AND "
    + overlaps_sql("m", "%(start)s", "%(end)s")
    + " LEFT JOIN registry_agreement a ON a.id = m.agreement_id "
    "LEFT JOIN registry_practice p ON p.id = a.practice_id "
    "LEFT JOIN registry_doctorperiod dp ON dp.agreement_id = m.agreement_id AND "
    + overlaps_sql("dp", "%(start)s", "%(end)s")
    + " LEFT JOIN registry_doctor d ON d.id = dp.doctor_id "
)
_GP_ON_WHERE = {
    "postgresql": "WHERE r.nin = ANY(%(nins)s)",
    "sqlite": "WHERE r.nin IN (SELECT value FROM json_each(%(nins)s))",
}


@dataclass(frozen=True)
class _Person:
    pk: int
    nin: str
    municipality_id: str


@dataclass(frozen=True)
class _Period:
    pk: int
    role: str
    valid_from: datetime.date
    valid_to: datetime.date | None
    hpr_number: str
    name: str


@dataclass
class _Place:
    pk: int
    agreement_id: int
    valid_from: datetime.date
    valid_to: datetime.date | None
    municipality_id: str
    practice: dict[str, Any]
    periods: list[_Period]


def _gp_rows(
    nins: list[str], start: datetime.date, end: datetime.date
) -> tuple[dict[str, _Person], dict[int, list[_Place]]]:
    conn = fastpath.db()
    where = _GP_ON_WHERE["postgresql" if conn.vendor == "postgresql" else "sqlite"]
    params = {
        "start": start,
        "end": end,
        "nins": nins if conn.vendor == "postgresql" else json.dumps(nins),
    }
    persons: dict[str, _Person] = {}
    places: dict[int, dict[int, _Place]] = defaultdict(dict)
    with fastpath.execute(_GP_ON_SELECT + where, params, conn) as cursor:
        rows = cursor.fetchall()
    for row in rows:
        (rid, nin, muni, mid, agreement, m_from, m_to, a_muni, practice, p_name, p_org) = row[:11]
        persons.setdefault(nin, _Person(rid, nin, muni))
        if mid is None:
            continue
        place = places[rid].get(mid)
        if place is None:
            practice_info = {"id": practice, "name": p_name, "org_number": p_org}
            place = places[rid][mid] = _Place(
                mid, agreement, m_from, m_to, a_muni, practice_info, []
            )
        if row[11] is not None:
            dp_id, role, dp_from, dp_to, hpr, first, last = row[11:]
            place.periods.append(_Period(dp_id, role, dp_from, dp_to, hpr, f"{first} {last}"))
    return persons, {rid: list(by_id.values()) for rid, by_id in places.items()}


def _serving(periods: list[_Period], role: str, day: datetime.date) -> dict[str, Any] | None:
    now = [p for p in periods if p.role == role and in_force(p.valid_from, p.valid_to, day)]
    if not now:
        return None
    p = max(now, key=lambda p: (p.valid_from, p.pk))
    return {"hpr_number": p.hpr_number, "name": p.name}


def gp_on(actor: Any, asked: Sequence[Asked]) -> list[dict[str, Any]]:
    """For each asked person, in the order asked: ``found`` (known and in the caller's
    area) and ``list`` (the list they were on that day, with the GP and substitute
    then) or ``None`` when they had none."""
    scope = scope_of(actor)
    days = {a.day for a in asked}
    known, places = _gp_rows(
        sorted({a.nin for a in asked}), min(days), max(days) + datetime.timedelta(days=1)
    )
    residents = _visible(scope, known.values())
    answers = []
    for i, a in enumerate(asked):
        person = residents.get(a.nin)
        if person is None:
            answers.append({"index": i, "on": a.day, "found": False, "list": None})
            continue
        now = [p for p in places.get(person.pk, ()) if in_force(p.valid_from, p.valid_to, a.day)]
        answers.append({"index": i, "on": a.day, "found": True, "list": _place_of(now, a.day)})
    _audit(actor, "api.gp_lookup", residents.values(), persons=len(asked))
    return answers


def _place_of(now: list[_Place], day: datetime.date) -> dict[str, Any] | None:
    if not now:
        return None
    place = now[0]
    return {
        "agreement": place.agreement_id,
        "municipality": place.municipality_id,
        "practice": place.practice,
        "member_from": place.valid_from,
        "member_to": place.valid_to,
        "gp": _serving(place.periods, DoctorPeriod.Role.REGULAR, day),
        "substitute": _serving(place.periods, DoctorPeriod.Role.SUBSTITUTE, day),
    }


def history(actor: Any, nin: str) -> dict[str, Any]:
    """Every list place the person has had, oldest first, with the GPs who served
    each list while the person was on it."""
    scope = scope_of(actor)
    person = _visible(scope, Resident.objects.filter(nin=nin)).get(nin)
    if person is None:
        _audit(actor, "api.gp_history", [], persons=1)
        return {"found": False, "places": []}
    places = list(
        ListMembership.objects.filter(resident=person)
        .select_related("agreement__practice")
        .order_by("valid_from", "pk")
    )
    periods = _periods_by_agreement({m.agreement_id for m in places})
    out = []
    for m in places:
        served = [
            {
                "hpr_number": p.doctor.hpr_number,
                "name": p.doctor.full_name,
                "role": p.role,
                "from": max(p.valid_from, m.valid_from),
                "to": min([d for d in (p.valid_to, m.valid_to) if d is not None], default=None),
            }
            for p in sorted(periods[m.agreement_id], key=lambda p: (p.valid_from, p.pk))
            if periods_overlap(p.valid_from, p.valid_to, m.valid_from, m.valid_to)
        ]
        out.append(
            {
                "agreement": m.agreement_id,
                "municipality": m.agreement.municipality_id,
                "practice": {"id": m.agreement.practice_id, "name": m.agreement.practice.name},
                "member_from": m.valid_from,
                "member_to": m.valid_to,
                "begin_reason": m.begin_reason,
                "end_reason": m.end_reason or None,
                "doctors": served,
            }
        )
    _audit(actor, "api.gp_history", [person], persons=1)
    return {"found": True, "places": out}


def confirm_gp(actor: Any, nin: str, hpr: str, day: datetime.date) -> bool | None:
    """Was the doctor with HPR number ``hpr`` the person's regular GP on ``day``?
    ``None`` when the person is unknown or outside the caller's area. A GP's client
    may only ask about itself."""
    scope = scope_of(actor)
    # A GP's client asks about itself only: "is this person on my list?"; the answer
    # for an unknown person is then simply no.
    own = (
        bool(scope.doctors) and Doctor.objects.filter(pk__in=scope.doctors, hpr_number=hpr).exists()
    )
    if own:
        person = Resident.objects.filter(nin=nin).first()
    else:
        person = _visible(scope, Resident.objects.filter(nin=nin)).get(nin)
    if person is None:
        _audit(actor, "api.gp_confirm", [], persons=1)
        return False if own else None
    confirmed = (
        ListMembership.objects.filter(in_force_on(day), resident=person)
        .filter(
            agreement__doctor_periods__in=DoctorPeriod.objects.filter(
                in_force_on(day), role=DoctorPeriod.Role.REGULAR, doctor__hpr_number=hpr
            )
        )
        .exists()
    )
    _audit(actor, "api.gp_confirm", [person], persons=1)
    return confirmed


def audit_members(
    actor: Any, agreement: Agreement, residents: Iterable[Resident], day: datetime.date
) -> None:
    """One READ row for a page of a list's members, naming them by id."""
    _audit(actor, "api.list_members", residents, agreement=agreement.pk, on=day.isoformat())
