"""Dialogue: meetings with programme and registration, written consultations
(*innspill*) and the tripartite forum (*trepartssamarbeidet*).

Times of day in a programme are local (settings.TIME_ZONE); deadlines are
aware datetimes. Personal data of registrants and submitters (name, e-mail,
organisation, dietary needs) is visible only to the organiser and is
anonymised on ``personal_data_until`` (``fastlege dialogue_anonymise``).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fastlege.core.fields import user_field


class ParticipantRole(models.TextChoices):
    """Who a registrant or submitter is (the audiences named in the sources)."""

    MUNICIPALITY = "kommune", _("kommune (kommuneoverlege, leder)")
    GP = "fastlege", _("fastlege eller allmennlege")
    PATIENT = "pasient", _("pasient-, bruker- eller pårørenderepresentant")
    ORGANISATION = "organisasjon", _("organisasjon (KS, Legeforeningen, annen)")
    STATE = "stat", _("statlig myndighet (Statsforvalteren, Helsedirektoratet, departementet)")
    HOSPITAL = "helseforetak", _("helseforetak")
    PRIVATE = "privatperson", _("privatperson")
    OTHER = "annet", _("annet")


class Forum(models.Model):
    """A standing cooperation forum, e.g. the tripartite cooperation."""

    name = models.CharField(_("navn"), max_length=200, unique=True)
    description = models.TextField(_("beskrivelse"), blank=True)
    created_at = models.DateTimeField(_("opprettet"), default=timezone.now)

    class Meta:
        verbose_name = _("samarbeidsforum")
        verbose_name_plural = _("samarbeidsfora")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ForumParty(models.Model):
    """A party of a forum (configurable: ministry, KS, the Medical Association, ...)."""

    forum = models.ForeignKey(
        Forum, verbose_name=_("forum"), on_delete=models.CASCADE, related_name="parties"
    )
    name = models.CharField(_("navn"), max_length=200)
    short_name = models.CharField(_("kortnavn"), max_length=40)
    active = models.BooleanField(_("aktiv part"), default=True)

    class Meta:
        verbose_name = _("part")
        verbose_name_plural = _("parter")
        ordering = ["forum", "name"]
        constraints = [
            models.UniqueConstraint(fields=["forum", "short_name"], name="party_unique_short_name")
        ]

    def __str__(self) -> str:
        return self.short_name


class ForumCase(models.Model):
    """A case on the forum's standing agenda (recruitment, education, ...)."""

    class Status(models.TextChoices):
        OPEN = "apen", _("åpen")
        CLOSED = "avsluttet", _("avsluttet")

    forum = models.ForeignKey(
        Forum, verbose_name=_("forum"), on_delete=models.CASCADE, related_name="cases"
    )
    title = models.CharField(_("tittel"), max_length=200)
    description = models.TextField(_("beskrivelse"), blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status, default=Status.OPEN)
    raised_by = models.ForeignKey(
        ForumParty,
        verbose_name=_("meldt av part"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    opened_on = models.DateField(_("åpnet"), default=timezone.localdate)
    closed_on = models.DateField(_("avsluttet dato"), null=True, blank=True)

    class Meta:
        verbose_name = _("sak")
        verbose_name_plural = _("saker")
        ordering = ["forum", "opened_on", "id"]
        constraints = [
            models.CheckConstraint(
                name="case_closed_has_date",
                condition=Q(status="apen", closed_on__isnull=True)
                | Q(status="avsluttet", closed_on__isnull=False),
                violation_error_message=_("En avsluttet sak må ha avslutningsdato."),
            )
        ]

    def __str__(self) -> str:
        return self.title


class CaseIndicator(models.Model):
    """An indicator a case concerns, stored as the statistics app's code
    (``fastlege.stats.indicators``; names and figures: ``fastlege.dialogue.indicators``)."""

    case = models.ForeignKey(
        ForumCase, verbose_name=_("sak"), on_delete=models.CASCADE, related_name="indicators"
    )
    code = models.CharField(_("indikatorkode"), max_length=60)

    class Meta:
        verbose_name = _("indikator for sak")
        verbose_name_plural = _("indikatorer for saker")
        constraints = [models.UniqueConstraint(fields=["case", "code"], name="case_indicator_once")]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """The indicator's Norwegian name, as the statistics pages show it."""
        from fastlege.dialogue.indicators import indicator_name  # noqa: PLC0415

        return indicator_name(self.code)

    @property
    def definition(self) -> str:
        """The anchor of its definition on ``/statistikk/definisjoner/``."""
        return self.code


class MeetingSeries(models.Model):
    """A series of meetings, e.g. «Innspillsmøter om handlingsplan for allmennlegetjenesten»."""

    title = models.CharField(_("tittel"), max_length=200)
    description = models.TextField(_("beskrivelse"), blank=True)
    organiser_name = models.CharField(_("arrangør"), max_length=200)
    county = models.ForeignKey(
        "reference.County",
        verbose_name=_("fylke"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Tom for nasjonale møteserier."),
    )
    created_by = user_field(_("opprettet av"))
    created_at = models.DateTimeField(_("opprettet"), default=timezone.now)

    class Meta:
        verbose_name = _("møteserie")
        verbose_name_plural = _("møteserier")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title


class Meeting(models.Model):
    """One meeting: when, where (address or video link), who runs it and its programme."""

    class Kind(models.TextChoices):
        DIALOGUE = "dialogmote", _("dialogmøte")
        INPUT = "innspillsmote", _("innspillsmøte")
        FORUM = "forummote", _("møte i samarbeidsforum")
        OTHER = "annet", _("annet møte")

    series = models.ForeignKey(
        MeetingSeries,
        verbose_name=_("møteserie"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="meetings",
    )
    forum = models.ForeignKey(
        Forum,
        verbose_name=_("forum"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="meetings",
    )
    kind = models.CharField(_("møtetype"), max_length=20, choices=Kind, default=Kind.DIALOGUE)
    title = models.CharField(_("tittel"), max_length=200)
    description = models.TextField(_("innledning"), blank=True)
    date = models.DateField(_("dato"))
    start_time = models.TimeField(_("starter"))
    end_time = models.TimeField(_("slutter"))
    doors_open = models.TimeField(
        _("registrering fra"),
        null=True,
        blank=True,
        help_text=_("Når kaffe og registrering begynner, hvis før møtestart."),
    )
    place = models.CharField(_("sted"), max_length=200, blank=True)
    address = models.CharField(_("adresse"), max_length=200, blank=True)
    video_link = models.URLField(_("videolenke"), blank=True)
    organiser_name = models.CharField(_("arrangør"), max_length=200)
    county = models.ForeignKey(
        "reference.County",
        verbose_name=_("fylke"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Tom for nasjonale møter (departementet, nasjonal administrator)."),
    )
    moderator = models.CharField(_("møteleder"), max_length=200, blank=True)
    audience = models.TextField(_("målgruppe"), blank=True)
    contact = models.CharField(_("kontaktperson"), max_length=200, blank=True)
    registration_open = models.BooleanField(_("påmelding åpen"), default=True)
    registration_deadline = models.DateTimeField(_("påmeldingsfrist"), null=True, blank=True)
    original_registration_deadline = models.DateTimeField(
        _("opprinnelig påmeldingsfrist"), null=True, blank=True
    )
    capacity = models.PositiveIntegerField(
        _("antall plasser"), null=True, blank=True, help_text=_("Tom for ubegrenset.")
    )
    waiting_list = models.BooleanField(_("venteliste når fullt"), default=True)
    published = models.BooleanField(_("publisert"), default=False)
    personal_data_until = models.DateField(
        _("personopplysninger slettes"),
        help_text=_("Dato da opplysninger om påmeldte anonymiseres."),
    )
    personal_data_anonymised_at = models.DateTimeField(
        _("personopplysninger anonymisert"), null=True, blank=True
    )
    minutes = models.TextField(_("referat"), blank=True)
    summary = models.TextField(_("oppsummering"), blank=True)
    created_by = user_field(_("opprettet av"))
    created_at = models.DateTimeField(_("opprettet"), default=timezone.now)

    class Meta:
        verbose_name = _("møte")
        verbose_name_plural = _("møter")
        ordering = ["-date", "start_time"]
        indexes = [models.Index(fields=["personal_data_until"], name="meeting_pd_until_idx")]
        constraints = [
            models.CheckConstraint(
                name="meeting_ends_after_start",
                condition=Q(end_time__gt=F("start_time")),
                violation_error_message=_("Møtet må slutte etter at det starter."),
            ),
            models.CheckConstraint(
                name="meeting_doors_before_start",
                condition=Q(doors_open__isnull=True) | Q(doors_open__lte=F("start_time")),
                violation_error_message=_("Registreringen kan ikke begynne etter møtestart."),
            ),
            models.CheckConstraint(
                name="meeting_has_place_or_link",
                condition=~Q(place="") | ~Q(video_link=""),
                violation_error_message=_("Møtet må ha et sted eller en videolenke."),
            ),
            models.CheckConstraint(
                name="meeting_capacity_positive",
                condition=Q(capacity__isnull=True) | Q(capacity__gt=0),
                violation_error_message=_("Antall plasser må være minst 1."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} {self.date:%d.%m.%Y}"


class ProgrammeItem(models.Model):
    """A timed item of a meeting's programme."""

    class Kind(models.TextChoices):
        ARRIVAL = "registrering", _("kaffe og registrering")
        WELCOME = "velkommen", _("velkommen")
        TALK = "innlegg", _("innlegg")
        BREAK = "pause", _("pause")
        MEAL = "maltid", _("lunsj")
        GROUP_WORK = "gruppearbeid", _("gruppearbeid")
        OPEN_MIC = "apen_mikrofon", _("åpen mikrofon")
        DISCUSSION = "diskusjon", _("diskusjon")
        SUMMARY = "oppsummering", _("oppsummering")
        END = "slutt", _("møteslutt")

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("møte"), on_delete=models.CASCADE, related_name="programme"
    )
    kind = models.CharField(_("type post"), max_length=20, choices=Kind, default=Kind.TALK)
    start_time = models.TimeField(_("fra"))
    end_time = models.TimeField(_("til"))
    title = models.CharField(_("tittel"), max_length=300)
    speaker = models.CharField(_("innleder"), max_length=200, blank=True)
    description = models.TextField(_("beskrivelse"), blank=True)
    minutes_per_speaker = models.PositiveSmallIntegerField(
        _("minutter per innlegg"), null=True, blank=True
    )

    class Meta:
        verbose_name = _("programpost")
        verbose_name_plural = _("programposter")
        ordering = ["meeting", "start_time", "end_time", "id"]
        constraints = [
            models.CheckConstraint(
                name="programme_item_ends_after_start",
                condition=Q(end_time__gt=F("start_time"))
                | Q(kind="slutt", end_time=F("start_time")),
                violation_error_message=_("En programpost må slutte etter at den starter."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.start_time:%H:%M} {self.title}"


class Registration(models.Model):
    """A registration for a meeting, made without an account.

    Made on the public form, it is first *pending* (``ubekreftet``): it holds no
    seat and is in no list or count until the link e-mailed to the address is
    opened before ``pending_until`` (services/registrations.py). The link's token
    is stored only as its SHA-256 (``confirm_token_hash``).
    """

    class Status(models.TextChoices):
        PENDING = "ubekreftet", _("venter på bekreftelse")
        REGISTERED = "pameldt", _("påmeldt")
        WAITING = "venteliste", _("på venteliste")
        CANCELLED = "avmeldt", _("avmeldt")

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("møte"), on_delete=models.PROTECT, related_name="registrations"
    )
    status = models.CharField(_("status"), max_length=12, choices=Status)
    name = models.CharField(_("navn"), max_length=200)
    email = models.EmailField(_("e-post"), max_length=254)
    organisation = models.CharField(_("organisasjon"), max_length=200, blank=True)
    role = models.CharField(_("rolle"), max_length=20, choices=ParticipantRole)
    dietary_needs = models.CharField(_("matbehov og allergier"), max_length=300, blank=True)
    token = models.CharField(_("lenkenøkkel"), max_length=64, unique=True)
    email_confirmed_at = models.DateTimeField(_("e-post bekreftet"), null=True, blank=True)
    registered_at = models.DateTimeField(_("påmeldt tidspunkt"), default=timezone.now)
    cancelled_at = models.DateTimeField(_("avmeldt tidspunkt"), null=True, blank=True)
    anonymised_at = models.DateTimeField(_("anonymisert"), null=True, blank=True)
    confirm_token_hash = models.CharField(
        _("bekreftelsesnøkkel (SHA-256)"), max_length=64, blank=True, db_index=True
    )
    requested_at = models.DateTimeField(_("påmelding sendt inn"), null=True, blank=True)
    pending_until = models.DateTimeField(_("må bekreftes innen"), null=True, blank=True)
    confirmation_sent_at = models.DateTimeField(_("bekreftelseslenke sendt"), null=True, blank=True)
    # issue 21, part 1: coverage per municipality (models_invitations.py)
    municipality = models.ForeignKey(
        "reference.Municipality",
        verbose_name=_("kommune"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Kommunen deltakeren kommer fra, for dekningen per kommune."),
    )
    attended = models.BooleanField(
        _("møtte"), null=True, blank=True, help_text=_("Tom til arrangøren har ført oppmøte.")
    )

    class Meta:
        verbose_name = _("påmelding")
        verbose_name_plural = _("påmeldinger")
        ordering = ["meeting", "registered_at", "id"]
        indexes = [
            models.Index(
                fields=["meeting", "status", "registered_at"], name="registration_queue_idx"
            )
        ]

    def __str__(self) -> str:
        return f"{self.meeting_id}: {self.get_status_display()}"


class WorkGroup(models.Model):
    """A group for group work at a meeting: its questions (``GroupQuestion``, each with
    the group's answer) and its rapporteur, a registered participant or a named person."""

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("møte"), on_delete=models.CASCADE, related_name="groups"
    )
    name = models.CharField(_("navn"), max_length=100)
    rapporteur = models.ForeignKey(
        Registration,
        verbose_name=_("referent (påmeldt)"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    rapporteur_name = models.CharField(
        _("referent (navn)"),
        max_length=200,
        blank=True,
        help_text=_("Når referenten ikke er påmeldt møtet."),
    )

    class Meta:
        verbose_name = _("gruppe")
        verbose_name_plural = _("grupper")
        ordering = ["meeting", "name"]
        constraints = [models.UniqueConstraint(fields=["meeting", "name"], name="group_name_once")]

    def __str__(self) -> str:
        return self.name


class GroupNote(models.Model):
    """Notes from a group's work, kept with the meeting."""

    group = models.ForeignKey(
        WorkGroup, verbose_name=_("gruppe"), on_delete=models.CASCADE, related_name="notes"
    )
    text = models.TextField(_("notat"))
    written_by = user_field(_("skrevet av"))
    written_at = models.DateTimeField(_("skrevet"), default=timezone.now)

    class Meta:
        verbose_name = _("gruppenotat")
        verbose_name_plural = _("gruppenotater")
        ordering = ["group", "written_at", "id"]

    def __str__(self) -> str:
        return f"{self.group}: {self.text[:40]}"


class FollowUpAction(models.Model):
    """A follow-up action from a meeting (*hvem gjør hva innen når*): what, whose (a
    municipality, a forum party, the county governor of the meeting's county, or a
    named organisation), by when, and its status, whose changes are kept in
    ``ActionStatusChange``. ``reminded_for_due`` is the due date the owner was last
    reminded of (services/actions.py, ``send_action_reminders``)."""

    class Status(models.TextChoices):
        OPEN = "apen", _("planlagt")
        IN_PROGRESS = "pagar", _("i gang")
        DONE = "ferdig", _("utført")
        DROPPED = "avlyst", _("avlyst")

    class OwnerKind(models.TextChoices):
        MUNICIPALITY = "kommune", _("kommune")
        PARTY = "part", _("part i samarbeidsforum")
        COUNTY_GOVERNOR = "statsforvalter", _("Statsforvalteren")
        ORGANISATION = "organisasjon", _("annen organisasjon eller person")

    #: Statuses of an action still to be done: shown on the owner's overview.
    OPEN_STATUSES = (Status.OPEN, Status.IN_PROGRESS)

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("møte"), on_delete=models.CASCADE, related_name="actions"
    )
    case = models.ForeignKey(
        ForumCase,
        verbose_name=_("sak"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="actions",
    )
    group = models.ForeignKey(
        WorkGroup,
        verbose_name=_("fra gruppe"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="actions",
    )
    what = models.CharField(_("hva"), max_length=300)
    owner_kind = models.CharField(
        _("ansvarlig er"), max_length=20, choices=OwnerKind, default=OwnerKind.ORGANISATION
    )
    municipality = models.ForeignKey(
        "reference.Municipality",
        verbose_name=_("ansvarlig kommune"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="dialogue_actions",
    )
    party = models.ForeignKey(
        ForumParty,
        verbose_name=_("ansvarlig part"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="actions",
    )
    responsible = models.CharField(
        _("ansvarlig"),
        max_length=200,
        blank=True,
        help_text=_("Navnet på organisasjonen eller personen når ansvarlig ikke er en kommune."),
    )
    contact_email = models.EmailField(
        _("e-post for påminnelse"),
        max_length=254,
        blank=True,
        help_text=_("For en part eller organisasjon uten brukere i løsningen."),
    )
    due = models.DateField(_("frist"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.OPEN)
    status_changed_at = models.DateTimeField(_("status endret"), null=True, blank=True)
    reminded_for_due = models.DateField(_("påminnet om frist"), null=True, blank=True)
    created_by = user_field(_("opprettet av"))
    created_at = models.DateTimeField(_("opprettet"), default=timezone.now)

    class Meta:
        verbose_name = _("oppfølgingspunkt")
        verbose_name_plural = _("oppfølgingspunkter")
        ordering = ["meeting", "due", "id"]
        indexes = [
            models.Index(fields=["municipality", "status"], name="action_owner_status_idx"),
            models.Index(fields=["status", "due"], name="action_status_due_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                name="action_owner_given",
                condition=Q(owner_kind="kommune", municipality__isnull=False, party__isnull=True)
                | Q(owner_kind="part", party__isnull=False, municipality__isnull=True)
                | Q(owner_kind="statsforvalter", municipality__isnull=True, party__isnull=True)
                | (
                    Q(owner_kind="organisasjon", municipality__isnull=True, party__isnull=True)
                    & ~Q(responsible="")
                ),
                violation_error_message=_(
                    "Oppgi én ansvarlig: en kommune, en part, Statsforvalteren eller et navn."
                ),
            )
        ]

    def __str__(self) -> str:
        return self.what

    @property
    def owner_label(self) -> str:
        """Who is responsible, as people read it."""
        if self.owner_kind == self.OwnerKind.MUNICIPALITY and self.municipality is not None:
            return str(self.municipality.name)
        if self.owner_kind == self.OwnerKind.PARTY and self.party is not None:
            return str(self.party.name)
        if self.owner_kind == self.OwnerKind.COUNTY_GOVERNOR:
            return self.responsible or str(_("Statsforvalteren"))
        return self.responsible

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    def overdue_on(self, day: datetime.date) -> bool:
        """Still to be done after its due date."""
        return self.is_open and self.due is not None and self.due < day

    @property
    def overdue(self) -> bool:
        return self.overdue_on(timezone.localdate())


class AgendaItem(models.Model):
    """A case on the agenda of a forum meeting."""

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("møte"), on_delete=models.CASCADE, related_name="agenda"
    )
    case = models.ForeignKey(
        ForumCase, verbose_name=_("sak"), on_delete=models.PROTECT, related_name="agenda_items"
    )
    position = models.PositiveSmallIntegerField(_("rekkefølge"))

    class Meta:
        verbose_name = _("dagsordenpunkt")
        verbose_name_plural = _("dagsordenpunkter")
        ordering = ["meeting", "position"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "case"], name="agenda_case_once"),
            models.UniqueConstraint(fields=["meeting", "position"], name="agenda_position_once"),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.case}"


class CaseDecision(models.Model):
    """A decision recorded on a case, usually at a forum meeting."""

    case = models.ForeignKey(
        ForumCase, verbose_name=_("sak"), on_delete=models.PROTECT, related_name="decisions"
    )
    meeting = models.ForeignKey(
        Meeting,
        verbose_name=_("møte"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="decisions",
    )
    decided_on = models.DateField(_("vedtatt"))
    text = models.TextField(_("vedtak"))
    closes_case = models.BooleanField(_("avslutter saken"), default=False)
    recorded_by = user_field(_("registrert av"))

    class Meta:
        verbose_name = _("vedtak i sak")
        verbose_name_plural = _("vedtak i saker")
        ordering = ["case", "decided_on", "id"]

    def __str__(self) -> str:
        return f"{self.case}: {self.decided_on:%d.%m.%Y}"


class ConsultationStatus(models.TextChoices):
    """What the organiser has done with a consultation (stored)."""

    DRAFT = "utkast", _("utkast")
    OPEN = "apen", _("åpen")
    CLOSED = "lukket", _("lukket")
    SUMMARY = "oppsummering", _("oppsummering publisert")


class WithholdReason(models.TextChoices):
    """What the organiser may hold back from publication (docs/dialogue.md): the
    exceptions in offentleglova, nothing else. The decision is logged."""

    CONFIDENTIAL = "taushetsplikt", _("taushetsbelagte opplysninger (offentleglova § 13)")
    BUSINESS_SECRET = (
        "forretningshemmelighet",
        _("forretningshemmeligheter (offentleglova § 13, forvaltningsloven § 13)"),
    )
    THIRD_PARTY = (
        "andres_personopplysninger",
        _("personopplysninger om andre enn avsenderen (offentleglova § 13, § 26 femte ledd)"),
    )
    UNLAWFUL = "ulovlig_innhold", _("ulovlig innhold (trusler, hets, ærekrenkelser)")


class Consultation(models.Model):
    """A written consultation (*innspill*): a question, themes, an opening and a deadline."""

    title = models.CharField(_("tittel"), max_length=200)
    question = models.TextField(_("spørsmål"))
    organiser_name = models.CharField(_("arrangør"), max_length=200)
    county = models.ForeignKey(
        "reference.County",
        verbose_name=_("fylke"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Tom for nasjonale innspillsrunder."),
    )
    meeting = models.ForeignKey(
        Meeting,
        verbose_name=_("møte"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="consultations",
    )
    opens_at = models.DateTimeField(_("åpner"))
    deadline = models.DateTimeField(_("frist"))
    # the stored half of the phase; the phase itself: models_consultations.phase_of
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=ConsultationStatus,
        default=ConsultationStatus.DRAFT,
        db_index=True,
    )
    closed_at = models.DateTimeField(_("lukket"), null=True, blank=True)
    summary = models.TextField(_("oppsummering"), blank=True)
    summary_published_at = models.DateTimeField(_("oppsummering publisert"), null=True, blank=True)
    submissions_published_at = models.DateTimeField(_("innspill publisert"), null=True, blank=True)
    personal_data_until = models.DateField(_("personopplysninger slettes"))
    personal_data_anonymised_at = models.DateTimeField(
        _("personopplysninger anonymisert"), null=True, blank=True
    )
    created_by = user_field(_("opprettet av"))
    created_at = models.DateTimeField(_("opprettet"), default=timezone.now)

    class Meta:
        verbose_name = _("innspillsrunde")
        verbose_name_plural = _("innspillsrunder")
        ordering = ["-deadline"]
        indexes = [models.Index(fields=["personal_data_until"], name="consult_pd_until_idx")]
        constraints = [
            models.CheckConstraint(
                name="consultation_deadline_after_opening",
                condition=Q(deadline__gt=F("opens_at")),
                violation_error_message=_("Fristen må være etter at innspillsrunden åpner."),
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def phase(self) -> Any:
        """The phase now (``models_consultations.phase_of``, the one definition)."""
        from fastlege.dialogue.models_consultations import phase_of  # noqa: PLC0415

        return phase_of(self)


class ConsultationTheme(models.Model):
    """A theme of a consultation (recruitment, staying in the profession, ALIS, ...)."""

    consultation = models.ForeignKey(
        Consultation,
        verbose_name=_("innspillsrunde"),
        on_delete=models.CASCADE,
        related_name="themes",
    )
    name = models.CharField(_("navn"), max_length=120)
    position = models.PositiveSmallIntegerField(_("rekkefølge"), default=0)

    class Meta:
        verbose_name = _("tema")
        verbose_name_plural = _("temaer")
        ordering = ["consultation", "position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["consultation", "name"], name="theme_name_once")
        ]

    def __str__(self) -> str:
        return self.name


class Submission(models.Model):
    """One written submission, made without an account."""

    consultation = models.ForeignKey(
        Consultation,
        verbose_name=_("innspillsrunde"),
        on_delete=models.PROTECT,
        related_name="submissions",
    )
    name = models.CharField(_("navn"), max_length=200)
    email = models.EmailField(_("e-post"), max_length=254)
    organisation = models.CharField(_("organisasjon"), max_length=200, blank=True)
    on_behalf_of_organisation = models.BooleanField(_("på vegne av organisasjonen"), default=False)
    submitter_kind = models.CharField(
        _("innsendertype"), max_length=20, choices=ParticipantRole, db_index=True
    )
    text = models.TextField(_("innspill"))
    themes = models.ManyToManyField(
        ConsultationTheme, verbose_name=_("temaer"), related_name="submissions", blank=True
    )
    # Hearing answers are public documents (offentleglova); the sender may ask that
    # theirs is not published, and the organiser may hold one back for a listed reason.
    requests_non_public = models.BooleanField(
        _("ber om at svaret ikke offentliggjøres"), default=False
    )
    non_public_reason = models.TextField(_("begrunnelse for ikke å offentliggjøre"), blank=True)
    withheld_reason = models.CharField(
        _("holdt tilbake av arrangøren"), max_length=30, choices=WithholdReason, blank=True
    )
    withheld_note = models.TextField(_("merknad om tilbakeholdelse"), blank=True)
    withheld_by = user_field(_("holdt tilbake av"))
    withheld_at = models.DateTimeField(_("holdt tilbake"), null=True, blank=True)
    municipality = models.ForeignKey(
        "reference.Municipality",
        verbose_name=_("kommune"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Kommunen innspillet kommer fra, hvis fra en kommune."),
    )
    county = models.ForeignKey(
        "reference.County",
        verbose_name=_("fylke"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Kommunens fylke, eller fylket til en statsforvalter."),
    )
    token = models.CharField(_("lenkenøkkel"), max_length=64, unique=True)
    email_confirmed_at = models.DateTimeField(_("e-post bekreftet"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("sendt inn"), default=timezone.now)
    marked = models.BooleanField(_("merket"), default=False)
    organiser_comment = models.TextField(_("arrangørens kommentar"), blank=True)
    anonymised_at = models.DateTimeField(_("anonymisert"), null=True, blank=True)

    class Meta:
        verbose_name = _("innspill")
        verbose_name_plural = _("innspill")
        ordering = ["consultation", "submitted_at", "id"]

    def __str__(self) -> str:
        return f"{self.consultation_id}: {self.submitted_at:%d.%m.%Y}"

    @property
    def author(self) -> str:
        if self.on_behalf_of_organisation and self.organisation:
            return self.organisation
        return f"{self.name}, {self.organisation}" if self.organisation else self.name


class SubmissionAttachment(models.Model):
    """The file attached to a submission (PDF or Word), checked by its content."""

    class Kind(models.TextChoices):
        PDF = "pdf", _("PDF")
        DOCX = "docx", _("Word (docx)")

    submission = models.OneToOneField(
        Submission,
        verbose_name=_("innspill"),
        on_delete=models.CASCADE,
        related_name="attachment",
    )
    file_name = models.CharField(_("filnavn"), max_length=200)
    kind = models.CharField(_("filtype"), max_length=10, choices=Kind)
    size = models.PositiveIntegerField(_("størrelse (byte)"))
    sha256 = models.CharField(_("sjekksum (SHA-256)"), max_length=64)
    content = models.BinaryField(_("innhold"))

    class Meta:
        verbose_name = _("vedlegg")
        verbose_name_plural = _("vedlegg")

    def __str__(self) -> str:
        return self.file_name


class OutgoingEmail(models.Model):
    """An e-mail recorded for sending (confirmation links); sent by a pluggable sender."""

    to = models.EmailField(_("mottaker"), max_length=254)
    subject = models.CharField(_("emne"), max_length=200)
    body = models.TextField(_("tekst"))
    link = models.CharField(_("bekreftelseslenke"), max_length=300, blank=True)
    purpose = models.CharField(_("formål"), max_length=40)
    registration = models.ForeignKey(
        Registration,
        verbose_name=_("påmelding"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="emails",
    )
    submission = models.ForeignKey(
        Submission,
        verbose_name=_("innspill"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="emails",
    )
    invitation = models.ForeignKey(
        "dialogue.Invitation",
        verbose_name=_("invitasjon"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="emails",
    )
    created_at = models.DateTimeField(_("registrert"), default=timezone.now)
    sent_at = models.DateTimeField(_("sendt"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("forsøk"), default=0)

    class Meta:
        verbose_name = _("utgående e-post")
        verbose_name_plural = _("utgående e-post")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["sent_at"], name="outgoing_email_unsent_idx")]

    def __str__(self) -> str:
        return self.subject


class MunicipalityFollowUp(models.Model):
    """Oppfølging: the county governor's working note on a municipality and the day the
    office last contacted it. One row per municipality, kept up to date by the county
    governor's office of the municipality's county; earlier values are in the audit
    log (``followup.recorded``), so the note is a working note, not a case journal."""

    municipality = models.OneToOneField(
        "reference.Municipality",
        verbose_name=_("kommune"),
        on_delete=models.CASCADE,
        related_name="follow_up",
    )
    note = models.TextField(_("notat"), blank=True, max_length=2000)
    last_contacted = models.DateField(_("sist kontaktet"), null=True, blank=True)
    updated_by = user_field(_("sist endret av"))
    updated_at = models.DateTimeField(_("sist endret"), default=timezone.now)

    class Meta:
        verbose_name = _("oppfølging av kommune")
        verbose_name_plural = _("oppfølging av kommuner")

    def __str__(self) -> str:
        return str(self.municipality_id)


from fastlege.dialogue.models_actions import *  # noqa: E402,F401,F403
from fastlege.dialogue.models_commitments import (  # noqa: E402,F401
    Commitment,
    CommitmentIndicator,
    CommitmentMilestone,
    CommitmentProgress,
    CommitmentStatus,
)
from fastlege.dialogue.models_consultations import *  # noqa: E402,F401,F403
from fastlege.dialogue.models_invitations import Invitation  # noqa: E402,F401
from fastlege.dialogue.models_situation import SituationReport  # noqa: E402,F401
