"""Registering, changing and completing ALIS agreements (docs/workforce.md, «ALIS»).

Each write is one transaction with an explicit acting user and an audit row. The
municipality's own officers, national staff and the system (``actor`` None) write;
the county governor reads only. Bad input is refused with a coded Norwegian error
(``AlisRefused``, with the form field it concerns) and nothing is saved:

* the planned completion or the completion before the start;
* a completion in the future, or of an agreement already completed;
* an unknown doctor or supervisor (by HPR number), a list outside the municipality;
* a doctor who is already a specialist in general practice, or who already has an
  ALIS agreement in progress;
* a negative grant, a grant received before it was applied for.

The database refuses a completion or planned completion before the start as well
(``CheckConstraint``s on ``AlisAgreement``).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any, NoReturn

from django.db import transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from fastlege.core import audit
from fastlege.core.errors import CodedError
from fastlege.reference.models import Municipality
from fastlege.registry.models import Agreement, Doctor
from fastlege.registry.services.access import scope_of
from fastlege.registry.services.competence import record_alis_period
from fastlege.workforce import alis
from fastlege.workforce.models import AlisAgreement


class Code(StrEnum):
    NOT_AUTHORISED = "not_authorised"
    UNKNOWN_MUNICIPALITY = "unknown_municipality"
    UNKNOWN_ALIS_AGREEMENT = "unknown_alis_agreement"
    UNKNOWN_DOCTOR = "unknown_doctor"
    UNKNOWN_SUPERVISOR = "unknown_supervisor"
    LIST_OUTSIDE_MUNICIPALITY = "list_outside_municipality"
    DATE_MISSING = "date_missing"
    PLANNED_BEFORE_START = "planned_before_start"
    COMPLETION_BEFORE_START = "completion_before_start"
    COMPLETION_IN_FUTURE = "completion_in_future"
    ALREADY_COMPLETED = "already_completed"
    ALREADY_SPECIALIST = "already_specialist"
    ALIS_IN_PROGRESS = "alis_in_progress"
    BAD_AMOUNT = "bad_amount"
    GRANT_RECEIVED_BEFORE_APPLIED = "grant_received_before_applied"
    BAD_STAYS = "bad_stays"
    SUPERVISOR_IS_DOCTOR = "supervisor_is_doctor"


MESSAGES: dict[Code, tuple[Promise, str]] = {
    Code.NOT_AUTHORISED: (
        _("Du har ikke tilgang til å gjøre dette."),
        "You are not allowed to do this.",
    ),
    Code.UNKNOWN_MUNICIPALITY: (_("Kommunen finnes ikke."), "The municipality does not exist."),
    Code.UNKNOWN_ALIS_AGREEMENT: (
        _("ALIS-avtalen finnes ikke."),
        "The ALIS agreement does not exist.",
    ),
    Code.UNKNOWN_DOCTOR: (
        _("Ingen lege med HPR-nummer %(hpr)s i registeret."),
        "No doctor with HPR number %(hpr)s in the registry.",
    ),
    Code.UNKNOWN_SUPERVISOR: (
        _("Ingen lege med HPR-nummer %(hpr)s i registeret (veileder)."),
        "No doctor with HPR number %(hpr)s in the registry (supervisor).",
    ),
    Code.LIST_OUTSIDE_MUNICIPALITY: (
        _("Listen hører ikke til kommunen."),
        "The list does not belong to the municipality.",
    ),
    Code.DATE_MISSING: (_("Skriv en dato (%(field)s)."), "A date is missing (%(field)s)."),
    Code.PLANNED_BEFORE_START: (
        _("Planlagt fullført (%(planned)s) kan ikke være før start (%(start)s)."),
        "The planned completion (%(planned)s) cannot be before the start (%(start)s).",
    ),
    Code.COMPLETION_BEFORE_START: (
        _("ALIS-avtalen kan ikke være fullført (%(completed)s) før den startet (%(start)s)."),
        "The ALIS agreement cannot be completed (%(completed)s) before it started (%(start)s).",
    ),
    Code.COMPLETION_IN_FUTURE: (
        _("Fullført-datoen (%(completed)s) kan ikke være i fremtiden."),
        "The completion date (%(completed)s) cannot be in the future.",
    ),
    Code.ALREADY_COMPLETED: (
        _("ALIS-avtalen er allerede fullført (%(completed)s)."),
        "The ALIS agreement is already completed (%(completed)s).",
    ),
    Code.ALREADY_SPECIALIST: (
        _("Legen er allerede spesialist i allmennmedisin."),
        "The doctor is already a specialist in general practice.",
    ),
    Code.ALIS_IN_PROGRESS: (
        _("Legen har allerede en ALIS-avtale som ikke er fullført (start %(start)s)."),
        "The doctor already has an ALIS agreement not completed (start %(start)s).",
    ),
    Code.BAD_AMOUNT: (
        _("Beløpet må være et helt antall kroner, null eller mer (%(field)s)."),
        "The amount must be whole kroner, zero or more (%(field)s).",
    ),
    Code.GRANT_RECEIVED_BEFORE_APPLIED: (
        _("Tilskuddet kan ikke være mottatt (%(received)s) før det ble søkt (%(applied)s)."),
        "The grant cannot be received (%(received)s) before it was applied for (%(applied)s).",
    ),
    Code.BAD_STAYS: (
        _("Velg ja, nei eller ukjent for om legen blir i kommunen."),
        "Choose yes, no or unknown for whether the doctor stays.",
    ),
    Code.SUPERVISOR_IS_DOCTOR: (
        _("Legen kan ikke være sin egen veileder."),
        "The doctor cannot be their own supervisor.",
    ),
}


class AlisRefused(CodedError):
    """A refused ALIS write; ``field`` names the form field it concerns (or "")."""

    MESSAGES = MESSAGES

    def __init__(self, code: Code, params: dict[str, Any] | None = None, field: str = "") -> None:
        super().__init__(code, params)
        self.field = field


def refuse(code: Code, on_field: str = "", **params: Any) -> NoReturn:
    """Refuse with ``code``; ``on_field`` is the form field it concerns."""
    raise AlisRefused(code, params or None, on_field)


def _fmt(day: datetime.date) -> str:
    return day.strftime("%d.%m.%Y")


@dataclass
class AlisData:
    """What a user enters for an agreement; the service checks every field."""

    doctor_hpr: str = ""
    start: datetime.date | None = None
    planned_completion: datetime.date | None = None
    agreement_id: int | None = None
    supervisor_hpr: str = ""
    supervisor_name: str = ""
    guidance_group: str = ""
    grant_applied_amount: Any = None
    grant_applied_on: datetime.date | None = None
    grant_received_amount: Any = None
    grant_received_on: datetime.date | None = None
    stays_after_completion: str = AlisAgreement.Stays.UNKNOWN

    @classmethod
    def of(cls, a: AlisAgreement) -> AlisData:
        return cls(
            doctor_hpr=a.doctor.hpr_number,
            start=a.start,
            planned_completion=a.planned_completion,
            agreement_id=a.agreement_id,
            supervisor_hpr=a.supervisor.hpr_number if a.supervisor else "",
            supervisor_name=a.supervisor_name,
            guidance_group=a.guidance_group,
            grant_applied_amount=a.grant_applied_amount,
            grant_applied_on=a.grant_applied_on,
            grant_received_amount=a.grant_received_amount,
            grant_received_on=a.grant_received_on,
            stays_after_completion=a.stays_after_completion,
        )


def may_write(actor: Any, municipality_id: str) -> bool:
    """The municipality's own officers, national staff and the system."""
    scope = scope_of(actor)
    return scope.everything or municipality_id in scope.municipalities


