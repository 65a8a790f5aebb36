"""Measures (*tiltak*): a shared catalogue of measure types, each municipality's
measures with their value, and the GPs' lists of demands (*krav*) to their
municipality.

A municipality's measures are read by every municipality of its county from the
moment they are registered ("informere hverandre om tenkte tiltak", source 001);
only the municipality itself changes them.
"""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fastlege.core.fields import user_field


class Category(models.TextChoices):
    MONEY = "penger", _("penger til fastlegen")
    WORKING_CONDITIONS = "arbeidsvilkar", _("arbeidsvilkår")
    EDUCATION = "utdanning", _("utdanning og kompetanse")
    ORGANISATION = "organisering", _("organisering")


class ValueUnit(models.TextChoices):
    KR_PER_YEAR = "kr_per_ar", _("kroner per år")
    KR_ONCE = "kr_engang", _("kroner, engangsbeløp")
    HOURS_PER_WEEK = "timer_per_uke", _("timer per uke")
    LIST_PLACES = "listeplasser", _("plasser på listen")
    POSTS = "stillinger", _("stillinger")
    DAYS = "dager", _("dager")
    NONE = "ingen", _("ingen verdi (ja/nei)")


class MeasureType(models.Model):
    """Tiltakstype: an entry in the county's shared catalogue of measures."""

    class Status(models.TextChoices):
        PROPOSED = "foreslatt", _("foreslått")
        APPROVED = "godkjent", _("godkjent")
        REJECTED = "avvist", _("avvist")

    code = models.SlugField(_("kode"), max_length=60, unique=True)
    name = models.CharField(_("navn"), max_length=200, unique=True)
    category = models.CharField(_("kategori"), max_length=20, choices=Category.choices)
    unit = models.CharField(
        _("enhet for verdien"), max_length=20, choices=ValueUnit.choices, default=ValueUnit.NONE
    )
    description = models.TextField(_("beskrivelse"), blank=True)
    source = models.CharField(
        _("kilde"), max_length=300, blank=True, help_text=_("Hvor tiltakstypen kommer fra.")
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PROPOSED
    )
    position = models.PositiveSmallIntegerField(_("rekkefølge"), default=1000)
    proposed_by_municipality = models.ForeignKey(
        "reference.Municipality",
        verbose_name=_("foreslått av kommune"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    proposed_by = user_field(_("foreslått av"))
    decided_by = user_field(_("behandlet av"))
    decided_at = models.DateTimeField(_("behandlet"), null=True, blank=True)
    created_at = models.DateTimeField(_("opprettet"), default=timezone.now)

    class Meta:
        verbose_name = _("tiltakstype")
        verbose_name_plural = _("tiltakstyper")
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return str(self.name)


class TargetGroup(models.TextChoices):
    ALL_GPS = "alle_fastleger", _("alle fastleger")
    NEW_GPS = "nye_fastleger", _("nye fastleger")
    ALIS = "alis", _("ALIS-leger (leger i spesialisering)")
    SPECIALISTS = "spesialister", _("spesialister i allmennmedisin")
    VACANT_LISTS = "ubesatte_lister", _("lister uten fast lege")
    SUBSTITUTES = "vikarer", _("vikarer")
    PRACTICES = "legekontor", _("legekontorene")


class ValueBasis(models.TextChoices):
    PER_GP = "per_lege", _("per lege")
    TOTAL = "totalt", _("totalt for kommunen")


class Measure(models.Model):
    """Tiltak: a municipality's measure, from considered to ended."""

    class Status(models.TextChoices):
        CONSIDERED = "vurdert", _("vurderes")
        PLANNED = "planlagt", _("planlagt")
        DECIDED = "vedtatt", _("vedtatt")
        ACTIVE = "aktiv", _("aktiv")
        ENDED = "avsluttet", _("avsluttet")

    municipality = models.ForeignKey(
        "reference.Municipality",
        verbose_name=_("kommune"),
        on_delete=models.PROTECT,
        related_name="measures",
    )
    measure_type = models.ForeignKey(
        MeasureType,
        verbose_name=_("tiltakstype"),
        on_delete=models.PROTECT,
        related_name="measures",
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices)
    decision_body = models.CharField(
        _("vedtaksorgan"),
        max_length=200,
        blank=True,
        help_text=_("For eksempel formannskapet eller kommunestyret."),
    )
    decided_on = models.DateField(_("vedtaksdato"), null=True, blank=True)
    starts_on = models.DateField(_("starter"), null=True, blank=True)
    ends_on = models.DateField(_("slutter"), null=True, blank=True)
    value = models.DecimalField(_("verdi"), max_digits=12, decimal_places=2, null=True, blank=True)
    unit = models.CharField(
        _("enhet"), max_length=20, choices=ValueUnit.choices, default=ValueUnit.NONE
    )
    value_basis = models.CharField(
        _("verdien gjelder"), max_length=10, choices=ValueBasis.choices, default=ValueBasis.PER_GP
    )
    target_group = models.CharField(
        _("målgruppe"), max_length=20, choices=TargetGroup.choices, default=TargetGroup.ALL_GPS
    )
    description = models.TextField(_("beskrivelse"), blank=True)
    document_reference = models.CharField(
        _("dokumentreferanse"),
        max_length=300,
        blank=True,
        help_text=_("Saksnummer, vedtak eller lenke til saksdokumentet."),
    )
    created_by = user_field(_("registrert av"))
    created_at = models.DateTimeField(_("registrert"), default=timezone.now)
    updated_at = models.DateTimeField(_("sist endret"), default=timezone.now)

    class Meta:
        verbose_name = _("tiltak")
        verbose_name_plural = _("tiltak")
        ordering = ["municipality", "measure_type__position", "-created_at"]
        indexes = [models.Index(fields=["measure_type", "status"], name="measure_type_status")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True)
                | Q(starts_on__isnull=True)
                | Q(ends_on__gte=F("starts_on")),
                name="measure_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(value__isnull=True) | Q(value__gte=0), name="measure_value_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.measure_type} ({self.municipality_id})"


class DemandList(models.Model):
    """Kravliste: a GP group's list of demands to its municipality."""

    municipality = models.ForeignKey(
        "reference.Municipality",
        verbose_name=_("kommune"),
        on_delete=models.PROTECT,
        related_name="demand_lists",
    )
    title = models.CharField(_("tittel"), max_length=200)
    submitted_by = models.CharField(
        _("fra"), max_length=200, help_text=_("Fastlegegruppen som stiller kravene.")
    )
    received_on = models.DateField(_("mottatt"), null=True, blank=True)
    document_reference = models.CharField(_("dokumentreferanse"), max_length=300, blank=True)
    created_by = user_field(_("registrert av"))
    created_at = models.DateTimeField(_("registrert"), default=timezone.now)

    class Meta:
        verbose_name = _("kravliste")
        verbose_name_plural = _("kravlister")
        ordering = ["municipality", "-received_on", "-created_at"]

    def __str__(self) -> str:
        return self.title


class Demand(models.Model):
    """Krav: one demand of a list, the measure type it asks for and the municipality's answer."""

    class Status(models.TextChoices):
        OPEN = "ikke_besvart", _("ikke besvart")
        CONSIDERING = "vurderes", _("vurderes")
        MET = "innfridd", _("innfridd")
        PARTLY = "delvis", _("delvis innfridd")
        REFUSED = "avslatt", _("avslått")

    demand_list = models.ForeignKey(
        DemandList, verbose_name=_("kravliste"), on_delete=models.CASCADE, related_name="demands"
    )
    position = models.PositiveSmallIntegerField(_("nummer"))
    text = models.TextField(_("krav"))
    measure_type = models.ForeignKey(
        MeasureType,
        verbose_name=_("tiltakstype"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="demands",
    )
    status = models.CharField(
        _("status i kommunens svar"), max_length=14, choices=Status.choices, default=Status.OPEN
    )
    answer = models.TextField(_("kommunens svar"), blank=True)
    measure = models.ForeignKey(
        Measure,
        verbose_name=_("tiltak som svarer på kravet"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="demands",
    )

    class Meta:
        verbose_name = _("krav")
        verbose_name_plural = _("krav")
        ordering = ["demand_list", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["demand_list", "position"], name="demand_one_per_position"
            )
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.text[:60]}"
