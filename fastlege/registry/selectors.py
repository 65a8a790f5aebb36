"""Reads for pages, the API and exports, scoped to what the caller may see.

List information (lists, free places, queue lengths) is public: the
municipality must tell everyone who has free places (fastlegeforskriften § 6).
A person's own data is for the person, their parent while they are under 16,
their municipality and national staff; a read by anyone but the person is
written to the audit trail.
"""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from fastlege.core import audit
from fastlege.core.identity import parse_nin
from fastlege.registry import capacity, rules
from fastlege.registry.models import (
    Agreement,
    DoctorPeriod,
    ListMembership,
    Notification,
    NotificationBatch,
    Resident,
    SwitchRequest,
    WaitingListEntry,
    WindDown,
)
from fastlege.registry.periods import in_force_on
from fastlege.registry.services import access
from fastlege.registry.services.citizen import switches_counted
from fastlege.registry.services.errors import Code, refuse
from fastlege.registry.services.reduction import draw_basis

PENDING = SwitchRequest.Status.PENDING


def _own(actor: Any, resident: Resident, reason: str) -> None:
    """Check the caller may see this person's data; audit the read unless it is their own."""
    today = timezone.localdate()
    scope = access.require_own_or_staff(actor, resident, today)
    if scope.system or resident.pk in scope.residents:
        return
    audit.record_read(actor, resident, reason)


def visible_residents(actor: Any) -> QuerySet[Resident]:
    """People whose data the caller may list: national sees all; a municipality its
    residents and the people on its lists; a GP the people on their lists; a citizen
    themselves and their children under 16."""
    scope = access.scope_of(actor)
    if scope.everything:
        return Resident.objects.all()
    today = timezone.localdate()
    q = Q(pk__in=list(scope.residents))
    if scope.residents:
        youngest_adult = rules.add_months(
            today, -12 * int(rules.param("child_age_self_decides", today))
        )
        q |= (Q(mother_id__in=scope.residents) | Q(father_id__in=scope.residents)) & Q(
            birth_date__gt=youngest_adult
        )
    if scope.municipalities:
        q |= Q(municipality_id__in=scope.municipalities)
        q |= Q(
            memberships__valid_to__isnull=True,
            memberships__agreement__municipality_id__in=scope.municipalities,
        )
    if scope.doctors:
        q |= Q(
            memberships__valid_to__isnull=True,
            memberships__agreement__doctor_periods__doctor_id__in=scope.doctors,
            memberships__agreement__doctor_periods__valid_to__isnull=True,
        )
    return Resident.objects.filter(q).distinct()


def find_resident(actor: Any, nin: str) -> Resident:
    """Look a person up by identity number (staff). Unknown: a clear error, no number echoed."""
    scope = access.scope_of(actor)
    if not (scope.everything or scope.municipalities):
        refuse(Code.NOT_AUTHORISED)
    try:
        number = parse_nin(nin).number
    except ValidationError:  # a malformed number is simply not found
        refuse(Code.UNKNOWN_PERSON)
    person = visible_residents(actor).filter(nin=number).first()
    if person is None:
        refuse(Code.UNKNOWN_PERSON)
    if not scope.system:
        audit.record_read(actor, person, "oppslag på fødselsnummer")
    return person


def free_places(agreement: Agreement | int) -> int:
    """Ceiling − current members − pending moves onto the list (public)."""
    pk: Any = getattr(agreement, "pk", agreement)
    return capacity.list_free_places(Agreement.objects.only("ceiling").get(pk=pk))


def waiting_on_list() -> Coalesce:
    """The number waiting on the list now, as an annotation of a query on Agreement."""
    waiting = (
        WaitingListEntry.objects.filter(
            agreement_id=OuterRef("pk"), status=WaitingListEntry.Status.WAITING
        )
        .order_by()
        .values("agreement_id")
        .annotate(n=Count("*"))
        .values("n")
    )
    return Coalesce(
        Subquery(waiting, output_field=IntegerField()), Value(0, output_field=IntegerField())
    )


def lists_with_free_places(
    municipality_id: str, on: datetime.date | None = None
) -> QuerySet[Agreement]:
    """The municipality's lists in force on ``on``, annotated with ``members``,
    ``incoming`` (pending moves onto the list), ``free`` (may be negative when the list
    is above its ceiling) and ``waiting``. One query."""
    on = on or timezone.localdate()
    return capacity.with_places_left(
        Agreement.objects.filter(in_force_on(on), municipality_id=municipality_id)
        .select_related("practice")
        .annotate(waiting=waiting_on_list())
    ).order_by("pk")