def _require_writer(actor: Any, municipality_id: str) -> None:
    if not may_write(actor, municipality_id):
        refuse(Code.NOT_AUTHORISED)


def _amount(raw: Any, field: str, label: str | Promise) -> Decimal | None:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    try:
        value = Decimal(str(raw).strip().replace("\u00a0", "").replace(" ", "").replace(",", "."))
    except InvalidOperation:
        refuse(Code.BAD_AMOUNT, field, field=label)
    if not value.is_finite() or value < 0 or value != value.to_integral_value():
        refuse(Code.BAD_AMOUNT, field, field=label)
    return value


def _doctor(hpr: str, code: Code, field: str) -> Doctor:
    hpr = (hpr or "").strip()
    doctor = Doctor.objects.filter(hpr_number=hpr).first() if hpr else None
    if doctor is None:
        refuse(code, field, hpr=hpr or "–")
    return doctor


def check_dates(
    start: datetime.date,
    planned_completion: datetime.date,
    completed_on: datetime.date | None,
    today: datetime.date,
) -> None:
    """The dates' rules (module docstring): ``AlisRefused`` on the first broken one."""
    if planned_completion < start:
        refuse(
            Code.PLANNED_BEFORE_START,
            "planned_completion",
            planned=_fmt(planned_completion),
            start=_fmt(start),
        )
    if completed_on is not None:
        if completed_on < start:
            refuse(
                Code.COMPLETION_BEFORE_START,
                "completed_on",
                completed=_fmt(completed_on),
                start=_fmt(start),
            )
        if completed_on > today:
            refuse(Code.COMPLETION_IN_FUTURE, "completed_on", completed=_fmt(completed_on))


