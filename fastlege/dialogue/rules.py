"""Rule parameters of the dialogue app, versioned by effective date.

None of these comes from the GP regulation: the sources (`/work/shared/domain.md`
and the meeting invitations in `shared/sources/`) say nothing about how long
registrants' data is kept, or how large an attachment may be. (The indicators
a forum case or agreement refers to are the statistics app's own:
``fastlege.dialogue.indicators``.) Each value below is therefore the
project's documented choice, marked ``verified=False`` with the reason, and
kept in one place so it can be changed by adding a row with a new date.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from fastlege.core import uploads


@dataclass(frozen=True)
class Parameter:
    name: str
    value: Any
    effective_from: datetime.date
    legal_basis: str
    verified: bool = True
    note: str = ""


_START = datetime.date(2019, 1, 1)

PARAMETERS: tuple[Parameter, ...] = (
    Parameter(
        "registrant_data_retention_days",
        90,
        _START,
        "personvernforordningen art. 5 nr. 1 e (lagringsbegrensning)",
        verified=False,
        note=(
            "Kildene angir ingen frist. Standard: personopplysninger om påmeldte "
            "anonymiseres 90 dager etter møtet; arrangøren kan velge en annen dato per møte."
        ),
    ),
    Parameter(
        "submitter_data_retention_days",
        365,
        _START,
        "personvernforordningen art. 5 nr. 1 e (lagringsbegrensning)",
        verified=False,
        note=(
            "Kildene angir ingen frist. Standard: kontaktopplysninger om innsendere anonymiseres "
            "ett år etter innspillsfristen; navn på innspill med samtykke til publisering beholdes."
        ),
    ),
    Parameter(
        "attachment_max_bytes",
        uploads.MAX_FILE_BYTES,
        _START,
        "prosjektets valg (ikke regulert)",
        verified=False,
        note="Største vedlegg til et innspill: 10 MiB (fastlege.core.uploads.MAX_FILE_BYTES).",
    ),
    Parameter(
        "action_reminder_days_before",
        7,
        _START,
        "prosjektets valg (ikke regulert)",
        verified=False,
        note=(
            "Kildene angir ingen påminnelse. Standard: den ansvarlige for et oppfølgingspunkt "
            "fra et dialogmøte får én e-post 7 dager før fristen (én gang per frist)."
        ),
    ),
    Parameter(
        "attachment_kinds",
        "pdf,docx",
        _START,
        "saken: «PDF or Word»",
        note="Tillatte vedleggstyper, kontrollert på innholdet, ikke på filnavnet.",
    ),
    # Reminders to invitees who have not registered (services/invitations.py,
    # remind_unregistered; run daily by ``fastlege dialogue_remind``). Three days
    # leave a municipality a working day or two to find who goes, also over a weekend.
    Parameter(
        "invitation_reminder_days_before_deadline",
        3,
        _START,
        "prosjektets valg (ikke regulert)",
        verified=False,
        note=(
            "Kildene angir ingen påminnelse. Standard: én påminnelse per invitasjon, "
            "sendt når det er 3 dager eller mindre til påmeldingsfristen."
        ),
    ),
)


def param(name: str, on: datetime.date | None = None) -> Any:
    """The value of ``name`` in force on ``on`` (default today)."""
    day = on or datetime.date.today()
    rows = [p for p in PARAMETERS if p.name == name and p.effective_from <= day]
    if not rows:
        raise KeyError(f"no rule parameter {name!r} in force on {day}")
    return max(rows, key=lambda p: p.effective_from).value
