"""A dialogue meeting's situation report (*situasjonsbilde*), frozen with the meeting.

The report is what the county governor's dialogue meetings open with: the county's
key figures and trends (the statistics app's own figures, definitions and
suppression), the follow-up list, the municipalities' active measures and the
outbidding signals. Each making stores a new *version*: the figures as they were
shown (JSON) and the PDF bytes, so the minutes refer to what people saw even when
the statistics are later corrected or refilled. Nothing is ever overwritten; the
current version is the highest number (docs/dialogue.md, «Situation report»).

Two renderings are kept per version: ``data``/``pdf`` with the figures the maker's
role sees (the county unsuppressed, the follow-up list, measures and signals), and
``public_data``/``public_pdf`` with the public statistics' suppression and without
the parts that are not public in their own apps.
"""

from __future__ import annotations

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fastlege.core.fields import user_field


class SituationReport(models.Model):
    """One version of a meeting's situation report: the data as shown, and its PDF."""

    meeting = models.ForeignKey(
        "dialogue.Meeting",
        verbose_name=_("møte"),
        on_delete=models.PROTECT,
        related_name="situation_reports",
    )
    version = models.PositiveSmallIntegerField(_("versjon"))
    county = models.ForeignKey(
        "reference.County",
        verbose_name=_("fylke"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    as_of_month = models.DateField(
        _("statistikkmåned"), help_text=_("Måneden nøkkeltallene gjelder (første dag).")
    )
    made_at = models.DateTimeField(_("laget"), default=timezone.now)
    made_by = user_field(_("laget av"))
    data = models.JSONField(
        _("innhold (arrangørens visning)"),
        encoder=DjangoJSONEncoder,
        help_text=_("Tallene og listene slik de ble vist, uten skjerming av fylkets tall."),
    )
    public_data = models.JSONField(
        _("innhold (offentlig visning)"),
        encoder=DjangoJSONEncoder,
        help_text=_("Tallene med samme skjerming av små tall som den offentlige statistikken."),
    )
    pdf = models.BinaryField(_("PDF (arrangørens visning)"))
    public_pdf = models.BinaryField(_("PDF (offentlig visning)"))

    class Meta:
        verbose_name = _("situasjonsbilde")
        verbose_name_plural = _("situasjonsbilder")
        ordering = ["meeting", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "version"], name="situation_report_version_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.meeting_id}: v{self.version} ({self.as_of_month:%Y-%m})"
