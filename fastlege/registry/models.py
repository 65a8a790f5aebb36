"""The GP registry: practices, doctors, agreements (= lists), residents and
their list memberships as periods, and the request records.

Periods are half-open, ``[valid_from, valid_to)``: when a person is moved the
old period's ``valid_to`` is the new period's ``valid_from`` (as in the national
register, FLR). ``valid_to`` empty means the period is still open. A period is
never overwritten; history is kept in full, so "who was on which list on the
1st of any month" is a query.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fastlege.core.fields import user_field
from fastlege.core.identity import is_d_number, validate_nin
from fastlege.reference.models import Municipality, PostalCode
from fastlege.registry import rules
from fastlege.registry.periods import overlaps
from fastlege.registry.validators import (
    validate_ceiling,
    validate_hpr_number,
    validate_language_codes,
    validate_org_number,
)

MAX_CEILING = rules.param("max_list_ceiling", datetime.date(2026, 1, 1))


class Sex(models.TextChoices):
    FEMALE = "K", _("kvinne")
    MALE = "M", _("mann")


def _check_period(obj: models.Model, start: str = "valid_from", end: str = "valid_to") -> None:
    start_v, end_v = getattr(obj, start), getattr(obj, end)
    if start_v and end_v and end_v <= start_v:
        raise ValidationError(
            {end: _("Perioden kan ikke slutte før eller samme dag som den starter.")},
            code="period_ends_before_start",
        )


def period_check(name: str, start: str = "valid_from", end: str = "valid_to"):
    return models.CheckConstraint(
        condition=Q(**{f"{end}__isnull": True}) | Q(**{f"{end}__gt": models.F(start)}),
        name=name,
        violation_error_message=_("Perioden kan ikke slutte før den starter."),
    )


class Practice(models.Model):
    """Legekontor / legesenter."""

    name = models.CharField(_("navn"), max_length=150)
    org_number = models.CharField(
        _("organisasjonsnummer"),
        max_length=9,
        unique=True,
        validators=[validate_org_number],
    )
    address = models.CharField(_("adresse"), max_length=200, blank=True)
    postal_code = models.ForeignKey(
        PostalCode,
        verbose_name=_("postnummer"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("kommune"),
        on_delete=models.PROTECT,
        related_name="practices",
    )
    is_municipal = models.BooleanField(_("kommunalt legekontor"), default=False)
    # What a citizen choosing a GP reads on the practice's page; entered by the
    # practice's GP or the municipality (``registry.services.practice``).
    phone = models.CharField(_("telefon"), max_length=20, blank=True)
    website = models.URLField(_("nettside"), max_length=200, blank=True)
    booking_url = models.URLField(_("timebestilling"), max_length=200, blank=True)
    opening_hours = models.TextField(_("åpningstider"), max_length=500, blank=True)
    accessibility = models.TextField(
        _("tilgjengelighet"),
        max_length=500,
        blank=True,
        help_text=_("For eksempel trinnfri inngang, heis, parkering for forflytningshemmede."),
    )
    latitude = models.DecimalField(
        _("breddegrad"),
        max_digits=8,
        decimal_places=5,
        null=True,
        blank=True,
        validators=[
            MinValueValidator(57, _("Breddegraden må være mellom 57 og 72 (Norge).")),
            MaxValueValidator(72, _("Breddegraden må være mellom 57 og 72 (Norge).")),
        ],
        help_text=_(
            "WGS84. Tom: kartet og avstanden bruker postnummerets eller kommunens midtpunkt."
        ),
    )
    longitude = models.DecimalField(
        _("lengdegrad"),
        max_digits=8,
        decimal_places=5,
        null=True,
        blank=True,
        validators=[
            MinValueValidator(4, _("Lengdegraden må være mellom 4 og 32 (Norge).")),
            MaxValueValidator(32, _("Lengdegraden må være mellom 4 og 32 (Norge).")),
        ],
        help_text=_("WGS84."),
    )

    class Meta:
        verbose_name = _("legekontor")
        verbose_name_plural = _("legekontorer")
        ordering = ["municipality", "name"]

    def __str__(self) -> str:
        return self.name


class Doctor(models.Model):
    """Lege, identified by HPR number."""

    class Specialty(models.TextChoices):
        SPECIALIST = "spesialist", _("spesialist i allmennmedisin")
        IN_TRAINING = "alis", _("i spesialisering (ALIS)")
        NONE = "ingen", _("verken spesialist eller i spesialisering")

    hpr_number = models.CharField(
        _("HPR-nummer"), max_length=9, unique=True, validators=[validate_hpr_number]
    )
    first_name = models.CharField(_("fornavn"), max_length=80)
    last_name = models.CharField(_("etternavn"), max_length=80)
    birth_date = models.DateField(_("fødselsdato"))
    sex = models.CharField(_("kjønn"), max_length=1, choices=Sex.choices)
    specialty = models.CharField(
        _("spesialiststatus"), max_length=10, choices=Specialty.choices, default=Specialty.NONE
    )
    speaks_sami = models.BooleanField(
        _("samisktalende"),
        default=False,
        db_default=False,
        help_text=_(
            "Legen snakker samisk. Gir samisktalende forrang på ventelisten når listen er i "
            "forvaltningsområdet for samisk språk (fastlegeforskriften § 36)."
        ),
    )
    languages = models.CharField(
        _("språk"),
        max_length=100,
        blank=True,
        validators=[validate_language_codes],
        help_text=_(
            "Språk legen snakker med pasienter i tillegg til norsk: koder etter ISO 639-1 "
            "skilt med komma, for eksempel «en,pl»."
        ),
    )
    alis_from = models.DateField(_("ALIS-avtale fra"), null=True, blank=True)
    alis_to = models.DateField(_("ALIS-avtale til"), null=True, blank=True)
    competence_exemption = models.TextField(
        _("unntak fra kompetansekravet"),
        blank=True,
        help_text=_(
            "Dokumentert unntak (vedtak, hjemmel) for en lege som verken er spesialist i "
            "allmennmedisin eller i spesialisering (kompetanseforskriften § 3)."
        ),
    )
    competence_exemption_until = models.DateField(
        _("unntaket gjelder til"),
        null=True,
        blank=True,
        help_text=_("Tom: unntaket er ikke tidsbegrenset."),
    )

    class Meta:
        verbose_name = _("lege")
        verbose_name_plural = _("leger")
        ordering = ["last_name", "first_name"]
        constraints = [period_check("doctor_alis_period_valid", "alis_from", "alis_to")]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    def meets_competence_requirement(self, on: datetime.date) -> bool:
        """kompetanseforskriften § 3 on ``on`` (``rules.meets_competence_requirement``)."""
        return rules.meets_competence_requirement(
            on,
            specialist=self.specialty == self.Specialty.SPECIALIST,
            alis_from=self.alis_from,
            alis_to=self.alis_to,
            exemption=bool(self.competence_exemption.strip()),
            exemption_until=self.competence_exemption_until,
        )


class Agreement(models.Model):
    """Fastlegeavtale: one agreement is one list (fastlegeliste).

    A list whose regular-GP period has ended is a list without a regular GP
    (ubesatt) and stays a list: residents stay on it.
    """

    class EndReason(models.TextChoices):
        GP_LEFT = "lege_sluttet", _("legen sluttet")
        TERMINATED = "oppsagt", _("oppsagt")
        MERGED = "sammenslatt", _("slått sammen med annen liste")
        PRACTICE_CLOSED = "kontor_nedlagt", _("legekontoret nedlagt")
        OTHER = "annet", _("annet")

    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("kommune"),
        on_delete=models.PROTECT,
        related_name="agreements",
    )
    practice = models.ForeignKey(
        Practice, verbose_name=_("legekontor"), on_delete=models.PROTECT, related_name="agreements"
    )
    ceiling = models.PositiveSmallIntegerField(
        _("listetak"),
        validators=[validate_ceiling],
        help_text=_("Høyst 2 500 (fastlegeforskriften § 10); under 500 må godkjennes av kommunen."),
    )
    low_ceiling_approved = models.BooleanField(
        _("listetak under 500 godkjent av kommunen"), default=False
    )
    is_open = models.BooleanField(
        _("åpen for nye innbyggere"),
        default=True,
        help_text=_("Status i fastlegeregisteret: åpen eller lukket."),
    )
    locked_by_hand = models.BooleanField(
        _("lukket manuelt"),
        default=False,
        help_text=_("Lukket for nye etter ønske fra lege eller kommune; får ingen tildelinger."),
    )
    is_shared_list = models.BooleanField(_("fellesliste"), default=False)
    is_salaried = models.BooleanField(
        _("fastlønnet"), default=False, help_text=_("Kommunalt ansatt lege (fastlønn).")
    )
    valid_from = models.DateField(_("gyldig fra"))
    valid_to = models.DateField(_("gyldig til"), null=True, blank=True)
    end_reason = models.CharField(
        _("sluttårsak"), max_length=20, choices=EndReason.choices, blank=True
    )
    end_reason_text = models.TextField(
        _("begrunnelse for avslutningen"),
        blank=True,
        help_text=_(
            "Kommunens saklige grunn når den avslutter avtalen (fastlegeforskriften § 12)."
        ),
    )
    created_at = models.DateTimeField(_("opprettet"), default=timezone.now)
    external_id = models.CharField(
        _("avtale-id i kommunens fil"),
        max_length=40,
        blank=True,
        default="",
        help_text=_(
            "Avtalens id i filene kommunen leste inn (avtale_id). Unik i kommunen; "
            "en ny innlesing av de samme filene finner avtalen igjen med den."
        ),
    )

    class Meta:
        verbose_name = _("fastlegeavtale (liste)")
        verbose_name_plural = _("fastlegeavtaler (lister)")
        ordering = ["municipality", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ceiling__gte=0) & Q(ceiling__lte=MAX_CEILING),
                name="agreement_ceiling_range",
                violation_error_message=_("Listetaket må være mellom 0 og 2 500."),
            ),
            period_check("agreement_period_valid"),
            models.UniqueConstraint(
                fields=["municipality", "external_id"],
                condition=~Q(external_id=""),
                name="agreement_external_id_unique",
                violation_error_message=_(
                    "Kommunen har allerede en avtale med denne avtale-id-en."
                ),
            ),
        ]
        indexes = [models.Index(fields=["municipality", "valid_to"], name="agreement_muni_idx")]

    def __str__(self) -> str:
        return f"Liste {self.pk} ({self.practice})" if self.pk else "Ny liste"

    def clean(self) -> None:
        _check_period(self)
        if (
            self.ceiling is not None
            and rules.ceiling_needs_approval(self.ceiling)
            and not self.low_ceiling_approved
        ):
            raise ValidationError(
                {
                    "ceiling": _(
                        "Listetak under 500 må være godkjent av kommunen "
                        "(fastlegeforskriften § 10)."
                    )
                },
                code="low_ceiling_needs_approval",
            )
        if self.practice_id and self.municipality_id:
            practice_muni = (
                Practice.objects.filter(pk=self.practice_id)
                .values_list("municipality_id", flat=True)
                .first()
            )
            if practice_muni and practice_muni != self.municipality_id:
                raise ValidationError(
                    {"practice": _("Legekontoret ligger ikke i avtalens kommune.")},
                    code="practice_other_municipality",
                )


class DoctorPeriod(models.Model):
    """A doctor's period on a list: regular GP (LPFL) or substitute (vikar, LPVI)."""

    class Role(models.TextChoices):
        REGULAR = "LPFL", _("fastlege")
        SUBSTITUTE = "LPVI", _("vikar")

    class EndReason(models.TextChoices):
        RESIGNED = "sluttet", _("sa opp")
        TERMINATED = "oppsagt_kommune", _("sagt opp av kommunen")
        BREACH = "mislighold", _("vesentlig mislighold")
        AGE_LIMIT = "alder", _("aldersgrense")
        TAKEN_OVER = "overtatt", _("listen overtatt av ny lege")
        AUTHORISATION = "autorisasjon", _("tap av autorisasjon")
        DIED = "dod", _("legen døde")
        PERIOD_ENDED = "periode_slutt", _("perioden utløp")
        OTHER = "annet", _("annet")

    agreement = models.ForeignKey(
        Agreement,
        verbose_name=_("fastlegeavtale"),
        on_delete=models.PROTECT,
        related_name="doctor_periods",
    )
    doctor = models.ForeignKey(
        Doctor, verbose_name=_("lege"), on_delete=models.PROTECT, related_name="periods"
    )
    role = models.CharField(_("rolle"), max_length=4, choices=Role.choices)
    substitute_for = models.ForeignKey(
        Doctor,
        verbose_name=_("vikar for"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="substituted_by",
    )
    percentage = models.PositiveSmallIntegerField(
        _("stillingsprosent"),
        default=100,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )
    valid_from = models.DateField(_("fra"))
    valid_to = models.DateField(_("til"), null=True, blank=True)
    end_reason = models.CharField(
        _("sluttårsak"), max_length=20, choices=EndReason.choices, blank=True
    )
    notice_given_on = models.DateField(
        _("oppsigelse mottatt"),
        null=True,
        blank=True,
        help_text=_(
            "Datoen oppsigelsen ble gitt, av legen eller kommunen (fastlegeforskriften § 12)."
        ),
    )
    end_reason_text = models.TextField(
        _("begrunnelse"),
        blank=True,
        help_text=_(
            "Skriftlig begrunnelse når kommunen avslutter avtalen (saklig grunn, vesentlig "
            "mislighold; fastlegeforskriften § 12)."
        ),
    )

    class Meta:
        verbose_name = _("legeperiode på liste")
        verbose_name_plural = _("legeperioder på lister")
        ordering = ["agreement", "valid_from"]
        constraints = [
            period_check("doctor_period_valid"),
            models.CheckConstraint(
                condition=Q(percentage__gte=1) & Q(percentage__lte=100),
                name="doctor_period_percentage_range",
            ),
            models.UniqueConstraint(
                fields=["agreement"],
                condition=Q(role="LPFL", valid_to__isnull=True),
                name="one_open_regular_gp_per_list",
                violation_error_message=_("Listen har allerede en fastlege."),
            ),
        ]
        indexes = [
            models.Index(fields=["agreement", "role", "valid_to"], name="doctorperiod_list_idx"),
            models.Index(fields=["doctor", "valid_from"], name="doctorperiod_doctor_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} {self.doctor} på liste {self.agreement_id}"

    def clean(self) -> None:
        _check_period(self)


class AgreementExtension(models.Model):
    """Forlengelse av fastlegeavtale: the municipality lets a doctor keep a list after 70.

    The agreement ends at 70; the municipality may extend it for a limited time,
    but not beyond 80 (75 before 2026) (fastlegeforskriften § 12). The extension
    belongs to one doctor on one list. ``valid_until`` is the day the agreement
    ends (the 1st of a month; half-open like every period).
    """

    agreement = models.ForeignKey(
        Agreement,
        verbose_name=_("fastlegeavtale"),
        on_delete=models.PROTECT,
        related_name="extensions",
    )
    doctor = models.ForeignKey(
        Doctor,
        verbose_name=_("lege"),
        on_delete=models.PROTECT,
        related_name="agreement_extensions",
    )
    decided_on = models.DateField(_("vedtaksdato"))
    valid_until = models.DateField(
        _("forlenget til"), help_text=_("Avtalen opphører denne dagen (den 1. i en måned).")
    )
    reason = models.TextField(_("begrunnelse"))
    decided_by = user_field(_("vedtatt av"), on_delete=models.PROTECT)
    decided_at = models.DateTimeField(_("registrert"), default=timezone.now)

    class Meta:
        verbose_name = _("forlengelse av fastlegeavtale")
        verbose_name_plural = _("forlengelser av fastlegeavtaler")
        ordering = ["agreement", "-valid_until", "-id"]
        indexes = [
            models.Index(
                fields=["agreement", "doctor", "valid_until"], name="agreement_extension_idx"
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__gt=models.F("decided_on")),
                name="agreement_extension_after_decision",
                violation_error_message=_("Forlengelsen må gjelde til en dag etter vedtaket."),
            )
        ]

    def __str__(self) -> str:
        return f"Forlengelse av liste {self.agreement_id} til {self.valid_until:%d.%m.%Y}"


class Resident(models.Model):
    """Innbygger with the right to a GP (pasientrettighetsforskriften § 2)."""

    class Status(models.TextChoices):
        RESIDENT = "bosatt", _("bosatt")
        DEAD = "dod", _("død")
        EMIGRATED = "utvandret", _("utvandret")

    nin = models.CharField(
        _("fødselsnummer"),
        max_length=11,
        unique=True,
        validators=[validate_nin],
        help_text=_(
            "Fødselsnummer eller D-nummer. Personopplysning: vises aldri i logger eller URL-er."
        ),
    )
    first_name = models.CharField(_("fornavn"), max_length=80)
    last_name = models.CharField(_("etternavn"), max_length=80)
    birth_date = models.DateField(_("fødselsdato"))
    sex = models.CharField(_("kjønn"), max_length=1, choices=Sex.choices)
    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("bostedskommune"),
        on_delete=models.PROTECT,
        related_name="residents",
        db_index=False,  # covered by resident_muni_idx
    )
    postal_code = models.ForeignKey(
        PostalCode,
        verbose_name=_("postnummer"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    household = models.BigIntegerField(
        _("husstand"), null=True, blank=True, help_text=_("Husstandsnummer fra folkeregisteret.")
    )
    mother = models.ForeignKey(
        "self",
        verbose_name=_("mor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    father = models.ForeignKey(
        "self",
        verbose_name=_("far"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    in_scheme = models.BooleanField(
        _("med i ordningen"),
        default=True,
        help_text=_("Av når personen har reservert seg mot fastlegeordningen."),
    )
    status = models.CharField(
        _("status i folkeregisteret"),
        max_length=10,
        choices=Status.choices,
        default=Status.RESIDENT,
    )
    status_changed_on = models.DateField(_("status endret"), null=True, blank=True)
    in_scheme_since = models.DateField(
        _("med i ordningen igjen fra"),
        null=True,
        blank=True,
        help_text=_(
            "Dagen personen sist meldte seg inn i ordningen igjen etter å ha reservert seg. "
            "Tom: aldri reservert. Månedskjøringen tildeler ingen plass fra før denne dagen."
        ),
    )
    has_d_number = models.BooleanField(
        _("D-nummer"),
        default=False,
        db_default=False,
        editable=False,
        help_text=_(
            "Avledet av identitetsnummeret. Personer med D-nummer (asylsøkere) tildeles "
            "fastlege for hånd, ikke automatisk i månedskjøringen."
        ),
    )
    speaks_sami = models.BooleanField(
        _("samisktalende"),
        default=False,
        db_default=False,
        help_text=_(
            "Opplyst av innbyggeren selv. Gir forrang på ventelisten til samisktalende "
            "fastleger i forvaltningsområdet for samisk språk (fastlegeforskriften § 36)."
        ),
    )
    resident_since = models.DateField(
        _("bosatt i kommunen fra"),
        null=True,
        blank=True,
        help_text=_("Brukes til å prioritere ufordelte som har ventet lengst."),
    )

    class Meta:
        verbose_name = _("innbygger")
        verbose_name_plural = _("innbyggere")
        ordering = ["id"]
        indexes = [
            models.Index(fields=["municipality", "status"], name="resident_muni_idx"),
            models.Index(fields=["household"], name="resident_household_idx"),
            models.Index(fields=["last_name", "first_name"], name="resident_name_idx"),
            # The few D-number holders per municipality (placed by hand): a partial index.
            models.Index(
                fields=["municipality"],
                condition=Q(has_d_number=True),
                name="resident_d_number_idx",
            ),
        ]

    def __str__(self) -> str:
        # Never the identity number: str() ends up in logs and admin messages.
        return f"{self.first_name} {self.last_name} (f. {self.birth_date:%d.%m.%Y})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Derived from the identity number, stored (and indexed) for the monthly update.
        self.has_d_number = is_d_number(self.nin)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "nin" in update_fields:
            kwargs["update_fields"] = {*update_fields, "has_d_number"}
        super().save(*args, **kwargs)

    def age_on(self, day: datetime.date) -> int:
        b = self.birth_date
        return day.year - b.year - ((day.month, day.day) < (b.month, b.day))


class ListMembership(models.Model):
    """A person's period on a list (PatientToGPContractAssociation in FLR)."""

    class BeginReason(models.TextChoices):
        INITIAL = "forste", _("første tildeling")
        CHOSEN = "valgt", _("valgt selv (bytte)")
        ASSIGNED = "tildelt", _("tildelt som ufordelt")
        NEWBORN = "nyfodt", _("nyfødt, til mors liste")
        CHILD_WITH_PARENT = "barn_forelder", _("barn under 16 år, til en forelders liste (§ 5)")
        WAITING_LIST = "venteliste", _("fra venteliste")
        REDUCTION = "reduksjon", _("flyttet ved listereduksjon")
        AGREEMENT_CLOSED = "avtale_avsluttet", _("flyttet fordi avtalen ble avsluttet")
        REMOVAL = "utmeldt", _("flyttet etter utmelding (§§ 38–39)")
        MIGRATED = "migrert", _("overført fra tidligere system")

    class EndReason(models.TextChoices):
        SWITCHED = "bytte", _("byttet fastlege")
        MOVED_BY_REDUCTION = "reduksjon", _("flyttet ved listereduksjon")
        AGREEMENT_CLOSED = "avtale_avsluttet", _("avtalen avsluttet")
        REMOVED = "utmeldt", _("utmeldt for trusler eller vold (§§ 38–39)")
        DIED = "dod", _("død")
        EMIGRATED = "utvandret", _("utvandret")
        OPTED_OUT = "reservert", _("reservert seg mot ordningen")

    resident = models.ForeignKey(
        Resident,
        verbose_name=_("innbygger"),
        on_delete=models.PROTECT,
        related_name="memberships",
        db_index=False,  # covered by membership_history_idx
    )
    agreement = models.ForeignKey(
        Agreement,
        verbose_name=_("fastlegeliste"),
        on_delete=models.PROTECT,
        related_name="memberships",
        db_index=False,  # covered by membership_list_hist_idx
    )
    valid_from = models.DateField(_("fra"))
    valid_to = models.DateField(_("til"), null=True, blank=True)
    begin_reason = models.CharField(_("startårsak"), max_length=20, choices=BeginReason.choices)
    end_reason = models.CharField(
        _("sluttårsak"), max_length=20, choices=EndReason.choices, blank=True
    )

    class Meta:
        verbose_name = _("listeplass")
        verbose_name_plural = _("listeplasser")
        ordering = ["resident", "valid_from"]
        constraints = [
            period_check("membership_period_valid"),
            models.UniqueConstraint(
                fields=["resident"],
                condition=Q(valid_to__isnull=True),
                name="one_open_membership_per_resident",
                violation_error_message=_("Innbyggeren står allerede på en fastlegeliste."),
            ),
        ]
        indexes = [
            # Current members of a list, one page at a time (keyset on resident).
            models.Index(
                fields=["agreement", "resident"],
                condition=Q(valid_to__isnull=True),
                name="membership_current_idx",
            ),
            models.Index(fields=["resident", "valid_from"], name="membership_history_idx"),
            models.Index(fields=["agreement", "valid_from"], name="membership_list_hist_idx"),
            # A list's members page by page in the API (keyset on the membership's id,
            # fastlege.api.pagination): read in order, no sort of the whole list.
            models.Index(fields=["agreement", "id"], name="membership_list_page_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.resident_id} på liste {self.agreement_id} fra {self.valid_from:%d.%m.%Y}"

    def clean(self) -> None:
        _check_period(self)
        if not self.resident_id or not self.valid_from:
            return
        overlapping = ListMembership.objects.filter(resident_id=self.resident_id).exclude(
            pk=self.pk
        )
        overlapping = overlapping.filter(overlaps(self.valid_from, self.valid_to))
        if overlapping.exists():
            raise ValidationError(
                _("Perioden overlapper en annen listeplass for samme innbygger."),
                code="membership_overlap",
            )


class SwitchRequest(models.Model):
    """Bytte av fastlege; takes effect on the 1st of the next month (§ 6)."""

    class Status(models.TextChoices):
        PENDING = "venter", _("venter")
        APPLIED = "gjennomfort", _("gjennomført")
        CANCELLED = "kansellert", _("kansellert")
        REFUSED = "avvist", _("avvist")

    class Reason(models.TextChoices):
        ORDINARY = "ordinaer", _("ordinært bytte")
        MOVED = "flytting", _("flytting")
        GP_LEFT = "lege_sluttet", _("fastlegen sluttet")
        REDUCTION = "reduksjon", _("listereduksjon")
        REMOVED = "utmeldt", _("utmeldt mot sin vilje")
        PLACEMENT = "tildeling", _("tildeling av ufordelt")
        WAITING_LIST = "venteliste", _("fra venteliste")
        AGREEMENT_CLOSED = "avtale_avsluttet", _("avtalen avsluttet")

    class ClosedListException(models.TextChoices):
        CHILD_OF_MEMBER = "barn", _("barn under 16 år av en som står på listen (§ 4 a)")
        RETURNEE = "tilbakeflytter", _("flytter tilbake innen tre år (§ 4 b)")

    resident = models.ForeignKey(
        Resident,
        verbose_name=_("innbygger"),
        on_delete=models.PROTECT,
        related_name="switch_requests",
    )
    from_agreement = models.ForeignKey(
        Agreement,
        verbose_name=_("fra liste"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    to_agreement = models.ForeignKey(
        Agreement,
        verbose_name=_("til liste"),
        on_delete=models.PROTECT,
        related_name="incoming_switches",
    )
    reason = models.CharField(_("årsak"), max_length=20, choices=Reason.choices)
    counts_against_quota = models.BooleanField(_("teller mot to bytter per år"), default=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PENDING
    )
    requested_at = models.DateTimeField(_("registrert"), default=timezone.now)
    effective_on = models.DateField(_("gjelder fra"))
    requested_by = user_field(_("registrert av"), on_delete=models.PROTECT)
    decided_at = models.DateTimeField(_("avgjort"), null=True, blank=True)
    closed_list_exception = models.CharField(
        _("unntak for lukket liste"),
        max_length=20,
        choices=ClosedListException.choices,
        blank=True,
        help_text=_("Satt når innbyggeren fikk plass på en lukket eller full liste (§ 4)."),
    )

    class Meta:
        verbose_name = _("byttebegjæring")
        verbose_name_plural = _("byttebegjæringer")
        ordering = ["-requested_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["resident"],
                condition=Q(status="venter"),
                name="one_pending_switch_per_resident",
                violation_error_message=_("Innbyggeren har allerede et bytte som venter."),
            )
        ]
        indexes = [
            models.Index(fields=["status", "effective_on"], name="switch_pending_idx"),
            models.Index(fields=["resident", "requested_at"], name="switch_resident_idx"),
            models.Index(fields=["to_agreement", "status"], name="switch_to_list_idx"),
        ]

    def __str__(self) -> str:
        return f"Bytte til liste {self.to_agreement_id} fra {self.effective_on:%d.%m.%Y}"


class WaitingListEntry(models.Model):
    """Plass på venteliste; one waiting list per person at a time."""

    class Status(models.TextChoices):
        WAITING = "venter", _("venter")
        PLACED = "tildelt", _("fått plass")
        LEFT = "forlatt", _("meldt seg av")
        REPLACED = "erstattet", _("erstattet av ny venteliste")
        ENDED = "avsluttet", _("avsluttet")

    resident = models.ForeignKey(
        Resident,
        verbose_name=_("innbygger"),
        on_delete=models.PROTECT,
        related_name="waiting_entries",
    )
    agreement = models.ForeignKey(
        Agreement,
        verbose_name=_("fastlegeliste"),
        on_delete=models.PROTECT,
        related_name="waiting_entries",
    )
    joined_at = models.DateTimeField(_("satt på venteliste"), default=timezone.now)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.WAITING
    )
    ended_at = models.DateTimeField(_("avsluttet"), null=True, blank=True)

    class Meta:
        verbose_name = _("ventelisteplass")
        verbose_name_plural = _("ventelisteplasser")
        ordering = ["agreement", "joined_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["resident"],
                condition=Q(status="venter"),
                name="one_waiting_list_per_resident",
                violation_error_message=_("Innbyggeren står allerede på en venteliste."),
            )
        ]
        indexes = [
            models.Index(
                fields=["agreement", "joined_at", "id"],
                condition=Q(status="venter"),
                name="waiting_queue_idx",
            )
        ]

    def __str__(self) -> str:
        return f"Venteliste {self.agreement_id} fra {self.joined_at:%d.%m.%Y}"


class CeilingChange(models.Model):
    """Endring av listetak, asked for by the GP and decided by the municipality (§§ 10–11)."""

    class Status(models.TextChoices):
        REQUESTED = "soknad", _("søkt")
        APPROVED = "godkjent", _("godkjent")
        REFUSED = "avslatt", _("avslått")
        WITHDRAWN = "trukket", _("trukket")
        APPLIED = "iverksatt", _("iverksatt")

    agreement = models.ForeignKey(
        Agreement,
        verbose_name=_("fastlegeliste"),
        on_delete=models.PROTECT,
        related_name="ceiling_changes",
    )
    old_ceiling = models.PositiveSmallIntegerField(_("gammelt listetak"))
    new_ceiling = models.PositiveSmallIntegerField(
        _("nytt listetak"), validators=[validate_ceiling]
    )
    requested_on = models.DateField(_("søkt dato"))
    effective_on = models.DateField(_("gjelder fra"))
    shorter_notice_approved = models.BooleanField(
        _("kortere varsel godkjent"),
        default=False,
        help_text=_(
            "Reduksjon krever 6 måneders varsel med mindre kommunen godkjenner kortere (§ 11)."
        ),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.REQUESTED
    )
    requested_by = user_field(_("søkt av"), on_delete=models.PROTECT)
    decided_by = user_field(_("avgjort av"), on_delete=models.PROTECT)
    decided_at = models.DateTimeField(_("avgjort"), null=True, blank=True)
    reason = models.TextField(_("begrunnelse"), blank=True)
    low_ceiling_approved = models.BooleanField(
        _("listetak under 500 godkjent"),
        default=False,
        help_text=_("Kommunen har godkjent et listetak under 500 (fastlegeforskriften § 10)."),
    )

    class Meta:
        verbose_name = _("endring av listetak")
        verbose_name_plural = _("endringer av listetak")
        ordering = ["-requested_on"]
        indexes = [
            # The municipality's pending requests (its overview page): a handful among
            # the many applied changes a registry collects over the years.
            models.Index(
                fields=["agreement"],
                condition=Q(status="soknad"),  # Status.REQUESTED
                name="ceiling_change_pending_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(new_ceiling__gte=0) & Q(new_ceiling__lte=MAX_CEILING),
                name="ceiling_change_range",
                violation_error_message=_("Listetaket må være mellom 0 og 2 500."),
            ),
            models.CheckConstraint(
                condition=Q(effective_on__gte=models.F("requested_on")),
                name="ceiling_change_after_request",
            ),
        ]

    def __str__(self) -> str:
        return f"Listetak {self.old_ceiling} → {self.new_ceiling} fra {self.effective_on:%d.%m.%Y}"


class Absence(models.Model):
    """Fravær for a list's GP, optionally covered by a substitute period."""

    class Reason(models.TextChoices):
        HOLIDAY = "ferie", _("ferie")
        COURSE = "kurs", _("kurs og utdanning")
        SICK = "sykdom", _("sykdom")
        PARENTAL = "foreldrepermisjon", _("foreldrepermisjon")
        LEAVE = "permisjon", _("annen permisjon")
        OTHER = "annet", _("annet")

    agreement = models.ForeignKey(
        Agreement,
        verbose_name=_("fastlegeliste"),
        on_delete=models.PROTECT,
        related_name="absences",
    )
    doctor = models.ForeignKey(
        Doctor, verbose_name=_("lege"), on_delete=models.PROTECT, related_name="absences"
    )
    valid_from = models.DateField(_("fra"))
    valid_to = models.DateField(_("til"), null=True, blank=True)
    reason = models.CharField(_("årsak"), max_length=20, choices=Reason.choices)
    substitute_period = models.ForeignKey(
        DoctorPeriod,
        verbose_name=_("vikarperiode"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Status(models.TextChoices):
        REPORTED = "meldt", _("meldt, venter på kommunen")
        APPROVED = "godkjent", _("godkjent med vikar")
        UNCOVERED = "uten_vikar", _("godkjent uten vikar")
        REJECTED = "avslatt", _("vikar avslått")

    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.REPORTED
    )
    proposed_substitute = models.ForeignKey(
        Doctor,
        verbose_name=_("foreslått vikar"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Vikaren fastlegen foreslår; kommunen godkjenner (fastlegeforskriften § 16)."),
    )
    decided_at = models.DateTimeField(_("avgjort"), null=True, blank=True)
    decision_note = models.TextField(_("kommunens merknad"), blank=True, max_length=2000)

    class Meta:
        verbose_name = _("fravær")
        verbose_name_plural = _("fravær")
        ordering = ["-valid_from"]
        constraints = [period_check("absence_period_valid")]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} {self.valid_from:%d.%m.%Y}"

    @property
    def last_day(self) -> datetime.date | None:
        """The last day away (``valid_to`` is the first day back)."""
        return self.valid_to - datetime.timedelta(days=1) if self.valid_to else None

    def clean(self) -> None:
        _check_period(self)


class WindDown(models.Model):
    """Deleliste: the list's regular GP, 60 or older, winds down and hands the practice
    over to a successor (Helfo, «kommunen sitt ansvar for legetenesta»; domain.md § 2).

    Agreed with the municipality for one list: the outgoing GP is the list's regular GP
    on ``valid_from``; the successor (``successor``) may be named later; the outgoing GP
    leaves on ``hand_over_on`` (the first day without them, half-open like every
    period). The registry keeps one regular GP per list
    (``one_open_regular_gp_per_list``): the hand-over itself is a take-over
    (``take_over_list``). Rules: ``rules.old_enough_to_wind_down``; writes:
    ``registry.services.wind_down``. The vacancy early warning reads the open ones.
    """

    class Status(models.TextChoices):
        ACTIVE = "aktiv", _("avtalt")
        CANCELLED = "avbrutt", _("avbrutt")

    agreement = models.ForeignKey(
        Agreement,
        verbose_name=_("fastlegeliste"),
        on_delete=models.PROTECT,
        related_name="wind_downs",
    )
    outgoing = models.ForeignKey(
        Doctor,
        verbose_name=_("fastlegen som trapper ned"),
        on_delete=models.PROTECT,
        related_name="wind_downs",
    )
    successor = models.ForeignKey(
        Doctor,
        verbose_name=_("ny fastlege (etterfølger)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="wind_downs_taking_over",
        help_text=_("Legen som skal overta listen. Tom: ikke avklart ennå."),
    )
    valid_from = models.DateField(_("nedtrapping fra"))
    hand_over_on = models.DateField(
        _("overdragelse"),
        help_text=_("Den første dagen uten fastlegen som trapper ned."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE
    )
    note = models.TextField(_("merknad"), blank=True, max_length=2000)
    registered_by = user_field(_("registrert av"))
    registered_at = models.DateTimeField(_("registrert"), default=timezone.now)
    ended_at = models.DateTimeField(_("avbrutt"), null=True, blank=True)

    class Meta:
        verbose_name = _("deleliste (nedtrapping og overdragelse)")
        verbose_name_plural = _("delelister (nedtrapping og overdragelse)")
        ordering = ["hand_over_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(hand_over_on__gt=models.F("valid_from")),
                name="wind_down_hand_over_after_start",
                violation_error_message=_("Overdragelsen må være etter at nedtrappingen starter."),
            ),
            models.CheckConstraint(
                condition=Q(successor__isnull=True) | ~Q(successor=models.F("outgoing")),
                name="wind_down_successor_not_outgoing",
                violation_error_message=_("Etterfølgeren kan ikke være legen som trapper ned."),
            ),
            models.UniqueConstraint(
                fields=["agreement"],
                condition=Q(status="aktiv"),
                name="one_open_wind_down_per_list",
                violation_error_message=_("Listen har allerede en avtalt deleliste."),
            ),
        ]

    def __str__(self) -> str:
        return f"Deleliste {self.agreement_id}, overdragelse {self.hand_over_on:%d.%m.%Y}"


# --- Registry operations (issue 3): population events, decisions and letters ---


class PopulationEvent(models.Model):
    """Folkeregisterhendelse: a change reported by the national population register.

    Kept because rules depend on it: a move to another municipality gives a
    switch that does not count (pasientrettighetsforskriften § 6), and a
    former list resident who moves back within three years may rejoin a
    closed list (§ 4 b).
    """

    class Kind(models.TextChoices):
        ARRIVED = "ny_innbygger", _("ny innbygger (innvandret eller bosatt)")
        BORN = "fodt", _("født")
        MOVED = "flyttet", _("flyttet til annen kommune")
        DIED = "dod", _("død")
        EMIGRATED = "utvandret", _("utvandret")

    resident = models.ForeignKey(
        Resident,
        verbose_name=_("innbygger"),
        on_delete=models.PROTECT,
        related_name="population_events",
        db_index=False,  # covered by population_event_idx
    )
    kind = models.CharField(_("hendelse"), max_length=20, choices=Kind.choices)
    occurred_on = models.DateField(_("dato"))
    from_municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("fra kommune"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    to_municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("til kommune"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("registrert"), default=timezone.now)
    recorded_by = user_field(_("registrert av"), on_delete=models.PROTECT)

    class Meta:
        verbose_name = _("folkeregisterhendelse")
        verbose_name_plural = _("folkeregisterhendelser")
        ordering = ["resident", "occurred_on", "id"]
        indexes = [
            models.Index(fields=["resident", "kind", "occurred_on"], name="population_event_idx")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.occurred_on:%d.%m.%Y}"


class NotificationBatch(models.Model):
    """Utskriftsbunke: notifications exported together for printing and posting."""

    created_at = models.DateTimeField(_("laget"), default=timezone.now)
    created_by = user_field(_("laget av"), on_delete=models.PROTECT)
    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("kommune"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Tom: meldinger til innbyggere i hele landet."),
    )
    size = models.PositiveIntegerField(_("antall meldinger"), default=0)

    class Meta:
        verbose_name = _("utskriftsbunke")
        verbose_name_plural = _("utskriftsbunker")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Utskriftsbunke {self.pk} ({self.size} meldinger)"


class Notification(models.Model):
    """Melding til innbygger: what happened, when it takes effect, the right to switch.

    Written where the regulation says the resident is told (a new GP on the
    list, fastlegeforskriften § 9; a forced move; a list reduction, § 11; a
    waiting-list placement). The text is rendered when the event happens and
    never changes afterwards.
    """

    class Kind(models.TextChoices):
        NEW_GP = "ny_fastlege", _("ny fastlege på listen")
        GP_LEAVING = "fastlege_slutter", _("fastlegen slutter")
        AGREEMENT_CLOSED = "avtale_avsluttet", _("flyttet fordi listen avsluttes")
        REDUCTION = "reduksjon", _("flyttet ved listereduksjon")
        REMOVAL = "stroket", _("strøket fra listen (§§ 38–39)")
        WAITING_LIST_PLACEMENT = "venteliste", _("plass fra venteliste")
        PLACEMENT = "tildelt", _("tildelt fastlege")
        MOVED_MUNICIPALITY = "flytting", _("flyttet til ny kommune")
        RECEIPT = "kvittering", _("kvittering for egen handling")

    resident = models.ForeignKey(
        Resident,
        verbose_name=_("mottaker"),
        on_delete=models.PROTECT,
        related_name="notifications",
        db_index=False,  # covered by notification_resident_idx
    )
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    subject = models.CharField(_("overskrift"), max_length=200)
    body = models.TextField(_("tekst"))
    agreement = models.ForeignKey(
        Agreement,
        verbose_name=_("gjelder liste"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    effective_on = models.DateField(_("gjelder fra"), null=True, blank=True)
    created_at = models.DateTimeField(_("laget"), default=timezone.now)
    read_at = models.DateTimeField(_("lest"), null=True, blank=True)
    print_batch = models.ForeignKey(
        NotificationBatch,
        verbose_name=_("utskriftsbunke"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="notifications",
    )

    class Meta:
        verbose_name = _("melding til innbygger")
        verbose_name_plural = _("meldinger til innbyggere")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["resident", "created_at"], name="notification_resident_idx"),
            models.Index(
                fields=["created_at", "id"],
                condition=Q(print_batch__isnull=True),
                name="notification_unprinted_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.subject


class ListReduction(models.Model):
    """Listereduksjon (fastlegeforskriften § 11): who must move is drawn at random.

    The draw keeps a household together (children aged 16 or more count on
    their own) and is reproducible: ``units`` is the input in canonical order,
    ``seed`` the random seed, ``plan`` how many go to which list.
    """

    class Status(models.TextChoices):
        PREPARED = "forberedt", _("forberedt")
        CANCELLED = "avbrutt", _("avbrutt")
        APPLIED = "gjennomfort", _("gjennomført")

    agreement = models.ForeignKey(
        Agreement,
        verbose_name=_("liste som reduseres"),
        on_delete=models.PROTECT,
        related_name="reductions",
    )
    ceiling_change = models.ForeignKey(
        CeilingChange,
        verbose_name=_("endring av listetak"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reductions",
    )
    effective_on = models.DateField(_("gjelder fra"))
    ceiling = models.PositiveSmallIntegerField(_("listetak som skal nås"))
    to_move = models.PositiveIntegerField(_("antall som skal flyttes"))
    drawn = models.PositiveIntegerField(_("antall trukket ut"), default=0)
    seed = models.BigIntegerField(_("frø for loddtrekningen"))
    algorithm = models.CharField(_("trekningsmetode"), max_length=20, default="v1")
    seed_given = models.BooleanField(
        _("frø oppgitt av den som forberedte"),
        default=False,
        help_text=_("Nei: frøet ble trukket tilfeldig av systemet da reduksjonen ble forberedt."),
    )
    pseudonym_key = models.CharField(
        _("nøkkel for husstandspseudonymer"),
        max_length=64,
        blank=True,
        default="",
        help_text=_(
            "Hemmelig nøkkel (heksadesimal) som husstandenes pseudonymer i den publiserte "
            "trekningen lages med. Tom for trekninger med metode v1."
        ),
    )
    plan = models.JSONField(
        _("fordeling på lister"),
        default=dict,
        help_text=_("Mållister med antall plasser, og par som er utelukket etter §§ 38–39."),
    )
    units = models.JSONField(
        _("husstander i trekningen"),
        default=list,
        help_text=_("Innbygger-id-er gruppert per husstand, i den rekkefølgen trekningen brukte."),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PREPARED
    )
    decided_by = user_field(_("besluttet av"), on_delete=models.PROTECT)
    created_at = models.DateTimeField(_("laget"), default=timezone.now)

    class Meta:
        verbose_name = _("listereduksjon")
        verbose_name_plural = _("listereduksjoner")
        ordering = ["-effective_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "effective_on"],
                condition=Q(status="forberedt"),
                name="one_prepared_reduction_per_list_and_month",
                violation_error_message=_("Listen har allerede en reduksjon denne måneden."),
            )
        ]

    def __str__(self) -> str:
        return f"Reduksjon av liste {self.agreement_id} fra {self.effective_on:%d.%m.%Y}"


class ReductionDraw(models.Model):
    """One resident drawn in a list reduction, and the list they move to."""

    reduction = models.ForeignKey(
        ListReduction,
        verbose_name=_("listereduksjon"),
        on_delete=models.PROTECT,
        related_name="draws",
    )
    resident = models.ForeignKey(
        Resident, verbose_name=_("innbygger"), on_delete=models.PROTECT, related_name="+"
    )
    target_agreement = models.ForeignKey(
        Agreement, verbose_name=_("ny liste"), on_delete=models.PROTECT, related_name="+"
    )
    unit = models.PositiveIntegerField(
        _("husstand i trekningen"), help_text=_("Nummeret på husstanden i trekkrekkefølgen.")
    )
    switch_request = models.OneToOneField(
        SwitchRequest,
        verbose_name=_("flytting"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reduction_draw",
    )

    class Meta:
        verbose_name = _("uttrukket innbygger")
        verbose_name_plural = _("uttrukne innbyggere")
        ordering = ["reduction", "unit", "resident"]
        constraints = [
            models.UniqueConstraint(
                fields=["reduction", "resident"], name="reduction_draw_once_per_resident"
            )
        ]

    def __str__(self) -> str:
        return f"Uttrukket til liste {self.target_agreement_id}"


class RemovalDecision(models.Model):
    """Vedtak om stryking fra liste for trusler eller vold (fastlegeforskriften §§ 38–39).

    The person cannot choose that GP again (pasientrettighetsforskriften § 2).
    The decision can be appealed to the county governor (§ 39).
    """

    resident = models.ForeignKey(
        Resident,
        verbose_name=_("innbygger"),
        on_delete=models.PROTECT,
        related_name="removal_decisions",
    )
    agreement = models.ForeignKey(
        Agreement,
        verbose_name=_("fastlegeliste"),
        on_delete=models.PROTECT,
        related_name="removal_decisions",
    )
    doctor = models.ForeignKey(
        Doctor,
        verbose_name=_("fastlege"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="removal_decisions",
        help_text=_("Legen innbyggeren ikke kan velge igjen. Tom når listen var uten fast lege."),
    )
    reason = models.TextField(
        _("begrunnelse"), help_text=_("Taushetsbelagt. Vises bare for kommunen og innbyggeren.")
    )
    requested_on = models.DateField(_("krav fra fastlegen mottatt"), null=True, blank=True)
    decided_on = models.DateField(_("vedtaksdato"))
    decided_at = models.DateTimeField(_("registrert"), default=timezone.now)
    decided_by = user_field(_("vedtatt av"), on_delete=models.PROTECT)
    switch_request = models.OneToOneField(
        SwitchRequest,
        verbose_name=_("flytting"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="removal_decision",
    )

    class Meta:
        verbose_name = _("vedtak om stryking fra liste")
        verbose_name_plural = _("vedtak om stryking fra liste")
        ordering = ["-decided_on", "-id"]

    def __str__(self) -> str:
        return f"Vedtak om stryking fra liste {self.agreement_id} {self.decided_on:%d.%m.%Y}"
