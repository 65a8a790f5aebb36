"""Consultations with phases (issue 21, part 4): the draft text in numbered
sections, comments anchored to a section, the log of deadline extensions, and
the one definition of a consultation's phase.

The phase is derived, never stored alone: ``Consultation.status`` holds what the
organiser did (drafted, opened, closed, published the summary) and the clock
does the rest — an opened consultation whose deadline has passed *is* closed,
whether or not ``fastlege dialogue_close_consultations`` has run yet. Every page,
service and query asks :func:`phase_of` (one row) or :func:`open_q` (a queryset
filter); nothing else compares ``deadline`` with the time.
"""

from __future__ import annotations

import datetime

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fastlege.core.fields import user_field
from fastlege.dialogue.models import (
    Consultation,
    ConsultationStatus,
    Submission,
    WithholdReason,
)

__all__ = [
    "PUBLIC_ANSWER",
    "ConsultationSection",
    "ConsultationStatus",
    "DeadlineExtension",
    "Phase",
    "SectionComment",
    "WithholdReason",
    "due_to_close_q",
    "open_q",
    "phase_of",
]


class Phase(models.TextChoices):
    """Where a consultation is now (derived by :func:`phase_of`)."""

    DRAFT = "utkast", _("utkast")
    SCHEDULED = "kunngjort", _("kunngjort, ikke åpnet ennå")
    OPEN = "apen", _("åpen")
    CLOSED = "lukket", _("lukket")
    SUMMARY = "oppsummering", _("oppsummering publisert")


def phase_of(consultation: Consultation, now: datetime.datetime | None = None) -> Phase:
    """The phase of ``consultation`` at ``now``. Open means from ``opens_at`` up to and
    including the ``deadline`` instant (a deadline of 23:59 on a day lets the whole
    day count); one second after it, the consultation is closed."""
    moment = now or timezone.now()
    status = consultation.status
    if status == ConsultationStatus.DRAFT:
        return Phase.DRAFT
    if status == ConsultationStatus.SUMMARY:
        return Phase.SUMMARY
    if status == ConsultationStatus.CLOSED or moment > consultation.deadline:
        return Phase.CLOSED
    if moment < consultation.opens_at:
        return Phase.SCHEDULED
    return Phase.OPEN


def open_q(now: datetime.datetime | None = None) -> Q:
    """The queryset form of ``phase_of(c, now) == Phase.OPEN``."""
    moment = now or timezone.now()
    return Q(status=ConsultationStatus.OPEN, opens_at__lte=moment, deadline__gte=moment)


def due_to_close_q(now: datetime.datetime | None = None) -> Q:
    """Opened consultations whose deadline has passed: closed by the clock, not yet stored."""
    return Q(status=ConsultationStatus.OPEN, deadline__lt=now or timezone.now())


#: A submission anyone may read once the organiser publishes the answers: hearing
#: answers are public documents (offentleglova) unless the sender asked otherwise
#: or the organiser held it back for a listed reason. The only definition; used by
#: the public pages, the public export, and anonymisation (a public answer keeps its
#: sender's name).
PUBLIC_ANSWER = Q(requests_non_public=False, withheld_reason="")


class ConsultationSection(models.Model):
    """A numbered section of a consultation's draft text (*høringsnotat*)."""

    consultation = models.ForeignKey(
        Consultation,
        verbose_name=_("innspillsrunde"),
        on_delete=models.CASCADE,
        related_name="sections",
    )
    number = models.PositiveSmallIntegerField(_("punkt"))
    heading = models.CharField(_("overskrift"), max_length=200)
    text = models.TextField(_("tekst"), blank=True)

    class Meta:
        verbose_name = _("punkt i høringsteksten")
        verbose_name_plural = _("punkter i høringsteksten")
        ordering = ["consultation", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["consultation", "number"], name="consultation_section_number_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.heading}"


class SectionComment(models.Model):
    """A submission's comment on one section of the draft text."""

    submission = models.ForeignKey(
        Submission,
        verbose_name=_("innspill"),
        on_delete=models.CASCADE,
        related_name="section_comments",
    )
    section = models.ForeignKey(
        ConsultationSection,
        verbose_name=_("punkt"),
        on_delete=models.PROTECT,
        related_name="comments",
    )
    text = models.TextField(_("kommentar"))

    class Meta:
        verbose_name = _("kommentar til punkt")
        verbose_name_plural = _("kommentarer til punkter")
        ordering = ["section__number", "submission__submitted_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "section"], name="section_comment_once_per_submission"
            )
        ]

    def __str__(self) -> str:
        return f"{self.section_id}: {self.text[:40]}"

    @property
    def consultation(self) -> Consultation:
        return self.section.consultation


class DeadlineExtension(models.Model):
    """A logged extension of a consultation's deadline, announced on its public page."""

    consultation = models.ForeignKey(
        Consultation,
        verbose_name=_("innspillsrunde"),
        on_delete=models.CASCADE,
        related_name="extensions",
    )
    old_deadline = models.DateTimeField(_("tidligere frist"))
    new_deadline = models.DateTimeField(_("ny frist"))
    reason = models.TextField(_("begrunnelse"))
    extended_by = user_field(_("forlenget av"))
    extended_at = models.DateTimeField(_("forlenget"), default=timezone.now)

    class Meta:
        verbose_name = _("forlenget frist")
        verbose_name_plural = _("forlengede frister")
        ordering = ["consultation", "extended_at", "id"]

    def __str__(self) -> str:
        return (
            f"{self.consultation_id}: {self.old_deadline:%d.%m.%Y} → {self.new_deadline:%d.%m.%Y}"
        )
