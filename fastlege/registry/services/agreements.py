"""Who may hold a list, and how a GP's agreement ends.

* The competence requirement (kompetanseforskriften § 3): a GP given a list is
  a specialist in general practice, in specialisation (an ALIS agreement in
  force on the start date) or has a documented exemption.
* The age limit (fastlegeforskriften § 12): the agreement ends at 70; the
  municipality may extend it for a limited time (``extend_agreement``), not
  beyond 80 (75 before 2026). ``end_agreements_at_age_limit`` ends what is due;
  the monthly update calls it first in every run.
* Ending on the municipality's initiative (§ 12): six months' notice and a
  valid (saklig) written reason; a serious breach (vesentlig mislighold) ends it
  at once with a written reason; loss of authorisation ends it at once.

Every ending of a regular GP's period goes through ``end_regular_period``: the
list becomes a list without a regular GP and keeps its residents, who are told
(§ 9). The rules themselves are in ``fastlege.registry.rules``.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Max, Q

from fastlege.core import audit
from fastlege.registry import rules
from fastlege.registry.models import (
    Agreement,
    AgreementExtension,
    Doctor,
    DoctorPeriod,
    Notification,
)
from fastlege.registry.services import access, notifications
from fastlege.registry.services.common import (
    agreement_active_on,
    get_agreement,
    get_doctor,
    lock_agreements,
    members_of,
    require_first_of_month,
    today_or,
)
from fastlege.registry.services.errors import Code, refuse

EndReason = DoctorPeriod.EndReason
REGULAR = DoctorPeriod.Role.REGULAR


def _fmt(day: datetime.date) -> str:
    return f"{day:%d.%m.%Y}"


# --- Who may be given a list ----------------------------------------------------


def extension_until(agreement_id: int, doctor_id: int) -> datetime.date | None:
    """The end of the doctor's time-limited extension on the list, if any (the latest;
    an extension only lengthens, ending earlier is a termination)."""
    return extensions_until([(agreement_id, doctor_id)]).get((agreement_id, doctor_id))


def extensions_until(
    pairs: Iterable[tuple[int, int]],
) -> dict[tuple[int, int], datetime.date]:
    """``extension_until`` for many (list, doctor) pairs in one query."""
    wanted = set(pairs)
    if not wanted:
        return {}
    rows = (
        AgreementExtension.objects.filter(
            agreement_id__in={a for a, _d in wanted}, doctor_id__in={d for _a, d in wanted}
        )
        .values("agreement_id", "doctor_id")
        .annotate(until=Max("valid_until"))
        .order_by()
    )
    return {
        (r["agreement_id"], r["doctor_id"]): r["until"]
        for r in rows
        if (r["agreement_id"], r["doctor_id"]) in wanted
    }


def require_may_get_list(agreement: Agreement, doctor: Doctor, on: datetime.date) -> None:
    """Refuse a regular GP who may not hold the list from ``on``: the competence
    requirement (kompetanseforskriften § 3), the extension cap and the age limit
    without a valid extension (fastlegeforskriften § 12)."""
    if not doctor.meets_competence_requirement(on):
        refuse(Code.COMPETENCE_REQUIREMENT_NOT_MET, date=_fmt(on))
    if rules.doctor_too_old(doctor.birth_date, on):
        refuse(Code.DOCTOR_TOO_OLD)
    extended = extension_until(agreement.pk, doctor.pk)
    if not rules.may_hold_agreement(doctor.birth_date, on, extended):
        refuse(
            Code.AGE_LIMIT_REACHED,
            date=_fmt(on),
            cap=rules.param("agreement_extension_age_cap", on),
        )


# --- The one ending path ---------------------------------------------------------


def end_regular_period(
    actor: Any,
    agreement: Agreement,
    period: DoctorPeriod,
    *,
    end_date: datetime.date,
    reason: EndReason,
    action: str,
    notice_given_on: datetime.date | None = None,
    reason_text: str = "",
) -> int:
    """End a regular GP's period on ``end_date`` (inside the caller's transaction).

    The list becomes a list without a regular GP (ubesatt) and keeps its
    residents; each is told the GP leaves and of their right to switch (§ 9).
    Returns how many were told.
    """
    period.valid_to = end_date
    period.end_reason = reason
    period.notice_given_on = notice_given_on
    period.end_reason_text = reason_text.strip()
    period.save(update_fields=["valid_to", "end_reason", "notice_given_on", "end_reason_text"])
    member_ids = list(members_of(agreement.pk).values_list("resident_id", flat=True))
    notified = notifications.notify(
        member_ids,
        Notification.Kind.GP_LEAVING,
        agreement=agreement,
        effective_on=end_date,
        context={"doctor": period.doctor.full_name},
    )
    audit.record(
        actor,
        action,
        period,
        agreement=agreement.pk,
        end_date=end_date.isoformat(),
        end_reason=str(reason),
        notified=notified,
    )
    return notified


# --- Terms of ending (fastlegeforskriften § 12) ------------------------------------

#: Set by other operations, never registered as a GP's departure.
NOT_A_DEPARTURE = frozenset({EndReason.TAKEN_OVER, EndReason.PERIOD_ENDED})
#: The municipality ends the agreement: it must give its reason in writing.
REASON_REQUIRED = frozenset({EndReason.TERMINATED, EndReason.BREACH, EndReason.OTHER})
#: Six months' notice unless a shorter one is agreed (self-employed GPs; salaried
#: GPs follow employment law). A breach, loss of authorisation, death and the age
#: limit end the agreement without notice.
NOTICE_REQUIRED = frozenset({EndReason.RESIGNED, EndReason.TERMINATED, EndReason.OTHER})


def check_ending_terms(
    agreement: Agreement,
    period: DoctorPeriod,
    reason: EndReason,
    *,
    end_date: datetime.date,
    notice_given_on: datetime.date,
    shorter_notice_agreed: bool,
    reason_text: str,
) -> None:
    """Refuse an ending of a regular GP's agreement that breaks § 12's terms."""
    if reason in NOT_A_DEPARTURE:
        refuse(Code.INVALID_END_REASON)
    if reason in REASON_REQUIRED and not reason_text.strip():
        refuse(Code.TERMINATION_REASON_REQUIRED)
    if reason == EndReason.AGE_LIMIT:
        reached = rules.agreement_age_end_on(period.doctor.birth_date)
        if end_date < reached:
            refuse(Code.AGE_LIMIT_NOT_REACHED, date=_fmt(reached))
    if (
        reason in NOTICE_REQUIRED
        and not agreement.is_salaried
        and not rules.agreement_notice_ok(notice_given_on, end_date, shorter_notice_agreed)
    ):
        months = rules.param("agreement_notice_months", notice_given_on)
        if reason == EndReason.RESIGNED:
            refuse(Code.NOTICE_TOO_SHORT, months=months, basis="fastlegeforskriften § 12")
        refuse(Code.TERMINATION_NOTICE_TOO_SHORT, months=months)


# --- Extension past 70 (§ 12) ----------------------------------------------------


@transaction.atomic
def extend_agreement(
    actor: Any,
    agreement: Agreement | int,
    *,
    valid_until: datetime.date,
    reason: str,
    doctor: Doctor | int | None = None,
    today: datetime.date | None = None,
) -> AgreementExtension:
    """Forlenge en fastlegeavtale etter 70 år (fastlegeforskriften § 12).

    Only the list's own municipality decides. The agreement then ends on
    ``valid_until`` (the 1st of a month) instead of at 70. Refused for a doctor
    who is under 70 for the whole period (nothing to extend), beyond the cap in
    force on the decision day (80; 75 before 2026), with a date in the past, or
    without a reason. ``doctor`` defaults to the list's regular GP today; naming
    another lets the municipality decide before it assigns that doctor.
    """
    today = today_or(today)
    target = get_agreement(agreement, lock=True)
    access.require_own_municipality(actor, target.municipality_id)
    if not agreement_active_on(target, today) and target.valid_from <= today:
        refuse(Code.LIST_ENDED)
    if not (reason or "").strip():
        refuse(Code.REASON_REQUIRED)
    require_first_of_month(valid_until)
    if valid_until <= today:
        refuse(Code.DATE_IN_PAST)
    if doctor is None:
        period = access.regular_gp_on(target.pk, today)
        if period is None:
            refuse(Code.LIST_WITHOUT_GP)
        gp = period.doctor
    else:
        gp = get_doctor(doctor)
    natural = rules.agreement_age_end_on(gp.birth_date)
    if valid_until <= natural:
        refuse(Code.EXTENSION_NOT_NEEDED, ends=_fmt(natural))
    latest = rules.latest_extension_end(gp.birth_date, today)
    if valid_until > latest:
        refuse(
            Code.EXTENSION_BEYOND_CAP,
            cap=rules.param("agreement_extension_age_cap", today),
            latest=_fmt(latest),
        )
    extension = AgreementExtension.objects.create(
        agreement=target,
        doctor=gp,
        decided_on=today,
        valid_until=valid_until,
        reason=reason.strip(),
        decided_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    audit.record(
        actor,
        "agreement.extended",
        extension,
        agreement=target.pk,
        doctor=gp.pk,
        valid_until=valid_until.isoformat(),
    )
    return extension


# --- Ending at the age limit ------------------------------------------------------


@dataclass(frozen=True)
class AgeEnding:
    """A regular GP whose agreement ends because of age on ``ends_on``."""

    period: DoctorPeriod
    ends_on: datetime.date
    extended_until: datetime.date | None

    @property
    def reaches_end_age_on(self) -> datetime.date:
        """The birthday on which the doctor reaches the end age (70)."""
        birth = self.period.doctor.birth_date
        return rules.birthday(birth, rules.end_age_for(birth))


def age_endings(
    until: datetime.date, *, since: datetime.date, municipality_id: str | None = None
) -> list[AgeEnding]:
    """Regular GPs on their list after ``since`` whose agreement ends for age on or
    before ``until`` (at 70, or when their extension runs out), ordered by that day.

    One query for the candidates (doctors old enough, periods and lists still in
    force after ``since``) and one for their extensions; the rule
    (``rules.agreement_ends_for_age_on``) decides each. A GP who leaves before the
    age limit, or whose list ends first, is not listed.
    """
    end_age = int(rules.param("agreement_end_age", until))
    born_by = rules.add_months(until, -12 * end_age + 1)  # a superset; the rule is exact
    periods = list(
        DoctorPeriod.objects.filter(role=REGULAR, doctor__birth_date__lte=born_by)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=since))
        .filter(Q(agreement__valid_to__isnull=True) | Q(agreement__valid_to__gt=since))
        .filter(**({"agreement__municipality_id": municipality_id} if municipality_id else {}))
        .select_related("doctor", "agreement__practice")
        .order_by("agreement_id", "pk")
    )
    extended = extensions_until((p.agreement_id, p.doctor_id) for p in periods)
    out = []
    for period in periods:
        until_ext = extended.get((period.agreement_id, period.doctor_id))
        ends_on = rules.agreement_ends_for_age_on(period.doctor.birth_date, until_ext)
        if ends_on > until:
            continue
        if period.valid_to is not None and period.valid_to <= ends_on:
            continue  # leaves before (or when) the age limit: nothing to end
        agreement = period.agreement
        if agreement.valid_to is not None and agreement.valid_to <= ends_on:
            continue  # the list itself ends first
        out.append(AgeEnding(period, ends_on, until_ext))
    out.sort(key=lambda e: (e.ends_on, e.period.agreement_id))
    return out


@transaction.atomic
def end_agreements_at_age_limit(actor: Any, month: datetime.date) -> list[DoctorPeriod]:
    """End every regular GP's agreement that ends for age by ``month`` (§ 12).

    At 70 unless extended, or when the extension runs out: the period ends on
    ``month`` with the end reason "age limit", the list becomes a list without a
    regular GP and keeps its residents, who are told, as when a GP leaves. The
    monthly update calls this first in each run; it is idempotent. For the
    system or national staff. Returns the periods ended.
    """
    access.require_system_or_national(actor)
    require_first_of_month(month)
    due = [e for e in age_endings(month, since=month) if e.period.valid_from < month]
    if not due:
        return []
    lists = lock_agreements([e.period.agreement_id for e in due])
    ended = []
    for ending in due:
        period = (
            DoctorPeriod.objects.select_for_update(of=("self",))
            .select_related("doctor")
            .filter(pk=ending.period.pk)
            .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=month))
            .first()
        )
        if period is None:  # changed since it was read
            continue
        # Due on ``month`` (the 1st after the birthday, or the extension's end). One
        # missed earlier (e.g. before this system) is not back-dated: it ends now.
        end_regular_period(
            actor,
            lists[period.agreement_id],
            period,
            end_date=month,
            reason=EndReason.AGE_LIMIT,
            action="agreement.ended_at_age_limit",
        )
        ended.append(period)
    audit.record(
        actor,
        "agreement.age_limit_run",
        None,
        month=month.isoformat(),
        ended=len(ended),
    )
    return ended
