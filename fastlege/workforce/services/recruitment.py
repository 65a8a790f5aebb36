"""Recruitment cases for lists without a regular GP (docs/workforce.md, «Rekruttering»).

Each function is one transaction with an explicit acting user and an audit row; a
refusal (``RecruitmentError``, Norwegian message) leaves nothing changed. Only the
list's own municipality (and national staff) writes. The steps allowed are
``fastlege.workforce.recruitment.TRANSITIONS``. Filling a case starts the new
regular GP's period through the registry's ``assign_gp`` in the same transaction,
so the regulation's rules (§§ 8–12 and the competence requirement) and the
residents' notices stay in one place.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.db import transaction

from fastlege.core import audit
from fastlege.measures.models import Measure
from fastlege.registry.models import Agreement, Doctor, DoctorPeriod
from fastlege.registry.periods import not_ended_by
from fastlege.registry.services import access
from fastlege.registry.services.common import get_agreement, today_or
from fastlege.registry.services.municipality import assign_gp
from fastlege.workforce import recruitment as rules
from fastlege.workforce.models import RecruitmentCase

from .recruitment_errors import Code, refuse

Status = RecruitmentCase.Status


def vacancy_of(agreement: Agreement, today: datetime.date) -> datetime.date:
    """The first day ``agreement`` is (or will be) without a regular GP; refuses a
    list with a regular GP and no known end, or one that leaves too far ahead."""
    running = list(
        DoctorPeriod.objects.filter(agreement_id=agreement.pk, role=DoctorPeriod.Role.REGULAR)
        .filter(not_ended_by(today))
        .values_list("valid_to", flat=True)
    )
    if any(end is None for end in running):
        refuse(Code.LIST_HAS_GP)
    if running:
        ends = max(e for e in running if e is not None)
        if not rules.may_open_ahead(ends, today):
            refuse(
                Code.GP_ENDS_LATER,
                ends=ends.strftime("%d.%m.%Y"),
                months=rules.CASE_AHEAD_MONTHS.value,
            )
        return ends
    last_end = (
        DoctorPeriod.objects.filter(agreement_id=agreement.pk, role=DoctorPeriod.Role.REGULAR)
        .order_by("-valid_to")
        .values_list("valid_to", flat=True)
        .first()
    )
    return last_end or agreement.valid_from


def _measures(municipality_id: str, measure_ids: Iterable[int]) -> list[Measure]:
    ids = {int(i) for i in measure_ids}
    found = list(Measure.objects.filter(pk__in=ids, municipality_id=municipality_id))
    if len(found) != len(ids):
        refuse(Code.FOREIGN_MEASURE)
    return found


@transaction.atomic
def open_case(
    actor: Any,
    agreement: Agreement | int,
    *,
    measure_ids: Iterable[int] = (),
    note: str = "",
    today: datetime.date | None = None,
) -> RecruitmentCase:
    """Open a recruitment case for a list without a regular GP, or whose regular GP
    leaves within ``CASE_AHEAD_MONTHS`` (notice given, § 12, or the age limit)."""
    today = today_or(today)
    target = get_agreement(agreement, lock=True)
    access.require_municipality(actor, target.municipality_id)
    if target.valid_to is not None and target.valid_to <= today:
        refuse(Code.LIST_ENDED)
    vacant_from = vacancy_of(target, today)
    if (
        RecruitmentCase.objects.filter(agreement_id=target.pk)
        .exclude(status__in=(Status.FILLED, Status.CLOSED))
        .exists()
    ):
        refuse(Code.CASE_ALREADY_OPEN)
    measures = _measures(target.municipality_id, measure_ids)
    case = RecruitmentCase(
        agreement=target,
        status=Status.OPENED,
        opened_on=today,
        vacant_from=vacant_from,
        note=note.strip(),
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    audit.insert_and_record(
        actor,
        "workforce.recruitment_open",
        case,
        agreement=target.pk,
        vacant_from=vacant_from.isoformat(),
        measures=sorted(m.pk for m in measures),
    )
    case.measures.set(measures)
    return case


def _case(actor: Any, case_id: int) -> RecruitmentCase:
    """The case, locked for the transaction, if ``actor`` may change it."""
    try:
        case = (
            RecruitmentCase.objects.select_for_update(of=("self",))
            .select_related("agreement")
            .filter(pk=int(case_id))
            .first()
        )
    except (ValueError, TypeError):
        case = None
    if case is None:
        refuse(Code.UNKNOWN_CASE)
    access.require_municipality(actor, case.agreement.municipality_id)
    return case


def _move(case: RecruitmentCase, to: str) -> None:
    if not rules.may_move(case.status, to):
        refuse(
            Code.STEP_NOT_ALLOWED,
            status=Status(case.status).label,
            to=Status(to).label,
        )


def _not_before_opened(case: RecruitmentCase, day: datetime.date) -> None:
    if day < case.opened_on:
        refuse(Code.DATE_BEFORE_OPENED)


def _count(value: Any) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        refuse(Code.BAD_COUNT)
    return value


def _save(
    actor: Any, case: RecruitmentCase, action: str, fields: list[str], **details: Any
) -> None:
    case.save(update_fields=[*fields, "updated_at"])
    audit.record(actor, action, case, status=case.status, **details)


@transaction.atomic
def advertise(
    actor: Any,
    case_id: int,
    *,
    advertised_on: datetime.date,
    deadline: datetime.date,
    channel: str,
) -> RecruitmentCase:
    """Advertise the list (date, deadline, channel). After the first advertisement
    this is a re-advertisement (e.g. no suitable applicants, an offer declined): the
    count goes up and the applicants and offer of the earlier round are cleared."""
    case = _case(actor, case_id)
    _move(case, Status.ADVERTISED)
    _not_before_opened(case, advertised_on)
    if deadline < advertised_on:
        refuse(Code.DEADLINE_BEFORE_ADVERTISED)
    if channel not in RecruitmentCase.Channel.values:
        refuse(Code.BAD_CHANNEL)
    again = rules.is_readvertisement(case.status, Status.ADVERTISED)
    if again:
        case.readvertised_count += 1
        case.applicants = None
        case.interviews_on = None
        case.interviewed = None
        case.offered_on = None
        case.offered_to = None
    else:
        case.first_advertised_on = advertised_on
    case.status = Status.ADVERTISED
    case.advertised_on = advertised_on
    case.deadline = deadline
    case.channel = channel
    _save(
        actor,
        case,
        "workforce.recruitment_readvertise" if again else "workforce.recruitment_advertise",
        [
            "status",
            "advertised_on",
            "first_advertised_on",
            "deadline",
            "channel",
            "readvertised_count",
            "applicants",
            "interviews_on",
            "interviewed",
            "offered_on",
            "offered_to",
        ],
        advertised_on=advertised_on.isoformat(),
        deadline=deadline.isoformat(),
        channel=channel,
    )
    return case


@transaction.atomic
def record_applicants(actor: Any, case_id: int, *, applicants: int) -> RecruitmentCase:
    """The number of applicants to the current advertisement."""
    case = _case(actor, case_id)
    if case.status not in rules.COUNTING:
        refuse(Code.STEP_NOT_ALLOWED, status=Status(case.status).label, to=_count_label())
    case.applicants = _count(applicants)
    _save(actor, case, "workforce.recruitment_applicants", ["applicants"], applicants=applicants)
    return case


def _count_label() -> str:
    return str(RecruitmentCase._meta.get_field("applicants").verbose_name)


@transaction.atomic
def record_interviews(
    actor: Any, case_id: int, *, interviews_on: datetime.date, interviewed: int
) -> RecruitmentCase:
    """Interviews held: the day and how many were interviewed."""
    case = _case(actor, case_id)
    _move(case, Status.INTERVIEWS)
    _not_before_opened(case, interviews_on)
    case.interviewed = _count(interviewed)
    case.interviews_on = interviews_on
    case.status = Status.INTERVIEWS
    _save(
        actor,
        case,
        "workforce.recruitment_interviews",
        ["status", "interviews_on", "interviewed"],
        interviews_on=interviews_on.isoformat(),
        interviewed=interviewed,
    )
    return case


@transaction.atomic
def make_offer(
    actor: Any, case_id: int, *, offered_on: datetime.date, doctor: Doctor | int
) -> RecruitmentCase:
    """An offer of the list to a doctor."""
    case = _case(actor, case_id)
    _move(case, Status.OFFERED)
    _not_before_opened(case, offered_on)
    found = Doctor.objects.filter(pk=getattr(doctor, "pk", doctor)).first()
    if found is None:
        refuse(Code.NO_DOCTOR)
    case.offered_on = offered_on
    case.offered_to = found
    case.status = Status.OFFERED
    _save(
        actor,
        case,
        "workforce.recruitment_offer",
        ["status", "offered_on", "offered_to"],
        offered_on=offered_on.isoformat(),
        doctor=found.pk,
    )
    return case


@transaction.atomic
def fill(
    actor: Any,
    case_id: int,
    *,
    valid_from: datetime.date,
    doctor: Doctor | int | None = None,
    percentage: int = 100,
) -> RecruitmentCase:
    """The offer is accepted: the doctor becomes the list's regular GP from
    ``valid_from`` through the registry's ``assign_gp`` (its rules, its audit row, the
    residents' notices), and the case is filled. A refusal by the registry refuses
    the whole step."""
    case = _case(actor, case_id)
    _move(case, Status.FILLED)
    _not_before_opened(case, valid_from)
    chosen = doctor if doctor is not None else case.offered_to_id
    if chosen is None:
        refuse(Code.NO_DOCTOR)
    period = assign_gp(
        actor, case.agreement_id, chosen, valid_from=valid_from, percentage=percentage
    )
    case.gp_period = period
    case.filled_on = period.valid_from
    case.status = Status.FILLED
    _save(
        actor,
        case,
        "workforce.recruitment_fill",
        ["status", "gp_period", "filled_on"],
        period=period.pk,
        time_to_fill_days=rules.time_to_fill(case.opened_on, case.filled_on),
    )
    return case


@transaction.atomic
def close(actor: Any, case_id: int, *, closed_on: datetime.date, reason: str) -> RecruitmentCase:
    """Close the case without a new GP (e.g. the list is closed or merged)."""
    case = _case(actor, case_id)
    _move(case, Status.CLOSED)
    _not_before_opened(case, closed_on)
    if not reason.strip():
        refuse(Code.REASON_REQUIRED)
    case.status = Status.CLOSED
    case.closed_on = closed_on
    case.close_reason = reason.strip()
    _save(actor, case, "workforce.recruitment_close", ["status", "closed_on", "close_reason"])
    return case


@transaction.atomic
def set_measures(actor: Any, case_id: int, measure_ids: Iterable[int]) -> RecruitmentCase:
    """The measures (the municipality's own, from the measures register) offered to
    applicants for this list."""
    case = _case(actor, case_id)
    measures = _measures(case.agreement.municipality_id, measure_ids)
    case.measures.set(measures)
    _save(
        actor, case, "workforce.recruitment_measures", [], measures=sorted(m.pk for m in measures)
    )
    return case
