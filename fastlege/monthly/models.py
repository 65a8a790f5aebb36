"""The monthly list update (månedlig listeoppdatering): run records, the trace of
every move, and the month's snapshot per list and per municipality.

The lists change on the 1st of each month (domain brief § 2, §§ 3.3–3.6, § 8).
One run carries the registry over to a month; it is written in one
transaction together with its trace and its snapshot, so a run either
happened in full or not at all.

The snapshots are what the statistics read: per list and month the figures of
the official indicators (domain brief § 5), so that no indicator ever has to
re-scan the 5.5 million list memberships.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from fastlege.reference.models import Municipality
from fastlege.registry import capacity
from fastlege.registry.models import (
    Agreement,
    Doctor,
    Practice,
    Resident,
    SwitchRequest,
    WaitingListEntry,
)


def first_of_month_check(name: str, field: str = "month") -> models.CheckConstraint:
    """The month is stored as its first day."""
    return models.CheckConstraint(
        condition=Q(**{f"{field}__day": 1}),
        name=name,
        violation_error_message=_("Måneden lagres som den første dagen i måneden."),
    )


class MonthRun(models.Model):
    """Månedskjøring: one carried-over month, with counts per step and who started it."""

    class Status(models.TextChoices):
        COMPLETED = "fullfort", _("fullført")
        FAILED = "feilet", _("feilet (ingenting endret)")

    class Source(models.TextChoices):
        COMMAND = "kommando", _("kommandolinjen")
        ADMIN = "admin", _("administrasjonssidene")
        SEED = "testdata", _("testdata (historikk)")

    month = models.DateField(_("måned"), help_text=_("Den første dagen i måneden."))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.COMPLETED
    )
    source = models.CharField(
        _("startet fra"), max_length=10, choices=Source.choices, default=Source.COMMAND
    )
    started_at = models.DateTimeField(_("startet"), default=timezone.now)
    finished_at = models.DateTimeField(_("ferdig"), null=True, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("startet av"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Tom: systemet selv (kommandolinjen)."),
    )
    error = models.TextField(_("feilmelding"), blank=True)
    # Counts per step (the order is documented in docs/monthly-update.md).
    ended_memberships = models.PositiveIntegerField(
        _("avsluttede listeplasser (steg 1)"), default=0
    )
    forced_moves = models.PositiveIntegerField(
        _("flyttet fra avsluttet liste eller strøket (steg 1)"), default=0
    )
    reduction_moves = models.PositiveIntegerField(
        _("flyttet ved listereduksjon (steg 2)"), default=0
    )
    reductions_applied = models.PositiveIntegerField(
        _("listereduksjoner gjennomført (steg 2)"), default=0
    )
    switches_applied = models.PositiveIntegerField(_("bytter gjennomført (steg 3)"), default=0)
    switches_refused = models.PositiveIntegerField(_("bytter avvist (steg 1–3)"), default=0)
    unassigned_placed = models.PositiveIntegerField(_("ufordelte tildelt (steg 4)"), default=0)
    waiting_placed = models.PositiveIntegerField(_("plass fra venteliste (steg 5)"), default=0)
    chain_placed = models.PositiveIntegerField(
        _("tildelt i kjede (steg 5)"),
        default=0,
        help_text=_("Tildelinger på en plass som ble ledig fordi noen flyttet i samme kjøring."),
    )
    longest_chain = models.PositiveIntegerField(_("lengste kjede (steg 5)"), default=0)
    lists_opened = models.PositiveIntegerField(_("lister åpnet (steg 6)"), default=0)
    lists_closed = models.PositiveIntegerField(_("lister lukket (steg 6)"), default=0)
    notifications = models.PositiveIntegerField(_("meldinger skrevet (steg 7)"), default=0)
    list_snapshots = models.PositiveIntegerField(_("månedsbilder av lister (steg 8)"), default=0)
    listed_before = models.PositiveIntegerField(_("på liste før kjøringen"), default=0)
    listed_after = models.PositiveIntegerField(_("på liste etter kjøringen"), default=0)
    unassigned_before = models.PositiveIntegerField(_("ufordelte før kjøringen"), default=0)
    unassigned_after = models.PositiveIntegerField(_("ufordelte etter kjøringen"), default=0)
    left_scheme = models.PositiveIntegerField(
        _("ute av ordningen siden forrige kjøring"),
        default=0,
        help_text=_("Døde, utvandrede og reserverte som sto på liste (steg 1)."),
    )
    ceiling_changes_applied = models.PositiveIntegerField(
        _("endringer av listetak iverksatt (steg 0)"),
        default=0,
        help_text=_("Godkjente endringer av listetak som gjelder fra måneden (§§ 10–11)."),
    )
    exceptions = models.JSONField(
        _("unntak fra listetaket"),
        default=dict,
        blank=True,
        help_text=_(
            "Personer flyttet til en liste som endte over listetaket, per unntak regelverket "
            "tillater (se monthly/rules.py CEILING_EXCEPTIONS)."
        ),
    )
    step_seconds = models.JSONField(_("sekunder per steg"), default=dict, blank=True)
    checksum = models.CharField(
        _("sjekksum"),
        max_length=64,
        blank=True,
        help_text=_("SHA-256 av kjøringens resultat: samme register og måned gir samme sum."),
    )

    class Meta:
        verbose_name = _("månedskjøring")
        verbose_name_plural = _("månedskjøringer")
        ordering = ["-month", "-id"]
        constraints = [
            first_of_month_check("monthrun_month_first_day"),
            models.UniqueConstraint(
                fields=["month"],
                condition=Q(status="fullfort"),
                name="one_completed_run_per_month",
                violation_error_message=_("Denne måneden er allerede kjørt."),
            ),
        ]

    def __str__(self) -> str:
        return f"Månedskjøring {date_format(self.month, 'F Y')} ({self.get_status_display()})"

    @property
    def moved(self) -> int:
        return (
            self.forced_moves
            + self.reduction_moves
            + self.switches_applied
            + self.unassigned_placed
            + self.waiting_placed
        )


class MonthMove(models.Model):
    """Flytting i månedskjøringen: one person moved (or taken off a list) by a run.

    Every change a run makes to a person's list place has one row here: the
    step and the rule that did it, and the request it carried out. A person
    is moved at most once per run (a database constraint).

    The run and the person are foreign keys checked by the database. The
    lists, the request and the waiting place are references the run read in
    the same transaction; they are not checked again by the database at
    commit (``db_constraint=False``): at national scale those checks would
    cost more than writing the trace itself (docs/performance.md). The
    registry rows they point to are never deleted (PROTECT in the ORM).
    """

    class Step(models.IntegerChoices):
        ENDINGS = 1, _("1 – listeplasser som slutter")
        REDUCTIONS = 2, _("2 – listereduksjoner")
        SWITCHES = 3, _("3 – bytter")
        UNASSIGNED = 4, _("4 – tildeling av ufordelte")
        WAITING = 5, _("5 – ventelister og kjeder")

    class Rule(models.TextChoices):
        DIED = "dod", _("død (pasientrettighetsforskriften § 2)")
        EMIGRATED = "utvandret", _("utvandret (pasientrettighetsforskriften § 2)")
        OPTED_OUT = "reservert", _("reservert seg mot ordningen (§ 2)")
        AGREEMENT_CLOSED = "avtale_avsluttet", _("avtalen avsluttet (fastlegeforskriften § 9)")
        AGREEMENT_CLOSED_UNPLACED = (
            "avtale_avsluttet_ufordelt",
            _("avtalen avsluttet uten ny liste: ufordelt (fastlegeforskriften § 9)"),
        )
        REMOVED = "utmeldt", _("strøket for trusler eller vold (fastlegeforskriften §§ 38–39)")
        REDUCTION = "reduksjon", _("listereduksjon ved loddtrekning (fastlegeforskriften § 11)")
        SWITCH = "bytte", _("bytte (pasientrettighetsforskriften § 6)")
        PLACEMENT = "tildeling", _("tildeling av ufordelt (pasientrettighetsforskriften § 2)")
        WAITING_LIST = "venteliste", _("plass fra venteliste (domain brief § 3.3)")
        CHILD_WITH_PARENT = (
            "barn_med_forelder",
            _("barn under 16 år til en forelders liste (pasientrettighetsforskriften §§ 4 a og 5)"),
        )
        UNASSIGNED_ON_FREED = (
            "ufordelt_kjede",
            _("ufordelt tildelt en plass som ble ledig i kjeden (domain brief § 3.3)"),
        )

    run = models.ForeignKey(
        MonthRun, verbose_name=_("månedskjøring"), on_delete=models.CASCADE, related_name="moves"
    )
    seq = models.PositiveIntegerField(_("rekkefølge i kjøringen"))
    resident = models.ForeignKey(
        Resident,
        verbose_name=_("innbygger"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,  # covered by monthmove_resident_idx
    )
    step = models.PositiveSmallIntegerField(_("steg"), choices=Step.choices)
    rule = models.CharField(_("regel"), max_length=30, choices=Rule.choices)
    from_agreement = models.ForeignKey(
        Agreement,
        verbose_name=_("fra liste"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        db_constraint=False,  # see the class docstring
    )
    to_agreement = models.ForeignKey(
        Agreement,
        verbose_name=_("til liste"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        db_constraint=False,  # see the class docstring
        help_text=_("Tom: personen står ikke lenger på noen liste."),
    )
    switch_request = models.ForeignKey(
        SwitchRequest,
        verbose_name=_("byttebegjæring"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        db_constraint=False,  # see the class docstring
    )
    waiting_entry = models.ForeignKey(
        WaitingListEntry,
        verbose_name=_("ventelisteplass"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        db_constraint=False,  # see the class docstring
    )
    chain_round = models.PositiveIntegerField(
        _("ledd i kjeden"),
        default=0,
        help_text=_(
            "0: ikke en kjede. n: plassen ble ledig fordi noen i ledd n − 1 "
            "flyttet i samme kjøring."
        ),
    )

    class Meta:
        verbose_name = _("flytting i månedskjøringen")
        verbose_name_plural = _("flyttinger i månedskjøringen")
        ordering = ["run", "seq"]
        constraints = [
            models.UniqueConstraint(
                fields=["run", "resident"],
                name="monthmove_once_per_run",
                violation_error_message=_("En person kan bare flyttes én gang per kjøring."),
            ),
            models.UniqueConstraint(fields=["run", "seq"], name="monthmove_seq_unique"),
        ]
        indexes = [models.Index(fields=["resident", "run"], name="monthmove_resident_idx")]

    def __str__(self) -> str:
        return f"{self.get_rule_display()}: {self.from_agreement_id} → {self.to_agreement_id}"


class ListMonthSnapshot(models.Model):
    """Månedsbilde av en liste: the list as it stood on the 1st of the month, after the run.

    The figures the official indicators are computed from (domain brief § 5).
    Field names are stable: the statistics read them.
    """

    run = models.ForeignKey(
        MonthRun,
        verbose_name=_("månedskjøring"),
        on_delete=models.CASCADE,
        related_name="list_snapshots_set",
        db_index=False,
    )
    month = models.DateField(_("måned"))
    agreement = models.ForeignKey(
        Agreement,
        verbose_name=_("fastlegeliste"),
        on_delete=models.PROTECT,
        related_name="month_snapshots",
        db_index=False,  # covered by listsnapshot_agreement_idx
    )
    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("kommune"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,  # covered by listsnapshot_month_muni_idx
    )
    practice = models.ForeignKey(
        Practice, verbose_name=_("legekontor"), on_delete=models.PROTECT, related_name="+"
    )
    ceiling = models.PositiveSmallIntegerField(_("listetak"))
    length = models.PositiveIntegerField(_("listelengde"))
    guests = models.PositiveIntegerField(
        _("gjesteinnbyggere"), default=0, help_text=_("På listen, men bosatt i en annen kommune.")
    )
    has_regular_gp = models.BooleanField(_("har fast lege"))
    regular_gp = models.ForeignKey(
        Doctor,
        verbose_name=_("fastlege"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    regular_gp_sex = models.CharField(_("fastlegens kjønn"), max_length=1, blank=True)
    regular_gp_specialty = models.CharField(
        _("fastlegens spesialiststatus"), max_length=10, blank=True
    )
    regular_gp_age = models.PositiveSmallIntegerField(
        _("fastlegens alder"), null=True, blank=True, help_text=_("Alder den 1. i måneden.")
    )
    regular_gp_since = models.DateField(
        _("fastlege på listen fra"),
        null=True,
        blank=True,
        help_text=_("Start på fastlegens periode på listen (avtalevarighet)."),
    )
    regular_gp_percentage = models.PositiveSmallIntegerField(
        _("fastlegens stillingsprosent"), null=True, blank=True
    )
    vacant_since = models.DateField(
        _("uten fast lege fra"),
        null=True,
        blank=True,
        help_text=_("Tom når listen har fast lege."),
    )
    has_substitute = models.BooleanField(
        _("har vikar"), default=False, help_text=_("En vikarperiode i løpet av måneden.")
    )
    substitute_percentage = models.PositiveSmallIntegerField(
        _("vikarers stillingsprosent"), default=0
    )
    waiting_count = models.PositiveIntegerField(_("på venteliste"), default=0)
    waiting_other_gp_municipality = models.PositiveIntegerField(
        _("venter fra liste i annen kommune"),
        default=0,
        help_text=_("Står på venteliste her, men på en liste i en annen kommune."),
    )
    waiting_other_home_municipality = models.PositiveIntegerField(
        _("venter fra annen bostedskommune"),
        default=0,
        help_text=_("Står på venteliste her, men bor i en annen kommune."),
    )
    is_open = models.BooleanField(_("åpen for nye innbyggere"))
    locked_by_hand = models.BooleanField(_("lukket manuelt"), default=False)
    is_shared_list = models.BooleanField(_("fellesliste"), default=False)
    is_salaried = models.BooleanField(_("fastlønnet"), default=False)
    agreement_valid_from = models.DateField(_("avtale gyldig fra"))
    moved_in = models.PositiveIntegerField(_("flyttet inn denne måneden"), default=0)
    moved_out = models.PositiveIntegerField(_("flyttet ut denne måneden"), default=0)
    switches_in = models.PositiveIntegerField(
        _("bytter inn denne måneden"),
        default=0,
        help_text=_("Egne bytter og plass fra venteliste; ikke tvungne flyttinger."),
    )

    class Meta:
        verbose_name = _("månedsbilde av liste")
        verbose_name_plural = _("månedsbilder av lister")
        ordering = ["-month", "agreement"]
        constraints = [
            first_of_month_check("listsnapshot_month_first_day"),
            models.UniqueConstraint(
                fields=["month", "agreement"], name="listsnapshot_one_per_list_and_month"
            ),
        ]
        indexes = [
            models.Index(fields=["month", "municipality"], name="listsnapshot_month_muni_idx"),
            models.Index(fields=["agreement", "month"], name="listsnapshot_agreement_idx"),
            models.Index(fields=["run"], name="listsnapshot_run_idx"),
        ]

    def __str__(self) -> str:
        return f"Liste {self.agreement_id} {date_format(self.month, 'F Y')}"

    @property
    def free_places(self) -> int:
        return capacity.free_places(self.ceiling, self.length)


class MunicipalityMonthSnapshot(models.Model):
    """Månedsbilde av en kommune: figures about the residents that no list snapshot holds.

    Counted by home municipality (bostedskommune): residents, the unassigned
    (ufordelte), those who opted out, and who waits for a GP in another
    municipality than their current GP's or their home's (domain brief § 5).
    """

    run = models.ForeignKey(
        MonthRun,
        verbose_name=_("månedskjøring"),
        on_delete=models.CASCADE,
        related_name="municipality_snapshots",
        db_index=False,
    )
    month = models.DateField(_("måned"))
    municipality = models.ForeignKey(
        Municipality, verbose_name=_("kommune"), on_delete=models.PROTECT, related_name="+"
    )
    residents = models.PositiveIntegerField(
        _("innbyggere med rett til fastlege"),
        default=0,
        help_text=_("Bosatt i kommunen og med i ordningen."),
    )
    opted_out = models.PositiveIntegerField(_("reservert mot ordningen"), default=0)
    listed = models.PositiveIntegerField(_("på en fastlegeliste"), default=0)
    listed_elsewhere = models.PositiveIntegerField(
        _("på liste i en annen kommune"), default=0, help_text=_("Gjesteinnbyggere andre steder.")
    )
    unassigned = models.PositiveIntegerField(_("ufordelte"), default=0)
    automatic_placement = models.BooleanField(_("automatisk tildeling av ufordelte"), default=True)
    waiting = models.PositiveIntegerField(_("på venteliste"), default=0)
    waiting_other_than_gp_municipality = models.PositiveIntegerField(
        _("venter i annen kommune enn fastlegens"), default=0
    )
    waiting_other_than_home_municipality = models.PositiveIntegerField(
        _("venter i annen kommune enn bostedskommunen"), default=0
    )
    switches = models.PositiveIntegerField(
        _("bytter denne måneden"),
        default=0,
        help_text=_("Gjennomførte bytter og plass fra venteliste for innbyggere i kommunen."),
    )
    placed_unassigned = models.PositiveIntegerField(_("ufordelte tildelt denne måneden"), default=0)

    class Meta:
        verbose_name = _("månedsbilde av kommune")
        verbose_name_plural = _("månedsbilder av kommuner")
        ordering = ["-month", "municipality"]
        constraints = [
            first_of_month_check("munisnapshot_month_first_day"),
            models.UniqueConstraint(
                fields=["month", "municipality"], name="munisnapshot_one_per_municipality_and_month"
            ),
        ]
        indexes = [models.Index(fields=["run"], name="munisnapshot_run_idx")]

    def __str__(self) -> str:
        return f"{self.municipality_id} {date_format(self.month, 'F Y')}"
