"""The tripartite forum's agreements tracked as commitments (Decidim's accountability
model): an owner party, milestones, a completion percentage whose every change is kept
(:class:`CommitmentProgress`, never overwritten), a status, and the indicators of the
statistics app the agreement should move (stored by the statistics' own codes,
``fastlege.stats.indicators``; names, units and figures are read from there).
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fastlege.core.fields import user_field


class CommitmentStatus(models.TextChoices):
    """Where an agreement stands (set with each completion update)."""

    NOT_STARTED = "ikke_startet", _("ikke startet")
    IN_PROGRESS = "i_gang", _("i gang")
    DELAYED = "forsinket", _("forsinket")
    DONE = "fullfort", _("fullført")
    STOPPED = "stanset", _("stanset")


class Commitment(models.Model):
    """An agreement of the forum's parties, followed up until it is done."""

    forum = models.ForeignKey(
        "dialogue.Forum",
        verbose_name=_("forum"),
        on_delete=models.CASCADE,
        related_name="commitments",
    )
    case = models.ForeignKey(
        "dialogue.ForumCase",
        verbose_name=_("sak"),
        on_delete=models.PROTECT,
        related_name="commitments",
    )
    decision = models.ForeignKey(
        "dialogue.CaseDecision",
        verbose_name=_("vedtak"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="commitments",
    )
    title = models.CharField(_("tittel"), max_length=200)
    description = models.TextField(_("beskrivelse"), blank=True)
    owner = models.ForeignKey(
        "dialogue.ForumParty",
        verbose_name=_("ansvarlig part"),
        on_delete=models.PROTECT,
        related_name="commitments",
    )
    starts_on = models.DateField(_("avtalt dato"))
    ends_on = models.DateField(_("planlagt ferdig"), null=True, blank=True)
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=CommitmentStatus,
        default=CommitmentStatus.NOT_STARTED,
    )
    progress = models.PositiveSmallIntegerField(
        _("fullført (prosent)"),
        default=0,
        help_text=_("Siste verdi i historikken (fremdrift for avtale)."),
    )
    published = models.BooleanField(_("publisert"), default=False)
    created_at = models.DateTimeField(_("opprettet"), default=timezone.now)
    created_by = user_field(_("opprettet av"))

    class Meta:
        verbose_name = _("avtale i forumet")
        verbose_name_plural = _("avtaler i forumet")
        ordering = ["forum", "starts_on", "id"]
        constraints = [
            models.CheckConstraint(
                name="commitment_progress_0_100",
                condition=Q(progress__lte=100),
                violation_error_message=_("Fullført må være mellom 0 og 100 prosent."),
            ),
            models.CheckConstraint(
                name="commitment_ends_after_start",
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                violation_error_message=_("Planlagt ferdig kan ikke være før avtalt dato."),
            ),
        ]

    def __str__(self) -> str:
        return self.title


class CommitmentMilestone(models.Model):
    """A step of an agreement with its due date and, when reached, the day it was done."""

    commitment = models.ForeignKey(
        Commitment,
        verbose_name=_("avtale"),
        on_delete=models.CASCADE,
        related_name="milestones",
    )
    title = models.CharField(_("tittel"), max_length=200)
    due_on = models.DateField(_("frist"))
    done_on = models.DateField(_("fullført dato"), null=True, blank=True)

    class Meta:
        verbose_name = _("milepæl")
        verbose_name_plural = _("milepæler")
        ordering = ["commitment", "due_on", "id"]

    def __str__(self) -> str:
        return self.title


class CommitmentProgress(models.Model):
    """One change of an agreement's completion: the value, the day, who and why.
    Rows are only added, never changed: together they are the agreement's history."""

    commitment = models.ForeignKey(
        Commitment,
        verbose_name=_("avtale"),
        on_delete=models.CASCADE,
        related_name="history",
    )
    percent = models.PositiveSmallIntegerField(_("fullført (prosent)"))
    status = models.CharField(_("status"), max_length=12, choices=CommitmentStatus)
    recorded_on = models.DateField(_("gjelder dato"))
    recorded_at = models.DateTimeField(_("registrert"), default=timezone.now)
    recorded_by = user_field(_("registrert av"))
    comment = models.TextField(_("kommentar"), blank=True)

    class Meta:
        verbose_name = _("fremdrift for avtale")
        verbose_name_plural = _("fremdrift for avtaler")
        ordering = ["commitment", "recorded_on", "id"]
        constraints = [
            models.CheckConstraint(
                name="commitment_progress_row_0_100",
                condition=Q(percent__lte=100),
                violation_error_message=_("Fullført må være mellom 0 og 100 prosent."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.commitment}: {self.percent} % ({self.recorded_on:%d.%m.%Y})"


class CommitmentIndicator(models.Model):
    """An indicator of the statistics app an agreement should move (by its code)."""

    commitment = models.ForeignKey(
        Commitment,
        verbose_name=_("avtale"),
        on_delete=models.CASCADE,
        related_name="indicators",
    )
    code = models.CharField(_("indikatorkode"), max_length=60)

    class Meta:
        verbose_name = _("indikator for avtale")
        verbose_name_plural = _("indikatorer for avtaler")
        ordering = ["commitment", "id"]
        constraints = [
            models.UniqueConstraint(fields=["commitment", "code"], name="commitment_indicator_once")
        ]

    def __str__(self) -> str:
        from fastlege.dialogue.indicators import indicator_name  # noqa: PLC0415

        return indicator_name(self.code)
