"""What a practice tells the citizens choosing a GP: phone, web site, booking link,
opening hours, accessibility and where it is (``Practice``'s public fields).

Entered by the practice's own regular GP or by the practice's municipality
(national staff too). Not a regulated record: no § governs it, but who changed
what is audited like every other write."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from fastlege.core import audit
from fastlege.registry.models import DoctorPeriod, Practice
from fastlege.registry.periods import in_force_on
from fastlege.registry.services.access import scope_of
from fastlege.registry.services.common import today_or
from fastlege.registry.services.errors import Code, refuse

#: The fields a practice or its municipality may change here.
INFO_FIELDS = (
    "phone",
    "website",
    "booking_url",
    "opening_hours",
    "accessibility",
    "latitude",
    "longitude",
)


def may_edit_practice(actor: Any, practice: Practice, day: datetime.date) -> bool:
    """The practice's municipality (or national staff), or a GP who is the regular GP
    of one of the practice's lists on ``day``."""
    scope = scope_of(actor)
    if scope.everything or practice.municipality_id in scope.municipalities:
        return True
    return bool(scope.doctors) and (
        DoctorPeriod.objects.filter(
            in_force_on(day),
            agreement__practice_id=practice.pk,
            role=DoctorPeriod.Role.REGULAR,
            doctor_id__in=scope.doctors,
        ).exists()
    )


@transaction.atomic
def update_practice_info(
    actor: Any, practice: Practice | int, *, today: datetime.date | None = None, **values: Any
) -> Practice:
    """Change the practice's public information (``INFO_FIELDS``). Invalid values raise
    ``ValidationError`` (Norwegian messages) and change nothing; the audit row names the
    fields changed, with their old and new values (none of it is personal data)."""
    today = today_or(today)
    pk = practice.pk if isinstance(practice, Practice) else practice
    unknown = set(values) - set(INFO_FIELDS)
    if unknown:
        raise ValueError(f"not practice information: {sorted(unknown)}")
    row = Practice.objects.select_for_update().filter(pk=pk).first()
    if row is None:
        refuse(Code.UNKNOWN_PRACTICE)
    if not may_edit_practice(actor, row, today):
        refuse(Code.NOT_AUTHORISED)
    changed = {}
    for name, value in values.items():
        old = getattr(row, name)
        if old != value:
            changed[name] = [_text(old), _text(value)]
            setattr(row, name, value)
    if not changed:
        return row
    try:
        row.full_clean(exclude=[f.name for f in Practice._meta.fields if f.name not in changed])
    except ValidationError:
        transaction.set_rollback(True)
        raise
    row.save(update_fields=list(changed))
    audit.record(actor, "practice.info_changed", row, changed=changed)
    return row


def _text(value: Any) -> str:
    return "" if value is None else str(value)
