"""Anonymising registrants' and submitters' personal data on the configured date.

A meeting's registrations lose name, e-mail, organisation and dietary needs on
``Meeting.personal_data_until``; what remains (status, role, time) still counts
for statistics. A consultation's submissions lose the e-mail address, and,
unless the answer is public (``PUBLIC_ANSWER``), the name and organisation.
Recorded e-mails to them are deleted. Idempotent.

Pending registrations whose link has expired (never confirmed) are deleted
outright, with their e-mails, by :func:`delete_expired_pending` (same command).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from fastlege.core import audit
from fastlege.dialogue.models import (
    PUBLIC_ANSWER,
    Consultation,
    Meeting,
    OutgoingEmail,
    Registration,
    Submission,
)

ANONYMOUS = "anonymisert"
ANONYMOUS_EMAIL = "anonymisert@invalid"


@dataclass
class Result:
    meetings: int = 0
    registrations: int = 0
    consultations: int = 0
    submissions: int = 0


@transaction.atomic
def anonymise_due(actor: Any, today: datetime.date | None = None) -> Result:
    today = today or timezone.localdate()
    now = timezone.now()
    result = Result()
    for meeting in Meeting.objects.select_for_update().filter(
        personal_data_until__lte=today, personal_data_anonymised_at__isnull=True
    ):
        regs = Registration.objects.filter(meeting=meeting, anonymised_at__isnull=True)
        OutgoingEmail.objects.filter(registration__meeting=meeting).delete()
        count = regs.update(
            name=ANONYMOUS,
            email=ANONYMOUS_EMAIL,
            organisation="",
            dietary_needs="",
            anonymised_at=now,
        )
        meeting.personal_data_anonymised_at = now
        meeting.save(update_fields=["personal_data_anonymised_at"])
        audit.record(actor, "dialogue.meeting.anonymise", meeting, registrations=count)
        result.meetings += 1
        result.registrations += count
    for consultation in Consultation.objects.select_for_update().filter(
        personal_data_until__lte=today, personal_data_anonymised_at__isnull=True
    ):
        subs = Submission.objects.filter(consultation=consultation, anonymised_at__isnull=True)
        OutgoingEmail.objects.filter(submission__consultation=consultation).delete()
        count = subs.exclude(PUBLIC_ANSWER).update(
            name=ANONYMOUS, email=ANONYMOUS_EMAIL, organisation="", anonymised_at=now
        )
        count += subs.filter(PUBLIC_ANSWER).update(email=ANONYMOUS_EMAIL, anonymised_at=now)
        consultation.personal_data_anonymised_at = now
        consultation.save(update_fields=["personal_data_anonymised_at"])
        audit.record(actor, "dialogue.consultation.anonymise", consultation, submissions=count)
        result.consultations += 1
        result.submissions += count
    return result


@transaction.atomic
def delete_expired_pending(actor: Any, now: datetime.datetime | None = None) -> int:
    """Delete pending registrations whose confirmation link has expired: they never
    held a seat, and their personal data has no purpose any more."""
    now = now or timezone.now()
    expired = Registration.objects.filter(
        status=Registration.Status.PENDING, pending_until__lte=now
    )
    count = expired.count()
    if count:
        OutgoingEmail.objects.filter(registration__in=expired).delete()
        expired.delete()
        audit.record(actor, "dialogue.registration.expired_deleted", None, count=count)
    return count