def current_membership(actor: Any, resident: Resident) -> ListMembership | None:
    _own(actor, resident, "innsyn i fastlege")
    return (
        ListMembership.objects.filter(resident_id=resident.pk, valid_to__isnull=True)
        .select_related("agreement__practice")
        .order_by("pk")
        .first()
    )


def membership_history(actor: Any, resident: Resident) -> list[ListMembership]:
    _own(actor, resident, "innsyn i listehistorikk")
    return list(
        ListMembership.objects.filter(resident_id=resident.pk)
        .select_related("agreement__practice")
        .order_by("valid_from", "pk")
    )


def pending_switch(actor: Any, resident: Resident) -> SwitchRequest | None:
    _own(actor, resident, "innsyn i bytte")
    return (
        SwitchRequest.objects.filter(resident_id=resident.pk, status=PENDING).order_by("pk").first()
    )


@dataclass(frozen=True)
class SwitchQuota:
    year: int
    used: int
    limit: int

    @property
    def left(self) -> int:
        return max(0, self.limit - self.used)


def switch_quota(actor: Any, resident: Resident, year: int | None = None) -> SwitchQuota:
    """How many ordinary switches the person has used and has left in a calendar year."""
    _own(actor, resident, "innsyn i bytter")
    today = timezone.localdate()
    year = year or rules.quota_year(today, rules.switch_effective_on(today))
    return SwitchQuota(
        year, switches_counted(resident.pk, today, year), rules.ordinary_switches_per_year(today)
    )


@dataclass(frozen=True)
class QueuePlace:
    agreement_id: int
    position: int  # 1 = next in line
    waiting: int  # everyone in the queue
    joined_at: datetime.datetime


def sami_priority_on(agreement_id: int, on: datetime.date | None = None) -> bool:
    """Whether Sami speakers come first on this list's waiting list (fastlegeforskriften
    § 36, ``rules.sami_priority_applies``): a Sami-speaking regular GP on ``on`` and the
    list in a municipality of the Sami language area."""
    return agreement_id in sami_priority_lists([agreement_id], on)


def sami_priority_lists(agreement_ids: Iterable[int], on: datetime.date | None = None) -> set[int]:
    """``sami_priority_on`` for many lists in one query: the ids among ``agreement_ids``
    whose waiting list puts Sami speakers first on ``on``."""
    on = on or timezone.localdate()
    rows = (
        Agreement.objects.filter(pk__in=list(agreement_ids))
        .annotate(
            gp_sami=Exists(
                DoctorPeriod.objects.filter(
                    in_force_on(on),
                    agreement_id=OuterRef("pk"),
                    role=DoctorPeriod.Role.REGULAR,
                    doctor__speaks_sami=True,
                )
            )
        )
        .order_by()
        .values_list("pk", "gp_sami", "municipality__sami_language_area")
    )
    applies = rules.sami_priority_applies
    return {pk for pk, gp_sami, area in rows if applies(bool(gp_sami), bool(area), on)}


def waiting_position(actor: Any, resident: Resident) -> QueuePlace | None:
    """The person's place in the queue of the waiting list they stand on (first come, first
    served: ``rules.param("waiting_list_order")``; Sami speakers first on the lists where
    § 36 applies, ``rules.waiting_queue_order``). One pass over the list's queue index."""
    _own(actor, resident, "innsyn i venteliste")
    entry = (
        WaitingListEntry.objects.filter(
            resident_id=resident.pk, status=WaitingListEntry.Status.WAITING
        )
        .only("pk", "agreement_id", "joined_at")
        .order_by("pk")
        .first()
    )
    if entry is None:
        return None
    before = Q(joined_at__lt=entry.joined_at) | Q(joined_at=entry.joined_at, pk__lt=entry.pk)
    if sami_priority_on(entry.agreement_id):
        sami = Q(resident__speaks_sami=True)
        before = (sami & before) if resident.speaks_sami else (sami | before)
    counts = WaitingListEntry.objects.filter(
        agreement_id=entry.agreement_id, status=WaitingListEntry.Status.WAITING
    ).aggregate(ahead=Count("pk", filter=before), total=Count("pk"))
    return QueuePlace(entry.agreement_id, counts["ahead"] + 1, counts["total"], entry.joined_at)


def waiting_queue(actor: Any, agreement: Agreement) -> QuerySet[WaitingListEntry]:
    """The queue of a list in order (for the list's municipality and national staff)."""
    access.require_municipality(actor, agreement.municipality_id)
    order = ["joined_at", "pk"]
    if sami_priority_on(agreement.pk):  # § 36: Sami speakers first, as rules.waiting_queue_order
        order.insert(0, "-resident__speaks_sami")
    return WaitingListEntry.objects.filter(
        agreement_id=agreement.pk, status=WaitingListEntry.Status.WAITING
    ).order_by(*order)


