"""Si fra når det blir plass: a citizen watches lists, or a search, and is told when a
place opens (docs/watches.md).

Watching is not a waiting list: it holds no place and gives no priority. A ``Watch`` is
one list, or one search (a municipality and a few filters on the list's regular GP). A
``WatchNotice`` is what the monthly pass (``services.notify_watchers``) writes for a
watch when a list it covers opens; the citizen reads them on the watch page.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fastlege.core.fields import user_field
from fastlege.reference.models import Municipality
from fastlege.registry.models import Agreement, Resident


class Watch(models.Model):
    """Følger med: one list, or one search, watched for a resident."""

    class Kind(models.TextChoices):
        LIST = "liste", _("fastlegeliste")
        SEARCH = "sok", _("søk")

    resident = models.ForeignKey(
        Resident,
        verbose_name=_("innbygger"),
        on_delete=models.CASCADE,
        related_name="watches",
        db_index=False,  # covered by watch_resident_idx
    )
    kind = models.CharField(_("type"), max_length=5, choices=Kind.choices)
    agreement = models.ForeignKey(
        Agreement,
        verbose_name=_("fastlegeliste"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text=_("Listen det følges med på (bare for type fastlegeliste)."),
    )
    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("kommune"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Kommunen søket gjelder (bare for type søk)."),
    )
    filters = models.JSONField(
        _("filtre"),
        default=dict,
        blank=True,
        help_text=_(
            'Søkets filtre på listens faste lege, f.eks. {"sex": "K", '
            '"specialty": "spesialist"}. Tomt: alle lister i kommunen.'
        ),
    )
    created_at = models.DateTimeField(_("opprettet"), default=timezone.now)
    created_by = user_field(_("opprettet av"))
    ended_at = models.DateTimeField(_("avsluttet"), null=True, blank=True)
    ended_by = user_field(_("avsluttet av"))

    class Meta:
        verbose_name = _("følger med på ledig plass")
        verbose_name_plural = _("følger med på ledig plass")
        ordering = ["resident", "-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind="liste", agreement__isnull=False, municipality__isnull=True)
                    | Q(kind="sok", agreement__isnull=True, municipality__isnull=False)
                ),
                name="watch_list_or_search",
                violation_error_message=_("Følg enten en liste eller et søk i en kommune."),
            ),
            models.UniqueConstraint(
                fields=["resident", "agreement"],
                condition=Q(ended_at__isnull=True, kind="liste"),
                name="watch_one_active_per_list",
                violation_error_message=_("Du følger allerede med på denne listen."),
            ),
        ]
        indexes = [
            models.Index(fields=["resident", "ended_at"], name="watch_resident_idx"),
        ]

    def __str__(self) -> str:
        return f"Følger med {self.pk} ({self.get_kind_display()})"


class WatchNotice(models.Model):
    """Melding om ledig plass: a list covered by a watch opened in a month."""

    watch = models.ForeignKey(
        Watch,
        verbose_name=_("følger med"),
        on_delete=models.CASCADE,
        related_name="notices",
        db_index=False,  # covered by watchnotice_one_per_list_and_month
    )
    resident = models.ForeignKey(
        Resident,
        verbose_name=_("innbygger"),
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,  # covered by watchnotice_resident_idx
    )
    agreement = models.ForeignKey(
        Agreement,
        verbose_name=_("fastlegeliste"),
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,
    )
    month = models.DateField(_("måned"), help_text=_("Månedskjøringen som åpnet listen."))
    free_places = models.PositiveIntegerField(_("ledige plasser etter kjøringen"))
    created_at = models.DateTimeField(_("opprettet"), default=timezone.now)
    emailed_at = models.DateTimeField(
        _("e-post sendt"),
        null=True,
        blank=True,
        help_text=_("Når varselet på e-post ble sendt (tomt: ingen e-postadresse)."),
    )

    class Meta:
        verbose_name = _("melding om ledig plass")
        verbose_name_plural = _("meldinger om ledig plass")
        ordering = ["-month", "agreement"]
        constraints = [
            models.UniqueConstraint(
                fields=["watch", "agreement", "month"],
                name="watchnotice_one_per_list_and_month",
            ),
        ]
        indexes = [
            models.Index(fields=["resident", "month"], name="watchnotice_resident_idx"),
            models.Index(fields=["month", "emailed_at"], name="watchnotice_month_idx"),
        ]

    def __str__(self) -> str:
        return f"Ledig plass {self.month:%Y-%m} (liste {self.agreement_id})"
