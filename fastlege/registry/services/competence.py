"""The doctor's specialisation period (ALIS) in the registry: what the competence check
reads (kompetanseforskriften § 3, ``rules.meets_competence_requirement`` through
``Doctor.meets_competence_requirement``).

The registry keeps one ALIS period per doctor (``Doctor.alis_from`` / ``alis_to``,
half-open). The municipality's ALIS agreement (``fastlege.workforce``: start,
completion) is the richer record; each of its services calls
:func:`record_alis_period` in its own transaction, so a doctor registered in ALIS
may be given a list at once, and the check and the ALIS figures never disagree.
"""

from __future__ import annotations

import datetime
from typing import Any

from fastlege.core import audit
from fastlege.registry.models import Doctor
from fastlege.registry.services import access


def record_alis_period(
    actor: Any,
    doctor: Doctor,
    municipality_id: str,
    *,
    alis_from: datetime.date,
    alis_to: datetime.date | None,
) -> bool:
    """Set the doctor's ALIS period to ``[alis_from, alis_to)`` (``alis_to`` None: in
    progress) for an ALIS agreement of ``municipality_id``. Call inside the caller's
    transaction. Returns whether anything changed (an audit row when it did)."""
    access.require_municipality(actor, municipality_id)
    current = Doctor.objects.filter(pk=doctor.pk).values_list("alis_from", "alis_to").get()
    if current == (alis_from, alis_to):
        return False
    Doctor.objects.filter(pk=doctor.pk).update(alis_from=alis_from, alis_to=alis_to)
    doctor.alis_from, doctor.alis_to = alis_from, alis_to
    audit.record(
        actor,
        "registry.alis_period",
        doctor,
        municipality=municipality_id,
        alis_from=alis_from.isoformat(),
        alis_to=alis_to.isoformat() if alis_to else "",
    )
    return True