def notifications_for(actor: Any, resident: Resident) -> QuerySet[Notification]:
    """The person's notifications, newest first (for the web app)."""
    _own(actor, resident, "innsyn i meldinger")
    return Notification.objects.filter(resident_id=resident.pk).order_by("-created_at", "-pk")


def unassigned_residents(actor: Any, municipality_id: str) -> QuerySet[Resident]:
    """Ufordelte: residents in the scheme with no list, longest waiting first."""
    access.require_municipality(actor, municipality_id)
    return (
        Resident.objects.filter(
            municipality_id=municipality_id, status=Resident.Status.RESIDENT, in_scheme=True
        )
        .filter(
            ~Exists(
                ListMembership.objects.filter(resident_id=OuterRef("pk"), valid_to__isnull=True)
            )
        )
        .order_by("resident_since", "pk")
    )


def list_members(actor: Any, agreement: Agreement) -> QuerySet[Resident]:
    """The people on a list now: for its GP, its municipality and national staff."""
    today = timezone.localdate()
    access.require_gp_or_municipality(actor, agreement, today)
    return Resident.objects.filter(
        memberships__agreement_id=agreement.pk, memberships__valid_to__isnull=True
    ).order_by("pk")


PRINT_COLUMNS = [
    "melding_id",
    "fornavn",
    "etternavn",
    "postnummer",
    "poststed",
    "kommune",
    "overskrift",
    "tekst",
    "gjelder_fra",
    "laget",
]


def print_batch_rows(actor: Any, batch: NotificationBatch) -> list[list[str]]:
    """The letters of a print batch: name, postal address, text. Never an identity number."""
    if batch.municipality_id:
        access.require_municipality(actor, batch.municipality_id)
    else:
        access.require_system_or_national(actor)
    rows = []
    for n in (
        Notification.objects.filter(print_batch_id=batch.pk)
        .select_related("resident__postal_code", "resident__municipality")
        .order_by("resident__postal_code_id", "resident__last_name", "pk")
    ):
        r = n.resident
        rows.append(
            [
                str(n.pk),
                r.first_name,
                r.last_name,
                r.postal_code_id or "",
                r.postal_code.place if r.postal_code else "",
                r.municipality.name,
                n.subject,
                n.body,
                f"{n.effective_on:%d.%m.%Y}" if n.effective_on else "",
                f"{timezone.localtime(n.created_at):%d.%m.%Y}",
            ]
        )
    return rows


def print_batch_csv(actor: Any, batch: NotificationBatch) -> str:
    """A print batch as CSV (semicolon-separated, UTF-8), ready for a print service."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(PRINT_COLUMNS)
    writer.writerows(print_batch_rows(actor, batch))
    if not access.scope_of(actor).system:
        audit.record(
            actor,
            "notification.print_batch_exported",
            batch,
            kind="read",
            reason="utskrift av meldinger",
        )
    return out.getvalue()


#: Seeds of the illustrative draws the reduction impact runs to show how many
#: households a reduction would move (the real draw's seed is chosen when it is
#: prepared, so the households it takes are not known before).
IMPACT_PREVIEW_SEEDS = range(20)


@dataclass(frozen=True)
class ReceivingList:
    """A list in the municipality that could take residents moved by a reduction."""

    agreement: Agreement
    has_regular_gp: bool
    free: int  # capacity.free_places: ceiling − members − pending incoming, never < 0
    is_open: bool


@dataclass(frozen=True)
class ReductionImpact:
    """What lowering one list's ceiling would mean (fastlegeforskriften § 11)."""

    agreement: Agreement
    new_ceiling: int
    effective_on: datetime.date
    requested_on: datetime.date
    members: int
    leaving: int  # already moving off the list by ``effective_on``
    #: Residents who would have to move (0 when the list is at or below the new ceiling).
    to_move: int
    #: Household units among the candidates of the draw (moved whole, § 11).
    household_units: int
    #: Fewest and most households moved, and residents drawn, over the preview draws.
    households_min: int
    households_max: int
    drawn_min: int
    drawn_max: int
    receiving: list[ReceivingList]
    notice_months: int
    notice_ok: bool
    #: The first day with the full notice from ``requested_on``.
    full_notice_from: datetime.date

    @property
    def free_with_gp(self) -> int:
        """Free places on the receiving lists that have a regular GP."""
        return sum(r.free for r in self.receiving if r.has_regular_gp)

    @property
    def room_enough(self) -> bool:
        """Enough free places on lists with a regular GP for everyone who must move."""
        return self.free_with_gp >= self.to_move