def clean(municipality_id: str, data: AlisData, doctor_fixed: Doctor | None = None) -> dict:
    """The model fields of ``data``, checked (``AlisRefused`` on the first error)."""
    doctor = doctor_fixed or _doctor(data.doctor_hpr, Code.UNKNOWN_DOCTOR, "doctor_hpr")
    if data.start is None:
        refuse(Code.DATE_MISSING, "start", field=_("start"))
    if data.planned_completion is None:
        refuse(Code.DATE_MISSING, "planned_completion", field=_("planlagt fullført"))
    check_dates(data.start, data.planned_completion, None, timezone.localdate())
    supervisor = None
    if (data.supervisor_hpr or "").strip():
        supervisor = _doctor(data.supervisor_hpr, Code.UNKNOWN_SUPERVISOR, "supervisor_hpr")
        if supervisor.pk == doctor.pk:
            refuse(Code.SUPERVISOR_IS_DOCTOR, "supervisor_hpr")
    if (
        data.agreement_id is not None
        and not Agreement.objects.filter(
            pk=data.agreement_id, municipality_id=municipality_id
        ).exists()
    ):
        refuse(Code.LIST_OUTSIDE_MUNICIPALITY, "agreement")
    applied = _amount(data.grant_applied_amount, "grant_applied_amount", _("søkt"))
    received = _amount(data.grant_received_amount, "grant_received_amount", _("mottatt"))
    if (
        data.grant_applied_on is not None
        and data.grant_received_on is not None
        and data.grant_received_on < data.grant_applied_on
    ):
        refuse(
            Code.GRANT_RECEIVED_BEFORE_APPLIED,
            "grant_received_on",
            received=_fmt(data.grant_received_on),
            applied=_fmt(data.grant_applied_on),
        )
    if data.stays_after_completion not in AlisAgreement.Stays.values:
        refuse(Code.BAD_STAYS, "stays_after_completion")
    return {
        "doctor": doctor,
        "start": data.start,
        "planned_completion": data.planned_completion,
        "agreement_id": data.agreement_id,
        "supervisor": supervisor,
        "supervisor_name": (data.supervisor_name or "").strip()[:160],
        "guidance_group": (data.guidance_group or "").strip()[:200],
        "grant_applied_amount": applied,
        "grant_applied_on": data.grant_applied_on,
        "grant_received_amount": received,
        "grant_received_on": data.grant_received_on,
        "stays_after_completion": data.stays_after_completion,
    }


def _audit_fields(fields: dict[str, Any]) -> dict[str, str]:
    """Values for the audit row: ids for the doctors, text for the rest."""
    out = {}
    for k, v in fields.items():
        if isinstance(v, Doctor):
            out[f"{k}_id"] = str(v.pk)
        else:
            out[k] = "" if v is None else str(v)
    return out


