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


class RecruitmentCase(models.Model):
    """Rekrutteringssak: the municipality's work to find a regular GP for a list
    without one (or about to be without one). Steps and rules:
    ``fastlege.workforce.recruitment``; writes: ``services.recruitment``. Filling the
    case starts the new GP's period through the registry's ``assign_gp``."""

    class Status(models.TextChoices):
        OPENED = "opprettet", _("opprettet")
        ADVERTISED = "utlyst", _("utlyst")
        INTERVIEWS = "intervjuer", _("intervjuer")
        OFFERED = "tilbud", _("tilbud gitt")
        FILLED = "besatt", _("besatt")
        CLOSED = "avsluttet", _("avsluttet uten ny fastlege")

    class Channel(models.TextChoices):
        TIDSSKRIFTET = "legejobber", _("Legejobber / Tidsskriftet")
        FINN = "finn", _("FINN.no")
        NAV = "nav", _("Arbeidsplassen (NAV)")
        OWN_SITE = "kommunen", _("kommunens nettside")
        OTHER = "annet", _("annet")

    agreement = models.ForeignKey(
        "registry.Agreement",
        verbose_name=_("fastlegeavtale"),
        on_delete=models.PROTECT,
        related_name="recruitment_cases",
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.OPENED
    )
    opened_on = models.DateField(_("opprettet dato"))
    vacant_from = models.DateField(
        _("uten fast lege fra"),
        help_text=_("Dagen listen ble, eller blir, uten fast lege."),
    )
    first_advertised_on = models.DateField(_("først utlyst"), null=True, blank=True)
    advertised_on = models.DateField(_("sist utlyst"), null=True, blank=True)
    deadline = models.DateField(_("søknadsfrist"), null=True, blank=True)
    channel = models.CharField(
        _("kanal for utlysningen"), max_length=12, choices=Channel.choices, blank=True
    )
    readvertised_count = models.PositiveSmallIntegerField(_("antall nye utlysninger"), default=0)
    applicants = models.PositiveSmallIntegerField(_("antall søkere"), null=True, blank=True)
    interviews_on = models.DateField(_("intervjuer holdt"), null=True, blank=True)
    interviewed = models.PositiveSmallIntegerField(_("antall intervjuet"), null=True, blank=True)
    offered_on = models.DateField(_("tilbud gitt dato"), null=True, blank=True)
    offered_to = models.ForeignKey(
        "registry.Doctor",
        verbose_name=_("tilbud gitt til"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    filled_on = models.DateField(_("besatt fra"), null=True, blank=True)
    gp_period = models.OneToOneField(
        "registry.DoctorPeriod",
        verbose_name=_("den nye fastlegens periode"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="recruitment_case",
    )
    closed_on = models.DateField(_("avsluttet dato"), null=True, blank=True)
    close_reason = models.TextField(_("grunn til avslutning"), blank=True)
    measures = models.ManyToManyField(
        "measures.Measure",
        verbose_name=_("tiltak som tilbys"),
        blank=True,
        related_name="recruitment_cases",
    )
    note = models.TextField(_("merknad"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("opprettet av"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("endret"), auto_now=True)

    class Meta:
        verbose_name = _("rekrutteringssak")
        verbose_name_plural = _("rekrutteringssaker")
        ordering = ["-opened_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["agreement"],
                condition=~models.Q(status__in=["besatt", "avsluttet"]),
                name="recruitment_one_open_per_list",
            )
        ]

    def __str__(self) -> str:
        return f"{self.agreement_id} ({self.status})"

    @property
    def is_open(self) -> bool:
        return self.status not in (self.Status.FILLED, self.Status.CLOSED)


# --- The regional substitute pool (vikarordning), issue 17 item 5 ---------------------
# Periods are half-open, ``[valid_from, valid_to)``, like every period in the registry.
# Matching is ``fastlege.workforce.pool`` (pure), writes ``services.pool``; a substitute
# is never booked twice for the same day (``SubstituteBooking``: an exclusion constraint
# on PostgreSQL, migration 0020, and the service's check under a lock everywhere).


class PoolSubstitute(models.Model):
    """Vikar i den regionale vikarordningen: a doctor of the registry (by HPR number) who
    takes substitute periods in the county's municipalities."""

    doctor = models.OneToOneField(
        "registry.Doctor",
        verbose_name=_("lege"),
        on_delete=models.PROTECT,
        related_name="pool_membership",
    )
    county = models.ForeignKey(
        County, verbose_name=_("fylke"), on_delete=models.PROTECT, related_name="+"
    )
    home_municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("bostedskommune"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Avstanden til kommunen som ber om vikar regnes herfra."),
    )
    municipalities = models.ManyToManyField(
        Municipality,
        verbose_name=_("kommuner vikaren vil jobbe i"),
        blank=True,
        related_name="+",
        help_text=_("Tom: alle kommunene i fylket."),
    )
    note = models.TextField(_("merknad"), blank=True)
    active = models.BooleanField(_("aktiv"), default=True)
    created_at = models.DateTimeField(_("registrert"), auto_now_add=True)

    class Meta:
        verbose_name = _("vikar i vikarpoolen")
        verbose_name_plural = _("vikarer i vikarpoolen")
        ordering = ["county", "doctor"]

    def __str__(self) -> str:
        return str(self.doctor)


class SubstituteAvailability(models.Model):
    """Tilgjengelighet: a period the pool substitute can work."""

    substitute = models.ForeignKey(
        PoolSubstitute,
        verbose_name=_("vikar"),
        on_delete=models.CASCADE,
        related_name="availabilities",
    )
    valid_from = models.DateField(_("fra"))
    valid_to = models.DateField(_("til"))

    class Meta:
        verbose_name = _("tilgjengelighet for vikar")
        verbose_name_plural = _("tilgjengelighet for vikarer")
        ordering = ["substitute", "valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_to__gt=models.F("valid_from")),
                name="pool_availability_period_valid",
                violation_error_message=_("Perioden kan ikke slutte før den starter."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.substitute_id}: {self.valid_from}–{self.valid_to}"


class SubstituteRequest(models.Model):
    """Vikarforespørsel: a municipality asks the pool for a substitute on a list, for a
    vacant list or a GP's absence."""

    class Reason(models.TextChoices):
        VACANT = "ubesatt", _("ubesatt liste")
        ABSENCE = "fravaer", _("fravær")

    class Status(models.TextChoices):
        OPEN = "apen", _("åpen")
        BOOKED = "booket", _("booket")
        CANCELLED = "avlyst", _("avlyst")

    municipality = models.ForeignKey(
        Municipality, verbose_name=_("kommune"), on_delete=models.PROTECT, related_name="+"
    )
    agreement = models.ForeignKey(
        "registry.Agreement",
        verbose_name=_("fastlegeliste"),
        on_delete=models.PROTECT,
        related_name="substitute_requests",
    )
    reason = models.CharField(_("årsak"), max_length=10, choices=Reason.choices)
    absence = models.ForeignKey(
        "registry.Absence",
        verbose_name=_("fravær"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    valid_from = models.DateField(_("fra"))
    valid_to = models.DateField(_("til"))
    needs = models.TextField(_("behov"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("opprettet av"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("opprettet"), auto_now_add=True)

    class Meta:
        verbose_name = _("vikarforespørsel")
        verbose_name_plural = _("vikarforespørsler")
        ordering = ["valid_from", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_to__gt=models.F("valid_from")),
                name="pool_request_period_valid",
                violation_error_message=_("Perioden kan ikke slutte før den starter."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.municipality_id} liste {self.agreement_id}: {self.valid_from}"


class SubstituteBooking(models.Model):
    """Booking: a pool substitute accepted for a request. The substitute period on the
    list (``doctor_period``) is created by the registry's service in the same
    transaction. No two bookings of one substitute share a day."""

    request = models.ForeignKey(
        SubstituteRequest,
        verbose_name=_("vikarforespørsel"),
        on_delete=models.PROTECT,
        related_name="bookings",
    )
    substitute = models.ForeignKey(
        PoolSubstitute,
        verbose_name=_("vikar"),
        on_delete=models.PROTECT,
        related_name="bookings",
    )
    valid_from = models.DateField(_("fra"))
    valid_to = models.DateField(_("til"))
    doctor_period = models.OneToOneField(
        "registry.DoctorPeriod",
        verbose_name=_("vikarperiode"),
        on_delete=models.PROTECT,
        related_name="pool_booking",
    )
    cost = models.DecimalField(
        _("kostnad (kr)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("booket av"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("booket"), auto_now_add=True)

    class Meta:
        verbose_name = _("booking av vikar")
        verbose_name_plural = _("bookinger av vikarer")
        ordering = ["substitute", "valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_to__gt=models.F("valid_from")),
                name="pool_booking_period_valid",
                violation_error_message=_("Perioden kan ikke slutte før den starter."),
            )
        ]
        indexes = [models.Index(fields=["substitute", "valid_from"], name="pool_booking_sub_idx")]

    def __str__(self) -> str:
        return f"{self.substitute_id}: {self.valid_from}–{self.valid_to}"


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
