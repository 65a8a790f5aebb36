"""Reference data: counties, municipalities, population, postal codes, KOSTRA figures."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from fastlege.core.tabular import decimal_comma

NBSP = "\u00a0"  # between thousands, as the pages write figures

municipality_number_validator = RegexValidator(
    r"^\d{4}$", _("Kommunenummeret må ha fire siffer."), code="municipality_number"
)
county_number_validator = RegexValidator(
    r"^\d{2}$", _("Fylkesnummeret må ha to siffer."), code="county_number"
)


class County(models.Model):
    number = models.CharField(
        _("fylkesnummer"), max_length=2, primary_key=True, validators=[county_number_validator]
    )
    name = models.CharField(_("navn"), max_length=80)
    official_name = models.CharField(_("offisielt navn"), max_length=120)

    class Meta:
        verbose_name = _("fylke")
        verbose_name_plural = _("fylker")
        ordering = ["number"]

    def __str__(self) -> str:
        return f"{self.number} {self.name}"


class Municipality(models.Model):
    class Centrality(models.IntegerChoices):
        C1 = 1, _("1 – mest sentral")
        C2 = 2, _("2")
        C3 = 3, _("3")
        C4 = 4, _("4")
        C5 = 5, _("5")
        C6 = 6, _("6 – minst sentral")

    number = models.CharField(
        _("kommunenummer"),
        max_length=4,
        primary_key=True,
        validators=[municipality_number_validator],
    )
    name = models.CharField(_("navn"), max_length=80)
    official_name = models.CharField(_("offisielt navn"), max_length=160)
    county = models.ForeignKey(
        County, verbose_name=_("fylke"), on_delete=models.PROTECT, related_name="municipalities"
    )
    centrality = models.PositiveSmallIntegerField(
        _("sentralitetsklasse"), choices=Centrality.choices, null=True, blank=True
    )
    centrality_index = models.PositiveSmallIntegerField(
        _("sentralitetsindeks"), null=True, blank=True, validators=[MaxValueValidator(1000)]
    )
    automatic_placement = models.BooleanField(
        _("automatisk tildeling av ufordelte"),
        default=True,
        help_text=_("Av: nye innbyggere blir stående ufordelt til kommunen ber om tildeling."),
    )

    sami_language_area = models.BooleanField(
        _("i forvaltningsområdet for samisk språk"),
        default=False,
        db_default=False,
        help_text=_(
            "Samisktalende har forrang på ventelisten til samisktalende fastleger her "
            "(fastlegeforskriften § 36). Listen over kommuner er ikke verifisert."
        ),
    )

    class Meta:
        verbose_name = _("kommune")
        verbose_name_plural = _("kommuner")
        ordering = ["number"]

    def __str__(self) -> str:
        return f"{self.number} {self.name}"


class MunicipalityPopulation(models.Model):
    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("kommune"),
        on_delete=models.CASCADE,
        related_name="populations",
    )
    year = models.PositiveSmallIntegerField(_("år"))
    population = models.PositiveIntegerField(_("folketall 1. januar"))

    class Meta:
        verbose_name = _("folketall")
        verbose_name_plural = _("folketall")
        ordering = ["municipality", "year"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "year"], name="population_one_per_year")
        ]

    def __str__(self) -> str:
        return f"{self.municipality_id} {self.year}: {decimal_comma(self.population, group=NBSP)}"


class PostalCode(models.Model):
    code = models.CharField(
        _("postnummer"),
        max_length=4,
        primary_key=True,
        validators=[RegexValidator(r"^\d{4}$", _("Postnummeret må ha fire siffer."))],
    )
    place = models.CharField(_("poststed"), max_length=80)
    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("kommune"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="postal_codes",
        help_text=_("Tom for Svalbard og Jan Mayen, som ikke er kommuner."),
    )

    class Meta:
        verbose_name = _("postnummer")
        verbose_name_plural = _("postnumre")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.place}"


class KostraGpFigures(models.Model):
    """Published KOSTRA figures (SSB table 12005) per municipality and year.

    Kept as published, for calibration of demo data and for comparing the
    system's own indicators with the official statistics.
    """

    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("kommune"),
        on_delete=models.CASCADE,
        related_name="kostra_figures",
    )
    year = models.PositiveSmallIntegerField(_("år"))
    agreements_with_gp = models.PositiveIntegerField(_("fastlegeavtaler"), null=True, blank=True)
    lists_without_gp = models.PositiveIntegerField(
        _("lister uten fast lege"), null=True, blank=True
    )
    lists_total = models.PositiveIntegerField(_("lister totalt"), null=True, blank=True)
    residents_on_lists_with_gp = models.PositiveIntegerField(
        _("pasienter på liste med lege"), null=True, blank=True
    )
    residents_on_lists_without_gp = models.PositiveIntegerField(
        _("pasienter på liste uten lege"), null=True, blank=True
    )
    share_without_gp_pct = models.DecimalField(
        _("andel pasienter på liste uten lege (%)"),
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
    )
    open_lists = models.PositiveIntegerField(_("åpne lister"), null=True, blank=True)
    mean_list_length = models.PositiveIntegerField(
        _("gjennomsnittlig listelengde"), null=True, blank=True
    )
    mean_list_length_corrected = models.PositiveIntegerField(
        _("gjennomsnittlig listelengde korrigert for kommunale timer"), null=True, blank=True
    )
    female_gps = models.PositiveIntegerField(_("kvinnelige fastleger"), null=True, blank=True)
    share_female_gps_pct = models.DecimalField(
        _("andel kvinnelige fastleger (%)"), max_digits=5, decimal_places=1, null=True, blank=True
    )
    capacity = models.PositiveIntegerField(_("kapasitet (sum listetak)"), null=True, blank=True)
    capacity_calculated = models.PositiveIntegerField(
        _("beregnet kapasitet"), null=True, blank=True
    )
    reserve_capacity = models.PositiveIntegerField(
        _("reservekapasitet"), null=True, blank=True, validators=[MinValueValidator(0)]
    )

    class Meta:
        verbose_name = _("KOSTRA-tall for fastlegeordningen")
        verbose_name_plural = _("KOSTRA-tall for fastlegeordningen")
        ordering = ["municipality", "year"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "year"], name="kostra_one_per_year")
        ]

    def __str__(self) -> str:
        return f"{self.municipality_id} {self.year}"


class KostraGpTrend(models.Model):
    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("kommune"),
        on_delete=models.CASCADE,
        related_name="kostra_trend",
    )
    year = models.PositiveSmallIntegerField(_("år"))
    share_without_gp_pct = models.DecimalField(
        _("andel pasienter på liste uten lege (%)"),
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
    )
    mean_list_length = models.PositiveIntegerField(
        _("gjennomsnittlig listelengde"), null=True, blank=True
    )
    reserve_capacity = models.PositiveIntegerField(_("reservekapasitet"), null=True, blank=True)

    class Meta:
        verbose_name = _("KOSTRA-trend for fastlegeordningen")
        verbose_name_plural = _("KOSTRA-trender for fastlegeordningen")
        ordering = ["municipality", "year"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "year"], name="kostra_trend_one_per_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.municipality_id} {self.year}"


class MunicipalityBorder(models.Model):
    """Nabokommune: two municipalities that share a border on the map (Kartverket 2024).

    Filled by ``load_reference`` from ``kommuner_2024.geojson`` (see
    :func:`fastlege.reference.borders.border_pairs`), one row per direction, so
    ``Municipality.borders`` lists every neighbour without reading the map.
    """

    municipality = models.ForeignKey(
        Municipality, verbose_name=_("kommune"), on_delete=models.CASCADE, related_name="borders"
    )
    neighbour = models.ForeignKey(
        Municipality, verbose_name=_("nabokommune"), on_delete=models.CASCADE, related_name="+"
    )

    class Meta:
        verbose_name = _("kommunegrense")
        verbose_name_plural = _("kommunegrenser")
        ordering = ["municipality", "neighbour"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "neighbour"], name="border_one_per_pair"
            ),
            models.CheckConstraint(
                condition=~models.Q(municipality=models.F("neighbour")),
                name="border_not_self",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.municipality_id}–{self.neighbour_id}"