@transaction.atomic
def create_alis_agreement(actor: Any, municipality_id: str, data: AlisData) -> AlisAgreement:
    """Register the municipality's ALIS agreement with a doctor (not yet completed)."""
    _require_writer(actor, municipality_id)
    if not Municipality.objects.filter(number=municipality_id).exists():
        refuse(Code.UNKNOWN_MUNICIPALITY)
    fields = clean(municipality_id, data)
    doctor: Doctor = fields["doctor"]
    # Lock the doctor: two officers registering the same doctor at once get one agreement.
    Doctor.objects.select_for_update().filter(pk=doctor.pk).first()
    if doctor.specialty == Doctor.Specialty.SPECIALIST:
        refuse(Code.ALREADY_SPECIALIST, "doctor_hpr")
    open_one = (
        AlisAgreement.objects.filter(doctor=doctor, completed_on__isnull=True)
        .order_by("start")
        .first()
    )
    if open_one is not None:
        refuse(Code.ALIS_IN_PROGRESS, "doctor_hpr", start=_fmt(open_one.start))
    agreement = AlisAgreement(municipality_id=municipality_id, **fields)
    audit.insert_and_record(
        actor,
        "workforce.alis_create",
        agreement,
        municipality=municipality_id,
        **_audit_fields({k: v for k, v in fields.items() if k != "supervisor_name"}),
    )
    _to_registry(actor, agreement)
    return agreement


def _to_registry(actor: Any, agreement: AlisAgreement) -> None:
    """The registry's competence check reads the doctor's ALIS period: in
    specialisation from the start until completion (``registry.services.competence``)."""
    record_alis_period(
        actor,
        agreement.doctor,
        agreement.municipality_id,
        alis_from=agreement.start,
        alis_to=agreement.completed_on,
    )


def _locked(actor: Any, agreement_id: int) -> AlisAgreement:
    agreement = (
        AlisAgreement.objects.select_for_update(of=("self",))
        .select_related("doctor")
        .filter(pk=agreement_id)
        .first()
    )
    if agreement is None:
        refuse(Code.UNKNOWN_ALIS_AGREEMENT)
    _require_writer(actor, agreement.municipality_id)
    return agreement


@transaction.atomic
def update_alis_agreement(actor: Any, agreement_id: int, data: AlisData) -> AlisAgreement:
    """Change an agreement's details; the doctor stays the same. A completed agreement
    keeps its completion, which must not come before a changed start."""
    agreement = _locked(actor, agreement_id)
    fields = clean(agreement.municipality_id, data, doctor_fixed=agreement.doctor)
    check_dates(
        fields["start"],
        fields["planned_completion"],
        agreement.completed_on,
        timezone.localdate(),
    )
    changed = {k: v for k, v in fields.items() if getattr(agreement, k) != v}
    for k, v in changed.items():
        setattr(agreement, k, v)
    agreement.save()
    audit.record(
        actor,
        "workforce.alis_update",
        agreement,
        changed=_audit_fields({k: v for k, v in changed.items() if k != "supervisor_name"}),
    )
    _to_registry(actor, agreement)
    return agreement


@transaction.atomic
def complete_alis_agreement(
    actor: Any,
    agreement_id: int,
    completed_on: datetime.date | None,
    stays_after_completion: str = AlisAgreement.Stays.UNKNOWN,
) -> AlisAgreement:
    """Record that the doctor completed the specialist training on ``completed_on``,
    and whether they stay in the municipality. Not before the start, not in the future."""
    agreement = _locked(actor, agreement_id)
    if agreement.completed_on is not None:
        refuse(Code.ALREADY_COMPLETED, "completed_on", completed=_fmt(agreement.completed_on))
    if completed_on is None:
        refuse(Code.DATE_MISSING, "completed_on", field=_("fullført"))
    if stays_after_completion not in AlisAgreement.Stays.values:
        refuse(Code.BAD_STAYS, "stays_after_completion")
    check_dates(agreement.start, agreement.planned_completion, completed_on, timezone.localdate())
    agreement.completed_on = completed_on
    agreement.stays_after_completion = stays_after_completion
    agreement.save(update_fields=["completed_on", "stays_after_completion", "updated_at"])
    audit.record(
        actor,
        "workforce.alis_complete",
        agreement,
        completed_on=completed_on.isoformat(),
        stays_after_completion=stays_after_completion,
        status=alis.Status.COMPLETED.value,
    )
    _to_registry(actor, agreement)
    return agreement
