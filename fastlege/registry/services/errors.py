"""The registry's domain errors: one stable code per refusal, one Norwegian message.

The code is what the API returns and what tests check; the message is what a
person reads. Messages never contain an identity number.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any, NoReturn

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from fastlege.core.errors import DomainError


class Code(StrEnum):
    # who is acting
    NOT_AUTHORISED = "not_authorised"
    CHILD_DECIDES_SELF = "child_decides_self"
    CHILD_TOO_YOUNG = "child_too_young"
    PARENTAL_CONSENT_REQUIRED = "parental_consent_required"
    # the person
    UNKNOWN_PERSON = "unknown_person"
    PERSON_NOT_RESIDENT = "person_not_resident"
    NOT_IN_SCHEME = "not_in_scheme"
    ALREADY_IN_SCHEME = "already_in_scheme"
    RESIDENT_EXISTS = "resident_exists"
    INVALID_NIN = "invalid_nin"
    UNKNOWN_MOTHER = "unknown_mother"
    SAME_MUNICIPALITY = "same_municipality"
    NOT_A_MEMBER = "not_a_member"
    ALREADY_ON_A_LIST = "already_on_a_list"
    # the list
    UNKNOWN_LIST = "unknown_list"
    UNKNOWN_DOCTOR = "unknown_doctor"
    UNKNOWN_PRACTICE = "unknown_practice"
    LIST_ENDED = "list_ended"
    LIST_FULL = "list_full"
    LIST_CLOSED = "list_closed"
    LIST_HAS_FREE_PLACES = "list_has_free_places"
    ALREADY_ON_LIST = "already_on_list"
    REMOVED_FROM_GP = "removed_from_gp"
    PRACTICE_OTHER_MUNICIPALITY = "practice_other_municipality"
    TARGET_OTHER_MUNICIPALITY = "target_other_municipality"
    TARGET_SAME_LIST = "target_same_list"
    NO_FREE_LIST = "no_free_list"
    INSUFFICIENT_CAPACITY = "insufficient_capacity"
    # switching and waiting lists
    SWITCH_QUOTA_USED = "switch_quota_used"
    SWITCH_ALREADY_PENDING = "switch_already_pending"
    SWITCH_NOT_PENDING = "switch_not_pending"
    SWITCH_ALREADY_EFFECTIVE = "switch_already_effective"
    ALREADY_WAITING = "already_waiting"
    NOT_WAITING = "not_waiting"
    # doctors, agreements, substitutes
    GP_NOT_ON_AGREEMENT = "gp_not_on_agreement"
    LIST_HAS_GP = "list_has_gp"
    LIST_WITHOUT_GP = "list_without_gp"
    DOCTOR_TOO_OLD = "doctor_too_old"
    NOTICE_TOO_SHORT = "notice_too_short"
    TERMINATION_NOTICE_TOO_SHORT = "termination_notice_too_short"
    TERMINATION_REASON_REQUIRED = "termination_reason_required"
    INVALID_END_REASON = "invalid_end_reason"
    AGE_LIMIT_REACHED = "age_limit_reached"
    AGE_LIMIT_NOT_REACHED = "age_limit_not_reached"
    EXTENSION_BEYOND_CAP = "extension_beyond_cap"
    EXTENSION_NOT_NEEDED = "extension_not_needed"
    COMPETENCE_REQUIREMENT_NOT_MET = "competence_requirement_not_met"
    SUBSTITUTE_DOUBLE_CLAIM = "substitute_double_claim"
    SUBSTITUTE_IS_LIST_GP = "substitute_is_list_gp"
    PERCENTAGE_OUT_OF_RANGE = "percentage_out_of_range"
    ABSENCE_ALREADY_DECIDED = "absence_already_decided"
    NO_SUBSTITUTE_CHOSEN = "no_substitute_chosen"
    ABSENCE_WITHOUT_END = "absence_without_end"
    UNKNOWN_ABSENCE = "unknown_absence"
    UNKNOWN_DECISION = "unknown_decision"
    # shared-list wind-downs (deleliste)
    WIND_DOWN_TOO_YOUNG = "wind_down_too_young"
    WIND_DOWN_EXISTS = "wind_down_exists"
    WIND_DOWN_HAND_OVER_NOT_AFTER_START = "wind_down_hand_over_not_after_start"
    WIND_DOWN_SUCCESSOR_IS_OUTGOING = "wind_down_successor_is_outgoing"
    WIND_DOWN_NOT_ACTIVE = "wind_down_not_active"
    UNKNOWN_WIND_DOWN = "unknown_wind_down"
    # ceilings and reductions
    CEILING_OUT_OF_RANGE = "ceiling_out_of_range"
    LOW_CEILING_NEEDS_APPROVAL = "low_ceiling_needs_approval"
    CEILING_UNCHANGED = "ceiling_unchanged"
    CEILING_CHANGE_PENDING = "ceiling_change_pending"
    CEILING_CHANGE_NOT_PENDING = "ceiling_change_not_pending"
    REDUCTION_FROM_GP_ONLY = "reduction_from_gp_only"
    NO_REDUCTION_NEEDED = "no_reduction_needed"
    REDUCTION_EXCEEDS_EXCESS = "reduction_exceeds_excess"
    REDUCTION_ALREADY_PREPARED = "reduction_already_prepared"
    REDUCTION_NOT_PREPARED = "reduction_not_prepared"
    INVALID_COUNT = "invalid_count"
    # dates
    INVALID_PERIOD = "invalid_period"
    NOT_FIRST_OF_MONTH = "not_first_of_month"
    DATE_IN_PAST = "date_in_past"
    DATE_IN_FUTURE = "date_in_future"
    OUTSIDE_AGREEMENT = "outside_agreement"
    # notifications
    NOTHING_TO_PRINT = "nothing_to_print"
    UNKNOWN_NOTIFICATION = "unknown_notification"
    REASON_REQUIRED = "reason_required"
    UNKNOWN_MUNICIPALITY = "unknown_municipality"
    # import from files
    IMPORT_REFUSED = "import_refused"


MESSAGES: dict[Code, Promise] = {
    Code.NOT_AUTHORISED: _("Du har ikke tilgang til å gjøre dette."),
    Code.CHILD_DECIDES_SELF: _(
        "Barnet har fylt 16 år og bestemmer selv over valg av fastlege "
        "(pasientrettighetsforskriften § 6). Foreldre trenger fullmakt."
    ),
    Code.CHILD_TOO_YOUNG: _(
        "Barn under 12 år kan ikke selv be om bytte; det gjør den som har foreldreansvaret "
        "(pasientrettighetsforskriften § 6)."
    ),
    Code.PARENTAL_CONSENT_REQUIRED: _(
        "Barn mellom 12 og 16 år kan be om bytte bare med samtykke fra den som har "
        "foreldreansvaret (pasientrettighetsforskriften § 6)."
    ),
    Code.UNKNOWN_PERSON: _("Personen finnes ikke i fastlegeregisteret."),
    Code.PERSON_NOT_RESIDENT: _(
        "Personen er ikke registrert som bosatt i Norge og har ikke rett til fastlege "
        "(pasientrettighetsforskriften § 2)."
    ),
    Code.NOT_IN_SCHEME: _(
        "Personen har reservert seg mot fastlegeordningen. Meld personen inn igjen først."
    ),
    Code.ALREADY_IN_SCHEME: _("Personen er allerede med i fastlegeordningen."),
    Code.RESIDENT_EXISTS: _("Personen er allerede registrert som bosatt."),
    Code.INVALID_NIN: _("Fødselsnummeret er ikke gyldig: %(detail)s"),
    Code.UNKNOWN_MOTHER: _("Moren finnes ikke i fastlegeregisteret."),
    Code.SAME_MUNICIPALITY: _("Personen bor allerede i denne kommunen."),
    Code.NOT_A_MEMBER: _("Personen står ikke på denne fastlegelisten."),
    Code.ALREADY_ON_A_LIST: _("Personen står allerede på en fastlegeliste og er ikke ufordelt."),
    Code.UNKNOWN_LIST: _("Fastlegelisten finnes ikke."),
    Code.UNKNOWN_DOCTOR: _("Legen finnes ikke i registeret."),
    Code.UNKNOWN_PRACTICE: _("Legekontoret finnes ikke."),
    Code.LIST_ENDED: _("Fastlegelisten er avsluttet og kan ikke velges."),
    Code.LIST_FULL: _(
        "Fastlegelisten er full: det er ingen ledig plass når ventende bytter er regnet med. "
        "Du kan sette deg på venteliste."
    ),
    Code.LIST_CLOSED: _("Fastlegelisten er lukket for nye innbyggere."),
    Code.LIST_HAS_FREE_PLACES: _(
        "Fastlegelisten har ledig plass. Bytt direkte i stedet for å stå på venteliste."
    ),
    Code.ALREADY_ON_LIST: _("Personen står allerede på denne fastlegelisten."),
    Code.REMOVED_FROM_GP: _(
        "Personen er strøket fra denne fastlegens liste etter vedtak om trusler eller vold, "
        "og kan ikke velge samme fastlege igjen (pasientrettighetsforskriften § 2)."
    ),
    Code.PRACTICE_OTHER_MUNICIPALITY: _("Legekontoret ligger ikke i kommunen."),
    Code.TARGET_OTHER_MUNICIPALITY: _("Mållisten hører ikke til samme kommune."),
    Code.TARGET_SAME_LIST: _("Mållisten kan ikke være den samme listen."),
    Code.NO_FREE_LIST: _("Ingen fastlegeliste i kommunen har ledig plass."),
    Code.INSUFFICIENT_CAPACITY: _(
        "Det er ikke nok ledige plasser: %(needed)s trengs, %(free)s er ledige."
    ),
    Code.SWITCH_QUOTA_USED: _(
        "Du har allerede byttet fastlege %(used)s ganger i %(year)s. Du kan bytte høyst "
        "%(limit)s ganger per kalenderår (pasientrettighetsforskriften § 6)."
    ),
    Code.SWITCH_ALREADY_PENDING: _(
        "Det er allerede registrert et bytte som venter. Kanseller det før et nytt bytte "
        "registreres."
    ),
    Code.SWITCH_NOT_PENDING: _("Byttet venter ikke lenger og kan ikke endres."),
    Code.SWITCH_ALREADY_EFFECTIVE: _("Byttet har allerede trådt i kraft og kan ikke kanselleres."),
    Code.ALREADY_WAITING: _("Personen står allerede på ventelisten til denne fastlegen."),
    Code.NOT_WAITING: _("Personen står ikke på noen venteliste."),
    Code.GP_NOT_ON_AGREEMENT: _("Legen er ikke fastlege på denne listen."),
    Code.LIST_HAS_GP: _("Listen har allerede en fastlege i denne perioden."),
    Code.LIST_WITHOUT_GP: _("Listen har ingen fastlege."),
    Code.DOCTOR_TOO_OLD: _(
        "Legen har nådd aldersgrensen for fastlegeavtale (fastlegeforskriften § 12)."
    ),
    Code.NOTICE_TOO_SHORT: _(
        "Fristen er for kort: det kreves %(months)s måneders varsel med mindre kommunen "
        "godkjenner kortere frist (%(basis)s)."
    ),
    Code.TERMINATION_NOTICE_TOO_SHORT: _(
        "Kommunen må si opp avtalen med %(months)s måneders varsel (fastlegeforskriften § 12). "
        "Kortere frist krever avtale med legen; ved vesentlig mislighold eller tap av "
        "autorisasjon avsluttes avtalen straks."
    ),
    Code.TERMINATION_REASON_REQUIRED: _(
        "Kommunen må gi en skriftlig, saklig begrunnelse når den avslutter en "
        "fastlegeavtale (fastlegeforskriften § 12)."
    ),
    Code.INVALID_END_REASON: _("Denne sluttårsaken kan ikke registreres her."),
    Code.AGE_LIMIT_REACHED: _(
        "Legen har nådd aldersgrensen på 70 år, og avtalen har ingen forlengelse som gjelder "
        "%(date)s. Kommunen kan forlenge avtalen for en begrenset tid, men ikke utover "
        "%(cap)s år (fastlegeforskriften § 12)."
    ),
    Code.AGE_LIMIT_NOT_REACHED: _(
        "Legen når ikke aldersgrensen før %(date)s; velg en annen sluttårsak "
        "(fastlegeforskriften § 12)."
    ),
    Code.EXTENSION_BEYOND_CAP: _(
        "Avtalen kan ikke forlenges utover at legen fyller %(cap)s år: senest til %(latest)s "
        "(fastlegeforskriften § 12)."
    ),
    Code.EXTENSION_NOT_NEEDED: _(
        "Legen er under 70 år i hele perioden; avtalen gjelder uten forlengelse til "
        "%(ends)s (fastlegeforskriften § 12)."
    ),
    Code.COMPETENCE_REQUIREMENT_NOT_MET: _(
        "Legen oppfyller ikke kompetansekravet for fastleger fra %(date)s: legen må være "
        "spesialist i allmennmedisin, ha en ALIS-avtale som gjelder fra startdatoen, eller "
        "ha et dokumentert unntak (kompetanseforskriften § 3)."
    ),
    Code.SUBSTITUTE_DOUBLE_CLAIM: _(
        "Vikarperioden overlapper andre vikarperioder slik at det blir mer enn 100 % for "
        "samme tid. Det kan ikke kreves refusjon to ganger for samme tid."
    ),
    Code.SUBSTITUTE_IS_LIST_GP: _("Vikaren kan ikke være listens egen fastlege."),
    Code.PERCENTAGE_OUT_OF_RANGE: _("Stillingsprosenten må være mellom 1 og 100."),
    Code.ABSENCE_ALREADY_DECIDED: _("Kommunen har allerede avgjort dette fraværet."),
    Code.ABSENCE_WITHOUT_END: _(
        "Fraværet har ingen sluttdato ennå. En vikarperiode trenger en sluttdato; "
        "be fastlegen melde siste fraværsdag, eller godkjenn uten vikar."
    ),
    Code.UNKNOWN_ABSENCE: _("Fraværet finnes ikke."),
    Code.UNKNOWN_DECISION: _("Velg en av avgjørelsene."),
    Code.WIND_DOWN_TOO_YOUNG: _(
        "Deleliste kan avtales av fastleger som har fylt %(age)s år når nedtrappingen "
        "starter. Legen er %(actual)s år %(date)s."
    ),
    Code.WIND_DOWN_EXISTS: _(
        "Listen har allerede en avtalt deleliste. Endre eller avbryt den i stedet."
    ),
    Code.WIND_DOWN_HAND_OVER_NOT_AFTER_START: _(
        "Overdragelsen må være etter at nedtrappingen starter."
    ),
    Code.WIND_DOWN_SUCCESSOR_IS_OUTGOING: _("Etterfølgeren kan ikke være legen som trapper ned."),
    Code.WIND_DOWN_NOT_ACTIVE: _("Delelisten er avbrutt og kan ikke endres."),
    Code.UNKNOWN_WIND_DOWN: _("Delelisten finnes ikke."),
    Code.NO_SUBSTITUTE_CHOSEN: _(
        "Velg en vikar (HPR-nummer) før fraværet godkjennes med vikar, eller godkjenn det "
        "uten vikar."
    ),
    Code.CEILING_OUT_OF_RANGE: _(
        "Listetaket må være mellom %(low)s og %(high)s (fastlegeforskriften § 10)."
    ),
    Code.LOW_CEILING_NEEDS_APPROVAL: _(
        "Listetak under 500 må godkjennes av kommunen (fastlegeforskriften § 10)."
    ),
    Code.CEILING_UNCHANGED: _("Listetaket er allerede %(ceiling)s."),
    Code.CEILING_CHANGE_PENDING: _("Det finnes allerede en søknad om endret listetak."),
    Code.CEILING_CHANGE_NOT_PENDING: _("Søknaden om endret listetak er allerede avgjort."),
    Code.REDUCTION_FROM_GP_ONLY: _(
        "Kommunen kan ikke selv sette ned et avtalt listetak; kravet må komme fra fastlegen "
        "(fastlegeforskriften § 11)."
    ),
    Code.NO_REDUCTION_NEEDED: _("Listen er ikke lengre enn listetaket; ingen må flyttes."),
    Code.REDUCTION_EXCEEDS_EXCESS: _(
        "Det kan flyttes høyst %(excess)s personer for å nå listetaket, ikke %(requested)s."
    ),
    Code.REDUCTION_ALREADY_PREPARED: _("Det er allerede forberedt en reduksjon for denne måneden."),
    Code.REDUCTION_NOT_PREPARED: _("Reduksjonen er ikke lenger forberedt og kan ikke endres."),
    Code.INVALID_COUNT: _("Antallet må være et positivt heltall."),
    Code.INVALID_PERIOD: _("Perioden kan ikke slutte før eller samme dag som den starter."),
    Code.NOT_FIRST_OF_MONTH: _(
        "Endringer på fastlegelister gjelder fra den 1. i en måned. Velg den 1."
    ),
    Code.DATE_IN_PAST: _("Datoen kan ikke ligge tilbake i tid."),
    Code.DATE_IN_FUTURE: _("Datoen kan ikke ligge fram i tid."),
    Code.OUTSIDE_AGREEMENT: _("Perioden ligger utenfor fastlegeavtalens gyldighet."),
    Code.NOTHING_TO_PRINT: _("Det er ingen nye meldinger å skrive ut."),
    Code.UNKNOWN_NOTIFICATION: _("Meldingen finnes ikke."),
    Code.REASON_REQUIRED: _("Vedtaket må ha en begrunnelse."),
    Code.UNKNOWN_MUNICIPALITY: _("Kommunen finnes ikke."),
    Code.IMPORT_REFUSED: _(
        "Filene ble ikke lest inn: %(count)s feil. Ingenting er endret; rett linjene og "
        "les inn filene på nytt."
    ),
}


#: The same refusals in English, for the API's problem responses (``detail_en``); the
#: same ``%(name)s`` parameters as the Norwegian text.
ENGLISH: dict[Code, str] = {
    Code.NOT_AUTHORISED: "You are not allowed to do this.",
    Code.CHILD_DECIDES_SELF: (
        "The child is 16 or older and chooses their own GP (pasientrettighetsforskriften "
        "§ 6). Parents need a power of attorney."
    ),
    Code.CHILD_TOO_YOUNG: (
        "Children under 12 cannot ask to switch themselves; the person with parental "
        "responsibility does (pasientrettighetsforskriften § 6)."
    ),
    Code.PARENTAL_CONSENT_REQUIRED: (
        "Children aged 12 to 16 may ask to switch only with the consent of the person "
        "with parental responsibility (pasientrettighetsforskriften § 6)."
    ),
    Code.UNKNOWN_PERSON: "The person is not in the GP register.",
    Code.PERSON_NOT_RESIDENT: (
        "The person is not registered as resident in Norway and has no right to a GP "
        "(pasientrettighetsforskriften § 2)."
    ),
    Code.NOT_IN_SCHEME: (
        "The person has opted out of the GP scheme. Register them in the scheme again first."
    ),
    Code.ALREADY_IN_SCHEME: "The person is already in the GP scheme.",
    Code.RESIDENT_EXISTS: "The person is already registered as resident.",
    Code.INVALID_NIN: "The identity number is not valid: %(detail)s",
    Code.UNKNOWN_MOTHER: "The mother is not in the GP register.",
    Code.SAME_MUNICIPALITY: "The person already lives in this municipality.",
    Code.NOT_A_MEMBER: "The person is not on this GP list.",
    Code.ALREADY_ON_A_LIST: "The person is already on a GP list and is not unassigned.",
    Code.UNKNOWN_LIST: "The GP list does not exist.",
    Code.UNKNOWN_DOCTOR: "The doctor is not in the register.",
    Code.UNKNOWN_PRACTICE: "The practice does not exist.",
    Code.LIST_ENDED: "The GP list has ended and cannot be chosen.",
    Code.LIST_FULL: (
        "The GP list is full: there is no free place once pending moves are counted. "
        "You may join the waiting list."
    ),
    Code.LIST_CLOSED: "The GP list is closed to new residents.",
    Code.LIST_HAS_FREE_PLACES: (
        "The GP list has free places. Switch directly instead of joining the waiting list."
    ),
    Code.ALREADY_ON_LIST: "The person is already on this GP list.",
    Code.REMOVED_FROM_GP: (
        "The person was removed from this GP's list after a decision on threats or violence "
        "and cannot choose the same GP again (pasientrettighetsforskriften § 2)."
    ),
    Code.PRACTICE_OTHER_MUNICIPALITY: "The practice is not in the municipality.",
    Code.TARGET_OTHER_MUNICIPALITY: "The target list does not belong to the same municipality.",
    Code.TARGET_SAME_LIST: "The target list cannot be the same list.",
    Code.NO_FREE_LIST: "No GP list in the municipality has a free place.",
    Code.INSUFFICIENT_CAPACITY: (
        "There are not enough free places: %(needed)s are needed, %(free)s are free."
    ),
    Code.SWITCH_QUOTA_USED: (
        "The person has already switched GP %(used)s times in %(year)s; at most %(limit)s "
        "switches a calendar year are allowed (pasientrettighetsforskriften § 6)."
    ),
    Code.SWITCH_ALREADY_PENDING: (
        "The person already has a pending switch. Cancel it before registering a new one."
    ),
    Code.SWITCH_NOT_PENDING: "The switch is no longer pending and cannot be changed.",
    Code.SWITCH_ALREADY_EFFECTIVE: "The switch has already taken effect and cannot be cancelled.",
    Code.ALREADY_WAITING: "The person is already on this GP's waiting list.",
    Code.NOT_WAITING: "The person is not on any waiting list.",
    Code.GP_NOT_ON_AGREEMENT: "The doctor is not the regular GP of this list.",
    Code.LIST_HAS_GP: "The list already has a regular GP in this period.",
    Code.LIST_WITHOUT_GP: "The list has no regular GP.",
    Code.DOCTOR_TOO_OLD: (
        "The doctor has reached the age limit for a GP agreement (fastlegeforskriften § 12)."
    ),
    Code.NOTICE_TOO_SHORT: (
        "The notice is too short: %(months)s months' notice is required unless the "
        "municipality approves a shorter one (%(basis)s)."
    ),
    Code.TERMINATION_NOTICE_TOO_SHORT: (
        "The municipality must terminate the agreement with %(months)s months' notice "
        "(fastlegeforskriften § 12). A shorter notice needs the GP's agreement; a serious "
        "breach or loss of authorisation ends the agreement at once."
    ),
    Code.TERMINATION_REASON_REQUIRED: (
        "The municipality must give a written, valid reason when it ends a GP agreement "
        "(fastlegeforskriften § 12)."
    ),
    Code.INVALID_END_REASON: "This end reason cannot be registered here.",
    Code.AGE_LIMIT_REACHED: (
        "The doctor has reached the age limit of 70, and the agreement has no extension "
        "covering %(date)s. The municipality may extend the agreement for a limited time, "
        "but not beyond %(cap)s years (fastlegeforskriften § 12)."
    ),
    Code.AGE_LIMIT_NOT_REACHED: (
        "The doctor does not reach the age limit before %(date)s; choose another end reason "
        "(fastlegeforskriften § 12)."
    ),
    Code.EXTENSION_BEYOND_CAP: (
        "The agreement cannot be extended beyond the doctor's %(cap)s birthday: at the latest "
        "until %(latest)s (fastlegeforskriften § 12)."
    ),
    Code.EXTENSION_NOT_NEEDED: (
        "The doctor is under 70 for the whole period; the agreement runs without an "
        "extension until %(ends)s (fastlegeforskriften § 12)."
    ),
    Code.COMPETENCE_REQUIREMENT_NOT_MET: (
        "The doctor does not meet the competence requirement for GPs from %(date)s: the "
        "doctor must be a specialist in general practice, have an ALIS agreement in force "
        "from the start date, or have a documented exemption (kompetanseforskriften § 3)."
    ),
    Code.SUBSTITUTE_DOUBLE_CLAIM: (
        "The substitute period overlaps other substitute periods so that they exceed 100 % "
        "for the same time. Reimbursement cannot be claimed twice for the same time."
    ),
    Code.SUBSTITUTE_IS_LIST_GP: "The substitute cannot be the list's own regular GP.",
    Code.PERCENTAGE_OUT_OF_RANGE: "The percentage must be between 1 and 100.",
    Code.ABSENCE_ALREADY_DECIDED: "The municipality has already decided this absence.",
    Code.ABSENCE_WITHOUT_END: (
        "The absence has no end date yet. A substitute period needs an end date; ask the GP "
        "for the last day of absence, or approve without a substitute."
    ),
    Code.UNKNOWN_ABSENCE: "The absence does not exist.",
    Code.UNKNOWN_DECISION: "Choose one of the decisions.",
    Code.WIND_DOWN_TOO_YOUNG: (
        "A shared list (deleliste) may be agreed by GPs who are %(age)s or older when the "
        "wind-down starts. The doctor is %(actual)s on %(date)s."
    ),
    Code.WIND_DOWN_EXISTS: (
        "The list already has an agreed shared list. Change or cancel it instead."
    ),
    Code.WIND_DOWN_HAND_OVER_NOT_AFTER_START: (
        "The hand-over must come after the wind-down starts."
    ),
    Code.WIND_DOWN_SUCCESSOR_IS_OUTGOING: (
        "The successor cannot be the doctor who is winding down."
    ),
    Code.WIND_DOWN_NOT_ACTIVE: "The shared list has been cancelled and cannot be changed.",
    Code.UNKNOWN_WIND_DOWN: "The shared list does not exist.",
    Code.NO_SUBSTITUTE_CHOSEN: (
        "Choose a substitute (HPR number) before approving the absence with a substitute, "
        "or approve it without one."
    ),
    Code.CEILING_OUT_OF_RANGE: (
        "The list ceiling must be between %(low)s and %(high)s (fastlegeforskriften § 10)."
    ),
    Code.LOW_CEILING_NEEDS_APPROVAL: (
        "A list ceiling under 500 must be approved by the municipality (fastlegeforskriften § 10)."
    ),
    Code.CEILING_UNCHANGED: "The list ceiling is already %(ceiling)s.",
    Code.CEILING_CHANGE_PENDING: "A request for a new list ceiling is already pending.",
    Code.CEILING_CHANGE_NOT_PENDING: (
        "The request for a new list ceiling has already been decided."
    ),
    Code.REDUCTION_FROM_GP_ONLY: (
        "The municipality cannot lower an agreed list ceiling itself; the request must come "
        "from the GP (fastlegeforskriften § 11)."
    ),
    Code.NO_REDUCTION_NEEDED: "The list is not longer than its ceiling; nobody has to move.",
    Code.REDUCTION_EXCEEDS_EXCESS: (
        "At most %(excess)s persons may be moved to reach the list ceiling, not %(requested)s."
    ),
    Code.REDUCTION_ALREADY_PREPARED: "A reduction has already been prepared for this month.",
    Code.REDUCTION_NOT_PREPARED: ("The reduction is no longer prepared and cannot be changed."),
    Code.INVALID_COUNT: "The number must be a positive integer.",
    Code.INVALID_PERIOD: "The period cannot end before or on the day it starts.",
    Code.NOT_FIRST_OF_MONTH: (
        "Changes to GP lists take effect on the 1st of a month. Choose the 1st."
    ),
    Code.DATE_IN_PAST: "The date cannot be in the past.",
    Code.DATE_IN_FUTURE: "The date cannot be in the future.",
    Code.OUTSIDE_AGREEMENT: "The period lies outside the GP agreement's validity.",
    Code.NOTHING_TO_PRINT: "There are no new letters to print.",
    Code.UNKNOWN_NOTIFICATION: "The notification does not exist.",
    Code.REASON_REQUIRED: "The decision needs a reason.",
    Code.UNKNOWN_MUNICIPALITY: "The municipality does not exist.",
    Code.IMPORT_REFUSED: (
        "The files were not imported: %(count)s errors. Nothing was changed; correct the "
        "lines and import the files again."
    ),
}


class RegistryError(DomainError):
    """A refusal of the registry: the Norwegian message, and ``english`` for the API."""

    def __init__(self, code: Code, params: dict[str, Any] | None = None) -> None:
        message = str(MESSAGES[code])
        super().__init__(message % params if params else message, code=code.value)
        english = ENGLISH[code]
        self.english = english % params if params else english


def refuse(code: Code, **params: Any) -> NoReturn:
    """Raise the registry's domain error for ``code``."""
    raise RegistryError(code, params or None)
