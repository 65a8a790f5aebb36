"""Statistics: narrow pre-aggregated count tables per month and area.

One row of :class:`AreaMonthCount` holds, for one month and one area
(municipality, county, municipality-size group, centrality class or the
nation), the counts every official indicator is computed from
(:mod:`fastlege.stats.indicators`). Pages and exports read only these rows;
they never touch the per-list snapshots or the memberships.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from fastlege.monthly.models import MonthRun


class AreaKind(models.TextChoices):
    NATION = "nasjon", _("hele landet")
    COUNTY = "fylke", _("fylke")
    MUNICIPALITY = "kommune", _("kommune")
    SIZE = "storrelse", _("kommunestørrelse")
    CENTRALITY = "sentralitet", _("sentralitetsklasse")


def _count(label: str, help_text: str = "") -> models.PositiveIntegerField:
    return models.PositiveIntegerField(_(label), default=0, help_text=help_text)


def _added(label: str, help_text: Any = "") -> models.PositiveIntegerField:
    return models.PositiveIntegerField(
        _(label), null=True, blank=True, help_text=help_text or _("Tom: fylt før tallet fantes.")
    )


class AreaMonthCount(models.Model):
    """Telletabell: the counts of one area on the 1st of one month."""

    month = models.DateField(_("måned"), help_text=_("Den første dagen i måneden."))
    kind = models.CharField(_("områdetype"), max_length=12, choices=AreaKind.choices)
    code = models.CharField(
        _("områdekode"),
        max_length=4,
        blank=True,
        help_text=_("Kommune- eller fylkesnummer, størrelsesgruppe eller sentralitetsklasse."),
    )
    municipalities = _count("kommuner")
    residents = _count("innbyggere med rett til fastlege")
    gps = _count("fastleger")
    gps_female = _count("kvinnelige fastleger")
    gps_specialist = _count("fastleger som er spesialister i allmennmedisin")
    gps_started = models.PositiveIntegerField(
        _("fastleger som startet"), null=True, blank=True, help_text=_("Tom: ingen måned før.")
    )
    gps_stopped = models.PositiveIntegerField(
        _("fastleger som sluttet"), null=True, blank=True, help_text=_("Tom: ingen måned før.")
    )
    lists = _count("lister")
    lists_with_gp = _count("lister med fast lege")
    lists_salaried = _count("fastlønnede lister")
    lists_salaried_with_gp = _count("fastlønnede lister med fast lege")
    lists_vacant_over_year = _count("lister uten fast lege i over ett år")
    lists_open = _count("åpne lister")
    lists_full = _count("fulle lister")
    lists_with_substitute = _count("lister med vikar")
    on_lists = _count("listeinnbyggere")
    on_lists_with_gp = _count("listeinnbyggere på liste med fast lege")
    ceiling_sum = _count("sum listetak")
    ceiling_sum_with_gp = _count("sum listetak, lister med fast lege")
    unassigned = _count("ufordelte")
    waiting = _count("på venteliste")
    waiting_other_gp_municipality = _count("venter i annen kommune enn fastlegens")
    waiting_other_home_municipality = _count("venter i annen kommune enn bostedskommunen")
    switches = _count("bytter")
    agreement_median_days = models.PositiveIntegerField(
        _("median avtalevarighet (dager)"), null=True, blank=True
    )
    # Added with fill version 2 (docs/indicators.md): empty in rows filled before,
    # until the month is filled again.
    gps_age_sum = _added("sum av fastlegenes alder (år)")
    gps_age_under_35 = _added("fastleger under 35 år")
    gps_age_35_44 = _added("fastleger 35–44 år")
    gps_age_45_54 = _added("fastleger 45–54 år")
    gps_age_55_64 = _added("fastleger 55–64 år")
    gps_age_65_plus = _added("fastleger 65 år og eldre")
    lists_vacant_in_year = _added(
        "lister uten fast lege i løpet av de siste 12 månedene",
        _("Uten fast lege den 1. i minst én av de 12 månedene som slutter med måneden."),
    )
    vacant_days_sum = _added(
        "sum dager uten fast lege, lister uten fast lege",
        _("Summen over listene uten fast lege av dagene siden listen ble ubesatt."),
    )
    vacancy_median_days = models.PositiveIntegerField(
        _("median tid uten fast lege (dager)"), null=True, blank=True
    )
    vacancy_days_in_year_sum = _added(
        "sum varighet, lister uten fast lege siste 12 måneder (dager)",
        _(
            "For hver liste uten fast lege i løpet av de siste 12 månedene: dagene fra den "
            "ble ubesatt til neste faste lege begynte, avtalen sluttet eller dagen tellet."
        ),
    )
    vacancy_in_year_median_days = models.PositiveIntegerField(
        _("median varighet, lister uten fast lege siste 12 måneder (dager)"),
        null=True,
        blank=True,
    )
    # Added with fill version 3: free places and places over the ceiling per list
    # (fastlege.registry.capacity), summed over the lists.
    free_places_sum = _added(
        "ledige plasser",
        _("For hver liste: listetak − listelengde, aldri under 0; summert over listene."),
    )
    over_ceiling_sum = _added(
        "plasser over listetak",
        _("For hver liste over listetaket: listelengde − listetak; summert over listene."),
    )
    waiting_on_lists = _added(
        "på venteliste til områdets lister",
        _("Plasser på venteliste til listene i området, etter listens kommune."),
    )

    class Meta:
        verbose_name = _("telletabell per område og måned")
        verbose_name_plural = _("telletabeller per område og måned")
        ordering = ["-month", "kind", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "code", "month"], name="areamonthcount_one_per_area_month"
            ),
            models.CheckConstraint(
                condition=Q(month__day=1), name="areamonthcount_month_first_day"
            ),
            models.CheckConstraint(
                condition=Q(lists_with_gp__lte=models.F("lists")),
                name="areamonthcount_lists_with_gp_le_lists",
            ),
            models.CheckConstraint(
                condition=Q(on_lists_with_gp__lte=models.F("on_lists")),
                name="areamonthcount_on_lists_with_gp_le_on_lists",
            ),
        ]
        indexes = [models.Index(fields=["month", "kind"], name="areamonthcount_month_kind")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.code} {date_format(self.month, 'F Y')}"


class StatsFill(models.Model):
    """Statistikkfylling: one month filled into the count tables from its run's snapshots."""

    month = models.DateField(_("måned"), unique=True)
    run = models.ForeignKey(
        MonthRun,
        verbose_name=_("månedskjøring"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text=_("Tom: fylt direkte fra registeret (startbildet før første månedskjøring)."),
    )
    as_of = models.DateField(
        _("tellet per"),
        help_text=_(
            "Dagen tallene gjelder: den 1. i måneden etter kjøringen, eller registerdagen."
        ),
    )
    filled_at = models.DateTimeField(_("fylt"), default=timezone.now)
    filled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("fylt av"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Tom: systemet selv (kommandolinjen)."),
    )
    rows = models.PositiveIntegerField(_("rader"), default=0)
    version = models.PositiveSmallIntegerField(
        _("fyllversjon"),
        default=1,
        help_text=_("Versjonen av tellingene; en eldre versjon fylles på nytt av neste fylling."),
    )
    seconds = models.FloatField(_("sekunder"), default=0.0)

    class Meta:
        verbose_name = _("statistikkfylling")
        verbose_name_plural = _("statistikkfyllinger")
        ordering = ["-month"]
        constraints = [
            models.CheckConstraint(condition=Q(month__day=1), name="statsfill_month_first_day")
        ]

    def __str__(self) -> str:
        return f"Statistikk {date_format(self.month, 'F Y')}"