def reduction_impact(
    agreement: Agreement,
    new_ceiling: int,
    effective_on: datetime.date,
    *,
    requested_on: datetime.date | None = None,
    today: datetime.date | None = None,
) -> ReductionImpact:
    """The impact of lowering ``agreement``'s ceiling to ``new_ceiling`` from
    ``effective_on``, asked for on ``requested_on`` (default today): who would have to
    move, as the reduction's draw counts them (``draw_basis``: members less those
    already leaving, above the ceiling; candidates grouped in households), how many
    households the draw would move (the fewest and most over ``IMPACT_PREVIEW_SEEDS``),
    the other lists of the municipality with their regular GP today and free places
    (``capacity.free_places``), and whether the six months' notice of § 11 is met
    (``rules.reduction_notice_ok``). Reads only; the caller checks access."""
    today = today or timezone.localdate()
    requested_on = requested_on or today
    basis = draw_basis(agreement.pk, new_ceiling, effective_on)
    to_move = max(0, basis.excess)
    households: list[int] = []
    drawn: list[int] = []
    if to_move:
        for seed in IMPACT_PREVIEW_SEEDS:
            result = rules.draw_reduction(basis.units, [(0, to_move)], seed)
            households.append(len(result.assignments))
            drawn.append(result.drawn)
    has_gp = Exists(
        DoctorPeriod.objects.filter(
            in_force_on(today), agreement_id=OuterRef("pk"), role=DoctorPeriod.Role.REGULAR
        )
    )
    receiving = [
        ReceivingList(
            agreement=a,
            has_regular_gp=bool(a.has_gp),
            free=capacity.free_places(a.ceiling, a.members, a.incoming),  # type: ignore[attr-defined]
            is_open=a.is_open and not a.locked_by_hand,
        )
        for a in lists_with_free_places(agreement.municipality_id, effective_on)
        .exclude(pk=agreement.pk)
        .annotate(has_gp=has_gp)
    ]
    months = int(rules.param("reduction_notice_months", requested_on))
    return ReductionImpact(
        agreement=agreement,
        new_ceiling=new_ceiling,
        effective_on=effective_on,
        requested_on=requested_on,
        members=len(basis.members),
        leaving=len(basis.leaving),
        to_move=to_move,
        household_units=len(basis.units),
        households_min=min(households, default=0),
        households_max=max(households, default=0),
        drawn_min=min(drawn, default=0),
        drawn_max=max(drawn, default=0),
        receiving=receiving,
        notice_months=months,
        notice_ok=rules.reduction_notice_ok(requested_on, effective_on, False),
        full_notice_from=rules.add_months(requested_on, months),
    )


# --- Shared-list wind-downs (deleliste) ----------------------------------------


def wind_downs_of(municipality_id: str) -> list[WindDown]:
    """Every shared-list wind-down on the municipality's lists: the open ones first, by
    hand-over day, then the cancelled ones (newest first). The caller scopes (the page
    asks ``web.selectors.municipality_for_viewer``)."""
    rows = list(
        WindDown.objects.filter(agreement__municipality_id=municipality_id)
        .select_related("agreement__practice", "outgoing", "successor")
        .order_by("hand_over_on", "pk")
    )
    rows.sort(key=lambda w: w.status != WindDown.Status.ACTIVE)
    return rows


def lists_for_wind_down(municipality_id: str, day: datetime.date) -> list[tuple[int, str]]:
    """The municipality's lists in force on ``day`` with a regular GP and no open
    wind-down, as (list id, «Liste N, practice – GP») for the page's choice; the service
    checks the GP's age (``rules.old_enough_to_wind_down``)."""
    periods = (
        DoctorPeriod.objects.filter(
            in_force_on(day),
            role=DoctorPeriod.Role.REGULAR,
            agreement__municipality_id=municipality_id,
        )
        .filter(Q(agreement__valid_to__isnull=True) | Q(agreement__valid_to__gt=day))
        .exclude(
            Exists(
                WindDown.objects.filter(
                    agreement_id=OuterRef("agreement_id"), status=WindDown.Status.ACTIVE
                )
            )
        )
        .select_related("agreement__practice", "doctor")
        .order_by("agreement_id")
    )
    return [
        (
            p.agreement_id,
            _("Liste %(n)s, %(practice)s – %(gp)s")
            % {"n": p.agreement_id, "practice": p.agreement.practice.name, "gp": p.doctor},
        )
        for p in periods
    ]
