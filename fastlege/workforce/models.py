"""Workforce planning: population projections and the scenarios of the GP projection.

The projection itself is computed, not stored (``fastlege.workforce.projection``):
from the registry's regular GPs, the reference population and a scenario's figures.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from fastlege.reference.models import County, Municipality


class PopulationProjection(models.Model):
    """Projected population of a municipality on 1 January of a year, as loaded from a
    file in SSB's table format (``workforce_import_population``). A new file replaces
    every row of the previous one."""

    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("kommune"),
        on_delete=models.CASCADE,
        related_name="population_projections",
    )
    year = models.PositiveSmallIntegerField(_("år"))
    people = models.PositiveIntegerField(_("folkemengde"))
    source = models.CharField(_("kilde"), max_length=200, blank=True)
    imported_at = models.DateTimeField(_("importert"))

    class Meta:
        verbose_name = _("befolkningsframskriving")
        verbose_name_plural = _("befolkningsframskrivinger")
        ordering = ["municipality", "year"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "year"], name="projection_one_per_year")
        ]

    def __str__(self) -> str:
        return f"{self.municipality_id} {self.year}: {self.people}"


class Scenario(models.Model):
    """A named set of the projection's figures (docs/workforce.md).

    Presets are shared and read only; a user copies one and edits the copy. Every
    figure is checked against ``parameters.RANGES`` by ``services.scenarios``.
    """

    class PopulationVariant(models.TextChoices):
        TREND = "trend", _("trend 2020–2026")
        HIGH = "hoy", _("høy vekst")
        LOW = "lav", _("lav vekst")
        LOADED = "innlest", _("innlest framskriving")

    name = models.CharField(_("navn"), max_length=120)
    description = models.TextField(_("beskrivelse"), blank=True)
    preset = models.CharField(
        _("forhåndsvalg"),
        max_length=40,
        blank=True,
        help_text=_("Kode for et forhåndsdefinert scenario; tomt for brukernes egne."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("opprettet av"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("kommune"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Kommunen scenarioet er laget for, om noen."),
    )
    county = models.ForeignKey(
        County,
        verbose_name=_("fylke"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Fylket scenarioet er laget for, om noe."),
    )
    copied_from = models.ForeignKey(
        "self",
        verbose_name=_("kopiert fra"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("opprettet"), auto_now_add=True)
    updated_at = models.DateTimeField(_("endret"), auto_now=True)

    target_list_length = models.PositiveIntegerField(
        _("mål for listelengde"),
        help_text=_("Innbyggere per fastlegeårsverk."),
        validators=[MinValueValidator(1)],
    )
    listing_rate = models.DecimalField(
        _("andel innbyggere på liste"), max_digits=4, decimal_places=3
    )
    population_variant = models.CharField(
        _("befolkningsutvikling"),
        max_length=10,
        choices=PopulationVariant.choices,
        default=PopulationVariant.TREND,
    )
    attrition_under_40 = models.DecimalField(
        _("avgang per år, under 40 år"), max_digits=4, decimal_places=3
    )
    attrition_40_54 = models.DecimalField(
        _("avgang per år, 40–54 år"), max_digits=4, decimal_places=3
    )
    attrition_55_64 = models.DecimalField(
        _("avgang per år, 55–64 år"), max_digits=4, decimal_places=3
    )
    attrition_65_plus = models.DecimalField(
        _("avgang per år, 65 år og eldre"), max_digits=4, decimal_places=3
    )
    share_extended = models.DecimalField(
        _("andel som får forlenget avtale ved aldersgrensen"), max_digits=4, decimal_places=3
    )
    extension_years = models.PositiveSmallIntegerField(_("år med forlengelse"))
    recruitment_rate = models.DecimalField(
        _("rekruttering per år (andel av legene)"),
        max_digits=4,
        decimal_places=3,
        null=True,
        blank=True,
        help_text=_("Tomt: målt fra registerets historikk de siste årene."),
    )
    alis_completions_per_100 = models.DecimalField(
        _("ekstra fullførte ALIS per år per 100 leger"), max_digits=4, decimal_places=1
    )
    fte_per_gp = models.DecimalField(_("årsverk per fastlege"), max_digits=3, decimal_places=2)

    class Meta:
        verbose_name = _("scenario")
        verbose_name_plural = _("scenarioer")
        ordering = ["-preset", "name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["preset"], condition=~models.Q(preset=""), name="scenario_one_per_preset"
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_preset(self) -> bool:
        return bool(self.preset)


class AlisAgreement(models.Model):
    """ALIS-avtale: a municipality's agreement with a doctor in specialisation in general
    practice (allmennlege i spesialisering) on the measures beyond what the regulations
    require (Hdir's template; docs/workforce.md, «ALIS»).

    The agreement's status (planned, in progress, overdue, completed) is derived from
    its dates by ``fastlege.workforce.alis.agreement_status``; the competence status of
    a GP (specialist, in specialisation, neither) by ``alis.competence_status``.
    Writes go through ``fastlege.workforce.services.alis``.
    """

    class Stays(models.TextChoices):
        YES = "ja", _("ja")
        NO = "nei", _("nei")
        UNKNOWN = "ukjent", _("ukjent")

    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("kommune"),
        on_delete=models.PROTECT,
        related_name="alis_agreements",
    )
    doctor = models.ForeignKey(
        "registry.Doctor",
        verbose_name=_("lege"),
        on_delete=models.PROTECT,
        related_name="alis_agreements",
    )
    agreement = models.ForeignKey(
        "registry.Agreement",
        verbose_name=_("fastlegeliste"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="alis_agreements",
        help_text=_("Listen legen har under spesialiseringen, om noen."),
    )
    start = models.DateField(_("start"))
    planned_completion = models.DateField(_("planlagt fullført"))
    completed_on = models.DateField(_("fullført"), null=True, blank=True)
    supervisor = models.ForeignKey(
        "registry.Doctor",
        verbose_name=_("veileder (lege)"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    supervisor_name = models.CharField(
        _("veileder"),
        max_length=160,
        blank=True,
        help_text=_("Navnet på veilederen, når veilederen ikke er registrert som lege her."),
    )
    guidance_group = models.CharField(_("veiledningsgruppe"), max_length=200, blank=True)
    grant_applied_amount = models.DecimalField(
        _("ALIS-tilskudd søkt (kr)"), max_digits=11, decimal_places=0, null=True, blank=True
    )
    grant_applied_on = models.DateField(_("ALIS-tilskudd søkt dato"), null=True, blank=True)
    grant_received_amount = models.DecimalField(
        _("ALIS-tilskudd mottatt (kr)"), max_digits=11, decimal_places=0, null=True, blank=True
    )
    grant_received_on = models.DateField(_("ALIS-tilskudd mottatt dato"), null=True, blank=True)
    stays_after_completion = models.CharField(
        _("blir i kommunen etter fullført"),
        max_length=6,
        choices=Stays.choices,
        default=Stays.UNKNOWN,
    )
    created_at = models.DateTimeField(_("opprettet"), auto_now_add=True)
    updated_at = models.DateTimeField(_("endret"), auto_now=True)

    class Meta:
        verbose_name = _("ALIS-avtale")
        verbose_name_plural = _("ALIS-avtaler")
        ordering = ["municipality", "-start", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(planned_completion__gte=models.F("start")),
                name="alis_planned_not_before_start",
            ),
            models.CheckConstraint(
                condition=models.Q(completed_on__isnull=True)
                | models.Q(completed_on__gte=models.F("start")),
                name="alis_completed_not_before_start",
            ),
            models.CheckConstraint(
                condition=models.Q(grant_applied_amount__isnull=True)
                | models.Q(grant_applied_amount__gte=0),
                name="alis_grant_applied_not_negative",
            ),
            models.CheckConstraint(
                condition=models.Q(grant_received_amount__isnull=True)
                | models.Q(grant_received_amount__gte=0),
                name="alis_grant_received_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"ALIS {self.doctor_id} {self.start:%Y-%m-%d}"
