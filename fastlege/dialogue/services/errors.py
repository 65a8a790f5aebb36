"""The dialogue app's domain errors: one stable code per refusal.

``message`` is Norwegian (what a person reads); ``ENGLISH`` holds the API text.
Messages never contain personal data.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any, NoReturn

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from fastlege.core.errors import CodedError


class Code(StrEnum):
    NOT_AUTHORISED = "not_authorised"
    UNKNOWN_MEETING = "unknown_meeting"
    UNKNOWN_CONSULTATION = "unknown_consultation"
    UNKNOWN_CASE = "unknown_case"
    INVALID_MEETING_TIME = "invalid_meeting_time"
    NO_PLACE = "no_place"
    # programme
    PROGRAMME_EMPTY = "programme_empty"
    PROGRAMME_BAD_LINE = "programme_bad_line"
    PROGRAMME_ITEM_TIME = "programme_item_time"
    PROGRAMME_OVERLAP = "programme_overlap"
    PROGRAMME_OUTSIDE_MEETING = "programme_outside_meeting"
    # registration
    REGISTRATION_CLOSED = "registration_closed"
    REGISTRATION_DEADLINE_PASSED = "registration_deadline_passed"
    MEETING_FULL = "meeting_full"
    ALREADY_REGISTERED = "already_registered"
    ALREADY_CANCELLED = "already_cancelled"
    UNKNOWN_LINK = "unknown_link"
    DEADLINE_NOT_LATER = "deadline_not_later"
    DEADLINE_AFTER_MEETING = "deadline_after_meeting"
    CAPACITY_BELOW_REGISTERED = "capacity_below_registered"
    CONFIRMATION_EXPIRED = "confirmation_expired"
    FULL_AT_CONFIRMATION = "full_at_confirmation"
    # registration limits (services/limits.py): HTTP 429
    TOO_MANY_FROM_CLIENT = "too_many_from_client"
    TOO_MANY_TO_ADDRESS = "too_many_to_address"
    TOO_MANY_FOR_MEETING = "too_many_for_meeting"
    # consultations
    CONSULTATION_NOT_OPEN = "consultation_not_open"
    CONSULTATION_CLOSED = "consultation_closed"
    UNKNOWN_THEME = "unknown_theme"
    NEEDS_THEMES = "needs_themes"
    ORGANISATION_REQUIRED = "organisation_required"
    # (empty, too large, archive and PDF limits: fastlege.core.uploads.Code)
    FILE_NOT_PDF_OR_WORD = "file_not_pdf_or_word"
    FILE_DAMAGED = "file_damaged"
    # forum
    UNKNOWN_INDICATOR = "unknown_indicator"
    CASE_CLOSED = "case_closed"
    NOT_A_FORUM_MEETING = "not_a_forum_meeting"
    CASE_OTHER_FORUM = "case_other_forum"
    TEXT_REQUIRED = "text_required"
    # the forum's agreements (commitments)
    UNKNOWN_COMMITMENT = "unknown_commitment"
    UNKNOWN_MILESTONE = "unknown_milestone"
    OWNER_NOT_A_PARTY = "owner_not_a_party"
    DECISION_OTHER_CASE = "decision_other_case"
    ENDS_BEFORE_START = "ends_before_start"
    PERCENT_OUT_OF_RANGE = "percent_out_of_range"
    DONE_NEEDS_100 = "done_needs_100"
    UNKNOWN_STATUS = "unknown_status"
    PROGRESS_BEFORE_START = "progress_before_start"
    PROGRESS_BEFORE_LAST = "progress_before_last"
    DATE_IN_FUTURE = "date_in_future"
    MILESTONE_DUE_BEFORE_START = "milestone_due_before_start"
    MILESTONE_DONE_BEFORE_START = "milestone_done_before_start"
    MILESTONE_ALREADY_DONE = "milestone_already_done"
    # the county governor's follow-up list
    UNKNOWN_MUNICIPALITY = "unknown_municipality"
    CONTACT_DATE_IN_FUTURE = "contact_date_in_future"
    NOTE_TOO_LONG = "note_too_long"
    NOTE_HAS_NIN = "note_has_nin"
    # invitations and coverage (issue 21, part 1)
    MEETING_ENDED = "meeting_ended"
    MEETING_NOT_PUBLISHED = "meeting_not_published"
    MUNICIPALITY_OUTSIDE_COUNTY = "municipality_outside_county"
    INVITEE_REQUIRED = "invitee_required"
    ATTENDANCE_BEFORE_MEETING = "attendance_before_meeting"
    NOT_A_PARTICIPANT = "not_a_participant"
    # a meeting's situation report
    NOT_A_COUNTY_MEETING = "not_a_county_meeting"
    NO_STATISTICS = "no_statistics"
    NO_SITUATION_REPORT = "no_situation_report"
    # consultation phases (issue 21, part 4)
    CONSULTATION_NOT_DRAFT = "consultation_not_draft"
    CONSULTATION_NOT_RUNNING = "consultation_not_running"
    CONSULTATION_NOT_CLOSED = "consultation_not_closed"
    DEADLINE_PASSED_BEFORE_OPENING = "deadline_passed_before_opening"
    EXTENSION_NOT_LATER = "extension_not_later"
    REASON_REQUIRED = "reason_required"
    SUMMARY_REQUIRED = "summary_required"
    SECTIONS_LOCKED = "sections_locked"
    SECTIONS_BAD_TEXT = "sections_bad_text"
    UNKNOWN_SECTION = "unknown_section"
    UNKNOWN_SUBMISSION = "unknown_submission"
    UNKNOWN_WITHHOLD_REASON = "unknown_withhold_reason"
    NON_PUBLIC_REASON_REQUIRED = "non_public_reason_required"
    # group work and follow-up actions (services/actions.py)
    UNKNOWN_GROUP = "unknown_group"
    UNKNOWN_ACTION = "unknown_action"
    RAPPORTEUR_NOT_PARTICIPANT = "rapporteur_not_participant"
    RAPPORTEUR_AMBIGUOUS = "rapporteur_ambiguous"
    QUESTION_NOT_IN_GROUP = "question_not_in_group"
    ACTION_OWNER_MISSING = "action_owner_missing"
    UNKNOWN_PARTY = "unknown_party"
    NO_COUNTY_GOVERNOR = "no_county_governor"
    DUE_BEFORE_MEETING = "due_before_meeting"
    STATUS_UNCHANGED = "status_unchanged"


MESSAGES: dict[Code, tuple[Promise, str]] = {
    Code.NOT_AUTHORISED: (
        _("Du har ikke tilgang til å gjøre dette."),
        "You are not allowed to do this.",
    ),
    Code.UNKNOWN_MEETING: (_("Møtet finnes ikke."), "The meeting does not exist."),
    Code.UNKNOWN_CONSULTATION: (
        _("Innspillsrunden finnes ikke."),
        "The consultation does not exist.",
    ),
    Code.UNKNOWN_CASE: (_("Saken finnes ikke."), "The case does not exist."),
    Code.INVALID_MEETING_TIME: (
        _("Møtet må slutte etter at det starter, og registreringen kan ikke begynne etter start."),
        "The meeting must end after it starts; doors cannot open after the start.",
    ),
    Code.NO_PLACE: (
        _("Oppgi et sted (adresse) eller en videolenke."),
        "Give a place (address) or a video link.",
    ),
    Code.PROGRAMME_EMPTY: (_("Programmet er tomt."), "The programme is empty."),
    Code.PROGRAMME_BAD_LINE: (
        _(
            "Linje %(line)s må begynne med et klokkeslett, for eksempel «09:00-09:10 Velkommen» "
            "eller «09:30 Velkommen»."
        ),
        "Line %(line)s must start with a time, e.g. '09:00-09:10 Welcome'.",
    ),
    Code.PROGRAMME_ITEM_TIME: (
        _("Programposten «%(title)s» må slutte etter at den starter."),
        "The programme item '%(title)s' must end after it starts.",
    ),
    Code.PROGRAMME_OVERLAP: (
        _("Programpostene «%(first)s» og «%(second)s» overlapper i tid."),
        "The programme items '%(first)s' and '%(second)s' overlap.",
    ),
    Code.PROGRAMME_OUTSIDE_MEETING: (
        _("Programposten «%(title)s» ligger utenfor møtetiden %(start)s–%(end)s."),
        "The programme item '%(title)s' is outside the meeting time %(start)s-%(end)s.",
    ),
    Code.REGISTRATION_CLOSED: (
        _("Påmeldingen til dette møtet er ikke åpen."),
        "Registration for this meeting is not open.",
    ),
    Code.REGISTRATION_DEADLINE_PASSED: (
        _("Påmeldingsfristen gikk ut %(deadline)s. Ta kontakt med arrangøren."),
        "The registration deadline passed at %(deadline)s.",
    ),
    Code.MEETING_FULL: (
        _("Møtet er fullt: alle %(capacity)s plassene er tatt."),
        "The meeting is full: all %(capacity)s places are taken.",
    ),
    Code.ALREADY_REGISTERED: (
        _("Denne e-postadressen er allerede meldt på møtet."),
        "This e-mail address is already registered for the meeting.",
    ),
    Code.ALREADY_CANCELLED: (
        _("Påmeldingen er allerede avmeldt."),
        "The registration is already cancelled.",
    ),
    Code.UNKNOWN_LINK: (
        _("Lenken er ugyldig eller utløpt."),
        "The link is invalid or has expired.",
    ),
    Code.DEADLINE_NOT_LATER: (
        _("Den nye fristen må være senere enn dagens frist %(deadline)s."),
        "The new deadline must be later than the current one (%(deadline)s).",
    ),
    Code.DEADLINE_AFTER_MEETING: (
        _("Påmeldingsfristen kan ikke være etter at møtet starter."),
        "The registration deadline cannot be after the meeting starts.",
    ),
    Code.CAPACITY_BELOW_REGISTERED: (
        _("Det er allerede %(registered)s påmeldte; antall plasser kan ikke være lavere."),
        "There are already %(registered)s registered; capacity cannot be lower.",
    ),
    Code.CONFIRMATION_EXPIRED: (
        _(
            "Lenken er utløpt: påmeldingen ble ikke bekreftet innen %(hours)s timer. "
            "Meld deg på på nytt."
        ),
        "The link has expired: the registration was not confirmed within %(hours)s hours.",
    ),
    Code.FULL_AT_CONFIRMATION: (
        _(
            "Møtet ble fullt før du bekreftet: alle %(capacity)s plassene er tatt, og du er "
            "ikke påmeldt. Lenken virker til %(until)s hvis noen melder seg av."
        ),
        "The meeting became full before you confirmed: all %(capacity)s places are taken; "
        "you are not registered.",
    ),
    Code.TOO_MANY_FROM_CLIENT: (
        _(
            "For mange påmeldinger er sendt fra denne nettadressen den siste timen. "
            "Ingenting er lagret. Prøv igjen senere."
        ),
        "Too many registrations from this network address in the last hour. Nothing was saved.",
    ),
    Code.TOO_MANY_TO_ADDRESS: (
        _(
            "Det er sendt så mange bekreftelseslenker til denne e-postadressen det siste døgnet "
            "at vi ikke sender flere nå. Ingenting er lagret. Prøv igjen i morgen."
        ),
        "Too many confirmation e-mails to this address in the last day. Nothing was saved.",
    ),
    Code.TOO_MANY_FOR_MEETING: (
        _(
            "Møtet har fått svært mange påmeldinger den siste timen. Ingenting er lagret. "
            "Prøv igjen om en stund."
        ),
        "Too many registrations for this meeting in the last hour. Nothing was saved.",
    ),
    Code.CONSULTATION_NOT_OPEN: (
        _("Innspillsrunden åpner %(opens)s."),
        "The consultation opens at %(opens)s.",
    ),
    Code.CONSULTATION_CLOSED: (
        _("Fristen for innspill gikk ut %(deadline)s."),
        "The deadline for input passed at %(deadline)s.",
    ),
    Code.UNKNOWN_THEME: (
        _("Et valgt tema hører ikke til denne innspillsrunden."),
        "A chosen theme does not belong to this consultation.",
    ),
    Code.NEEDS_THEMES: (
        _("En innspillsrunde må ha minst ett tema."),
        "A consultation needs at least one theme.",
    ),
    Code.ORGANISATION_REQUIRED: (
        _("Oppgi organisasjonen når innspillet sendes på vegne av en organisasjon."),
        "Give the organisation when submitting on its behalf.",
    ),
    Code.FILE_NOT_PDF_OR_WORD: (
        _("Vedlegget må være en PDF- eller Word-fil (docx). Innholdet i filen er ikke det."),
        "The attachment must be a PDF or Word (docx) file; its content is not.",
    ),
    Code.FILE_DAMAGED: (
        _("Vedlegget ser ut som en %(kind)s-fil, men kan ikke leses. Er filen skadet?"),
        "The attachment looks like a %(kind)s file but cannot be read.",
    ),
    Code.UNKNOWN_INDICATOR: (
        _("Ukjent indikator: %(indicator)s."),
        "Unknown indicator: %(indicator)s.",
    ),
    Code.CASE_CLOSED: (_("Saken er avsluttet."), "The case is closed."),
    Code.NOT_A_FORUM_MEETING: (
        _("Møtet hører ikke til et samarbeidsforum."),
        "The meeting does not belong to a forum.",
    ),
    Code.CASE_OTHER_FORUM: (
        _("Saken hører til et annet forum enn møtet."),
        "The case belongs to another forum than the meeting.",
    ),
    Code.TEXT_REQUIRED: (_("Teksten kan ikke være tom."), "The text cannot be empty."),
    Code.UNKNOWN_COMMITMENT: (_("Avtalen finnes ikke."), "The agreement does not exist."),
    Code.UNKNOWN_MILESTONE: (_("Milepælen finnes ikke."), "The milestone does not exist."),
    Code.OWNER_NOT_A_PARTY: (
        _("Den ansvarlige må være en aktiv part i forumet."),
        "The owner must be an active party of the forum.",
    ),
    Code.DECISION_OTHER_CASE: (
        _("Vedtaket hører til en annen sak."),
        "The decision belongs to another case.",
    ),
    Code.ENDS_BEFORE_START: (
        _("Planlagt ferdig kan ikke være før avtalt dato."),
        "The planned end cannot be before the agreed date.",
    ),
    Code.PERCENT_OUT_OF_RANGE: (
        _("Fullført må være et helt tall fra 0 til 100 prosent (fikk %(percent)s)."),
        "Completion must be a whole number from 0 to 100 per cent (got %(percent)s).",
    ),
    Code.DONE_NEEDS_100: (
        _("En fullført avtale må være 100 prosent fullført."),
        "A completed agreement must be 100 per cent complete.",
    ),
    Code.UNKNOWN_STATUS: (_("Ukjent status: %(status)s."), "Unknown status: %(status)s."),
    Code.PROGRESS_BEFORE_START: (
        _("Fremdrift kan ikke registreres før avtalt dato (%(start)s)."),
        "Progress cannot be recorded before the agreed date (%(start)s).",
    ),
    Code.PROGRESS_BEFORE_LAST: (
        _("Datoen er før siste registrerte fremdrift (%(last)s)."),
        "The date is before the last recorded progress (%(last)s).",
    ),
    Code.DATE_IN_FUTURE: (
        _("Datoen kan ikke være fram i tid."),
        "The date cannot be in the future.",
    ),
    Code.MILESTONE_DUE_BEFORE_START: (
        _("Fristen for milepælen kan ikke være før avtalt dato (%(start)s)."),
        "The milestone's due date cannot be before the agreed date (%(start)s).",
    ),
    Code.MILESTONE_DONE_BEFORE_START: (
        _("En milepæl kan ikke være nådd før avtalen ble inngått (%(start)s)."),
        "A milestone cannot be done before the agreement started (%(start)s).",
    ),
    Code.MILESTONE_ALREADY_DONE: (
        _("Milepælen er allerede registrert som nådd."),
        "The milestone is already recorded as done.",
    ),
    Code.UNKNOWN_MUNICIPALITY: (_("Kommunen finnes ikke."), "The municipality does not exist."),
    Code.CONTACT_DATE_IN_FUTURE: (
        _("Datoen for siste kontakt kan ikke være fram i tid."),
        "The date of the last contact cannot be in the future.",
    ),
    Code.NOTE_TOO_LONG: (
        _("Notatet kan ha høyst %(limit)s tegn."),
        "The note can have at most %(limit)s characters.",
    ),
    Code.NOTE_HAS_NIN: (
        _("Notatet kan ikke inneholde fødselsnummer."),
        "The note cannot contain a national identity number.",
    ),
    Code.MEETING_ENDED: (
        _("Møtet er holdt (%(date)s). Fristen kan ikke forlenges, og ingen kan inviteres."),
        "The meeting has taken place (%(date)s); the deadline cannot be extended "
        "and no one can be invited.",
    ),
    Code.MEETING_NOT_PUBLISHED: (
        _("Møtet er et utkast. Publiser det før du inviterer, så lenken virker."),
        "The meeting is a draft. Publish it before inviting, so the link works.",
    ),
    Code.MUNICIPALITY_OUTSIDE_COUNTY: (
        _("Kommunen %(municipality)s ligger ikke i møtets fylke."),
        "The municipality %(municipality)s is not in the meeting's county.",
    ),
    Code.INVITEE_REQUIRED: (
        _("Velg minst én kommune, eller oppgi navn og e-post for en person."),
        "Choose at least one municipality, or give a person's name and e-mail.",
    ),
    Code.ATTENDANCE_BEFORE_MEETING: (
        _("Oppmøte kan føres fra møtet starter (%(start)s)."),
        "Attendance can be recorded from the start of the meeting (%(start)s).",
    ),
    Code.NOT_A_PARTICIPANT: (
        _("Påmeldingen hører ikke til møtet eller har ikke plass."),
        "The registration does not belong to the meeting or holds no seat.",
    ),
    Code.NOT_A_COUNTY_MEETING: (
        _("Situasjonsbilde lages for møter i et fylke."),
        "A situation report is made for a meeting in a county.",
    ),
    Code.NO_STATISTICS: (
        _("Statistikken er ikke fylt ennå, så situasjonsbildet kan ikke lages."),
        "The statistics have not been filled yet; the situation report cannot be made.",
    ),
    Code.NO_SITUATION_REPORT: (
        _("Møtet har ikke noe slikt situasjonsbilde."),
        "The meeting has no such situation report.",
    ),
    Code.CONSULTATION_NOT_DRAFT: (
        _("Bare et utkast kan åpnes. Innspillsrunden er nå: %(phase)s."),
        "Only a draft can be opened. The consultation is now: %(phase)s.",
    ),
    Code.CONSULTATION_NOT_RUNNING: (
        _(
            "Fristen kan bare forlenges, og runden lukkes, mens innspillsrunden er åpen. "
            "Den er nå: %(phase)s."
        ),
        "The deadline can be extended, and the consultation closed, only while it is "
        "open. It is now: %(phase)s.",
    ),
    Code.CONSULTATION_NOT_CLOSED: (
        _(
            "Oppsummeringen kan publiseres først når innspillsrunden er lukket. "
            "Den er nå: %(phase)s."
        ),
        "The summary can be published only when the consultation is closed. It is now: %(phase)s.",
    ),
    Code.DEADLINE_PASSED_BEFORE_OPENING: (
        _("Fristen (%(deadline)s) har gått ut. Sett en ny frist før runden åpnes."),
        "The deadline (%(deadline)s) has passed. Set a new deadline before opening.",
    ),
    Code.EXTENSION_NOT_LATER: (
        _("Den nye fristen må være etter den gjeldende fristen (%(deadline)s)."),
        "The new deadline must be after the current one (%(deadline)s).",
    ),
    Code.REASON_REQUIRED: (
        _("Oppgi en begrunnelse. Den lagres og vises sammen med endringen."),
        "Give a reason; it is stored and shown with the change.",
    ),
    Code.SUMMARY_REQUIRED: (
        _("Skriv oppsummeringen før den publiseres."),
        "Write the summary before publishing it.",
    ),
    Code.SECTIONS_LOCKED: (
        _("Høringsteksten kan bare endres mens innspillsrunden er et utkast."),
        "The draft text can be changed only while the consultation is a draft.",
    ),
    Code.SECTIONS_BAD_TEXT: (
        _(
            "Hvert punkt må begynne med en linje som starter med «# » og overskriften. "
            "Linje %(line)s står før første overskrift."
        ),
        "Each section must begin with a line starting with '# ' and its heading. "
        "Line %(line)s comes before the first heading.",
    ),
    Code.UNKNOWN_SECTION: (
        _("Et punkt hører ikke til denne innspillsrunden."),
        "A section does not belong to this consultation.",
    ),
    Code.UNKNOWN_SUBMISSION: (_("Innspillet finnes ikke."), "The submission does not exist."),
    Code.UNKNOWN_WITHHOLD_REASON: (
        _("Velg en av de lovlige grunnene for å holde tilbake et svar."),
        "Choose one of the lawful reasons for withholding an answer.",
    ),
    Code.NON_PUBLIC_REASON_REQUIRED: (
        _("Oppgi hvorfor svaret ikke bør offentliggjøres."),
        "Say why the answer should not be published.",
    ),
    Code.UNKNOWN_GROUP: (_("Gruppen finnes ikke."), "The group does not exist."),
    Code.UNKNOWN_ACTION: (
        _("Oppfølgingspunktet finnes ikke."),
        "The follow-up action does not exist.",
    ),
    Code.RAPPORTEUR_NOT_PARTICIPANT: (
        _("Referenten må være påmeldt dette møtet."),
        "The rapporteur must be registered for this meeting.",
    ),
    Code.RAPPORTEUR_AMBIGUOUS: (
        _("Velg en påmeldt deltaker eller skriv et navn som referent, ikke begge."),
        "Choose a registered participant or write a name as rapporteur, not both.",
    ),
    Code.QUESTION_NOT_IN_GROUP: (
        _("Spørsmålet hører ikke til denne gruppen."),
        "The question does not belong to this group.",
    ),
    Code.ACTION_OWNER_MISSING: (
        _(
            "Oppgi hvem som er ansvarlig: en kommune, en part, Statsforvalteren eller navnet "
            "på en organisasjon."
        ),
        "Give who is responsible: a municipality, a party, the county governor or a name.",
    ),
    Code.UNKNOWN_PARTY: (
        _("Parten finnes ikke eller er ikke aktiv."),
        "The party does not exist or is not active.",
    ),
    Code.NO_COUNTY_GOVERNOR: (
        _("Et nasjonalt møte har ingen statsforvalter som kan være ansvarlig."),
        "A national meeting has no county governor to be responsible.",
    ),
    Code.DUE_BEFORE_MEETING: (
        _("Fristen kan ikke være før møtedagen %(date)s."),
        "The due date cannot be before the meeting day %(date)s.",
    ),
    Code.STATUS_UNCHANGED: (
        _("Statusen er den samme som før. Skriv en kommentar hvis du vil legge til en merknad."),
        "The status is unchanged. Write a comment to add a remark.",
    ),
}


class DialogueError(CodedError):
    """A refused dialogue operation, with the English text for the API."""

    MESSAGES = MESSAGES


def refuse(code: Code, **params: Any) -> NoReturn:
    raise DialogueError(code, params or None)
