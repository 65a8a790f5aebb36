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
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from django.utils import timezone

from fastlege.core import audit
from fastlege.registry.models import Agreement, Doctor, DoctorPeriod, ListMembership, Resident
from fastlege.registry.periods import in_force, in_force_on, periods_overlap
from fastlege.registry.services.access import Scope, scope_of

#: Persons in one look-up call (FLR has no stated limit; ours keeps a call under 300 ms).
MAX_PERSONS_PER_CALL = 1000


@dataclass(frozen=True)
class Asked:
    nin: str
    day: datetime.date


def _visible(scope: Scope, residents: Iterable[Resident]) -> dict[str, Resident]:
    """The residents the caller may read, by number."""
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
                in_force_on(today), resident__in=listed, agreement_id__in=own_lists
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


def _doctor(periods: list[DoctorPeriod], role: str, day: datetime.date) -> dict[str, Any] | None:
    now = [p for p in periods if p.role == role and in_force(p.valid_from, p.valid_to, day)]
    if not now:
        return None
    p = max(now, key=lambda p: (p.valid_from, p.pk))
    return {
        "hpr_number": p.doctor.hpr_number,
        "name": p.doctor.full_name,
    }


def _place(m: ListMembership, periods: list[DoctorPeriod], day: datetime.date) -> dict[str, Any]:
    a: Agreement = m.agreement
    return {
        "agreement": a.pk,
        "municipality": a.municipality_id,
        "practice": {
            "id": a.practice_id,
            "name": a.practice.name,
            "org_number": a.practice.org_number,
        },
        "member_from": m.valid_from,
        "member_to": m.valid_to,
        "gp": _doctor(periods, DoctorPeriod.Role.REGULAR, day),
        "substitute": _doctor(periods, DoctorPeriod.Role.SUBSTITUTE, day),
    }


def _audit(actor: Any, action: str, residents: Iterable[Resident], **details: Any) -> None:
    """One READ row naming the persons read, in the shape of every list read
    (``audit.record_list_read``: ``object_type`` registry.resident, ``details["ids"]``),
    so «who has seen this person in a list» finds API reads too."""
    ids = [str(pk) for pk in sorted({r.pk for r in residents})]
    audit.record_list_read(actor, Resident._meta.label_lower, ids, "api", action, **details)


def gp_on(actor: Any, asked: Sequence[Asked]) -> list[dict[str, Any]]:
    """For each asked person, in the order asked: ``found`` (known and in the caller's
    area) and ``list`` (the list they were on that day, with the GP and substitute
    then) or ``None`` when they had none."""
    scope = scope_of(actor)
    residents = _visible(scope, Resident.objects.filter(nin__in={a.nin for a in asked}))
    ids = [r.pk for r in residents.values()]
    memberships: dict[int, list[ListMembership]] = defaultdict(list)
    days = {a.day for a in asked}
    if ids:
        earliest, latest = min(days), max(days)
        for m in ListMembership.objects.filter(
            Q(valid_to__isnull=True) | Q(valid_to__gt=earliest),
            resident_id__in=ids,
            valid_from__lte=latest,
        ).select_related("agreement__practice"):
            memberships[m.resident_id].append(m)
    periods = _periods_by_agreement({m.agreement_id for ms in memberships.values() for m in ms})
    answers = []
    for i, a in enumerate(asked):
        person = residents.get(a.nin)
        if person is None:
            answers.append({"index": i, "on": a.day, "found": False, "list": None})
            continue
        now = [m for m in memberships[person.pk] if in_force(m.valid_from, m.valid_to, a.day)]
        place = _place(now[0], periods[now[0].agreement_id], a.day) if now else None
        answers.append({"index": i, "on": a.day, "found": True, "list": place})
    _audit(actor, "api.gp_lookup", residents.values(), persons=len(asked))
    return answers


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
