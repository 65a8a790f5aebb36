"""ALIS (allmennlege i spesialisering): the rules and figures, as pure functions.

One definition each, used by the services, the pages and the exports:

* :func:`competence_status` — a GP's standing against the competence requirement
  (kompetanseforskriften § 3): specialist in general practice, in specialisation, or
  neither. A GP is a **specialist** when the registry says so (``Doctor.specialty``,
  from HPR) or when an ALIS agreement was completed on or before the day (the
  registry's HPR status may lag the completion; see ``COMPLETION_MAKES_SPECIALIST``).
  Otherwise **in specialisation** when an ALIS agreement is in progress on the day
  (started, not completed), when the registry's own ALIS dates (``Doctor.alis_from`` /
  ``alis_to``) cover the day, or when the registry's specialty says "alis". Otherwise
  **neither** (a documented exemption does not make a GP a specialist; the registry's
  ``rules.meets_competence_requirement`` decides whether such a GP may hold a list).
* :func:`agreement_status` — planned, in progress, overdue or completed, from dates.
* :func:`completions_per_year` — ALIS completions counted by the year of completion.
* :func:`stay_share` — of the completed agreements whose outcome is known, the share
  where the doctor stayed in the municipality.

Periods follow ``fastlege.registry.periods``: an agreement in progress is the
half-open period ``[start, completed_on)``.
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from fastlege.registry.periods import in_force

#: Completing an ALIS agreement counts as specialist from the completion day.
#: Documented behaviour, not verified against HPR practice (approval by Hdir follows
#: an application after the training): verified=False. Set False to count only the
#: registry's (HPR's) specialist status.
COMPLETION_MAKES_SPECIALIST = True
COMPLETION_MAKES_SPECIALIST_VERIFIED = False

SPECIALTY_SPECIALIST = "spesialist"  # registry.Doctor.Specialty.SPECIALIST
SPECIALTY_IN_TRAINING = "alis"  # registry.Doctor.Specialty.IN_TRAINING


class Competence(StrEnum):
    SPECIALIST = "spesialist"
    IN_TRAINING = "i_spesialisering"
    NEITHER = "ingen"


COMPETENCE_LABELS = {
    Competence.SPECIALIST: _("spesialist i allmennmedisin"),
    Competence.IN_TRAINING: _("i spesialisering"),
    Competence.NEITHER: _("verken spesialist eller i spesialisering"),
}


class Status(StrEnum):
    PLANNED = "planlagt"
    IN_PROGRESS = "pagar"
    OVERDUE = "forsinket"
    COMPLETED = "fullfort"


STATUS_LABELS = {
    Status.PLANNED: _("ikke startet"),
    Status.IN_PROGRESS: _("pågår"),
    Status.OVERDUE: _("forsinket (planlagt fullført passert)"),
    Status.COMPLETED: _("fullført"),
}


@dataclass(frozen=True)
class AlisDates:
    """The dates of one ALIS agreement that the rules read."""

    start: datetime.date
    planned_completion: datetime.date
    completed_on: datetime.date | None


def agreement_status(dates: AlisDates, on: datetime.date) -> Status:
    """The agreement's status on ``on``: completed once ``completed_on`` has come;
    not started before ``start``; overdue from the planned completion day on."""
    if dates.completed_on is not None and dates.completed_on <= on:
        return Status.COMPLETED
    if on < dates.start:
        return Status.PLANNED
    if on >= dates.planned_completion:
        return Status.OVERDUE
    return Status.IN_PROGRESS


def in_progress(dates: AlisDates, on: datetime.date) -> bool:
    """In specialisation under this agreement on ``on``: ``[start, completed_on)``."""
    return in_force(dates.start, dates.completed_on, on)


def competence_status(
    on: datetime.date,
    *,
    specialty: str,
    agreements: Iterable[AlisDates] = (),
    registry_alis_from: datetime.date | None = None,
    registry_alis_to: datetime.date | None = None,
) -> Competence:
    """The GP's standing against kompetanseforskriften § 3 on ``on`` (module docstring)."""
    agreements = list(agreements)
    if specialty == SPECIALTY_SPECIALIST:
        return Competence.SPECIALIST
    if COMPLETION_MAKES_SPECIALIST and any(
        a.completed_on is not None and a.completed_on <= on for a in agreements
    ):
        return Competence.SPECIALIST
    if specialty == SPECIALTY_IN_TRAINING or any(in_progress(a, on) for a in agreements):
        return Competence.IN_TRAINING
    if registry_alis_from is not None and in_force(registry_alis_from, registry_alis_to, on):
        return Competence.IN_TRAINING
    return Competence.NEITHER


@dataclass(frozen=True)
class CompetenceShares:
    """GPs by competence status in an area, with shares in per cent (None: no GPs)."""

    specialists: int
    in_training: int
    neither: int

    @property
    def total(self) -> int:
        return self.specialists + self.in_training + self.neither

    def share(self, count: int) -> float | None:
        return 100.0 * count / self.total if self.total else None

    @property
    def share_specialists(self) -> float | None:
        return self.share(self.specialists)

    @property
    def share_in_training(self) -> float | None:
        return self.share(self.in_training)

    @property
    def share_neither(self) -> float | None:
        return self.share(self.neither)


def competence_shares(statuses: Iterable[Competence]) -> CompetenceShares:
    counts = Counter(statuses)
    return CompetenceShares(
        specialists=counts[Competence.SPECIALIST],
        in_training=counts[Competence.IN_TRAINING],
        neither=counts[Competence.NEITHER],
    )


def completions_per_year(
    completed: Iterable[datetime.date | None], on: datetime.date | None = None
) -> dict[int, int]:
    """ALIS completions per calendar year of completion, oldest first; completions
    after ``on`` (when given) are not counted yet."""
    counts = Counter(d.year for d in completed if d is not None and (on is None or d <= on))
    return dict(sorted(counts.items()))


@dataclass(frozen=True)
class StayShare:
    stayed: int
    left: int
    unknown: int

    @property
    def share(self) -> float | None:
        """Per cent of the completions with a known outcome where the doctor stayed."""
        known = self.stayed + self.left
        return 100.0 * self.stayed / known if known else None


def stay_share(outcomes: Iterable[str]) -> StayShare:
    """Outcomes ("ja", "nei", "ukjent": ``AlisAgreement.Stays``) of completed agreements."""
    counts = Counter(outcomes)
    return StayShare(stayed=counts["ja"], left=counts["nei"], unknown=counts["ukjent"])
