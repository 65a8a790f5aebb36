"""The county governor's follow-up of a municipality: a working note and the day the
office last contacted it (*sist kontaktet*). Only the county governor of the
municipality's county writes it; the audit row keeps the values before and after."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from fastlege.core import audit
from fastlege.core.admin_tools import NIN_PATTERN
from fastlege.dialogue.models import MunicipalityFollowUp
from fastlege.reference.models import Municipality
from fastlege.registry.services.access import scope_of

from .errors import Code, refuse

#: The longest note (characters); the field's ``max_length``.
NOTE_MAX_LENGTH = MunicipalityFollowUp._meta.get_field("note").max_length or 2000


def may_follow_up(actor: Any, county_id: str) -> bool:
    """The county governor's own office only: national staff read, but do not write, the
    office's notes."""
    return county_id in scope_of(actor).counties


@transaction.atomic
def record_follow_up(
    actor: Any,
    municipality: Municipality | str,
    *,
    note: str,
    last_contacted: datetime.date | None,
    today: datetime.date | None = None,
) -> MunicipalityFollowUp:
    """Set the note and the day of the last contact for ``municipality``."""
    today = today or timezone.localdate()
    number = municipality.number if isinstance(municipality, Municipality) else municipality
    muni = Municipality.objects.filter(number=number).first()
    if muni is None:
        refuse(Code.UNKNOWN_MUNICIPALITY)
    if not may_follow_up(actor, muni.county_id):
        refuse(Code.NOT_AUTHORISED)
    note = (note or "").strip()
    if len(note) > NOTE_MAX_LENGTH:
        refuse(Code.NOTE_TOO_LONG, limit=NOTE_MAX_LENGTH)
    if NIN_PATTERN.search(note):  # the note goes into the audit row too
        refuse(Code.NOTE_HAS_NIN)
    if last_contacted is not None and last_contacted > today:
        refuse(Code.CONTACT_DATE_IN_FUTURE)
    row, _created = MunicipalityFollowUp.objects.select_for_update().get_or_create(
        municipality=muni
    )
    before = {
        "note": row.note,
        "last_contacted": row.last_contacted.isoformat() if row.last_contacted else None,
    }
    row.note = note
    row.last_contacted = last_contacted
    row.updated_by = actor if getattr(actor, "is_authenticated", False) else None
    row.updated_at = timezone.now()
    row.save()
    audit.record(
        actor,
        "followup.recorded",
        row,
        municipality=muni.number,
        before=before,
        after={
            "note": note,
            "last_contacted": last_contacted.isoformat() if last_contacted else None,
        },
    )
    return row
