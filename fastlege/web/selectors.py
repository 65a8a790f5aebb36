"""Reads for the web pages, scoped to the user. Person data goes through
``fastlege.registry.selectors`` (which audits reads by anyone but the person);
what is here is list information (public, fastlegeforskriften § 6) and
aggregates for the municipality, the county governor and national staff.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.paginator import Page, Paginator
from django.db.models import (
    CharField,
    Count,
    F,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Concat
from django.http import Http404
from django.utils import timezone

from fastlege.core import audit
from fastlege.reference.models import County, Municipality, PostalCode
from fastlege.registry import capacity, figures, rules
from fastlege.registry.models import (
    Absence,
    Agreement,
    CeilingChange,
    Doctor,
    DoctorPeriod,
    Practice,
    Resident,
    SwitchRequest,
    WaitingListEntry,
)
from fastlege.registry.periods import in_force_on
from fastlege.registry.selectors import waiting_on_list
from fastlege.registry.services import access
from fastlege.registry.services.agreements import AgeEnding, age_endings
from fastlege.registry.services.errors import Code, refuse
from fastlege.web.models import ListLength, UnassignedCount

if TYPE_CHECKING:
    from fastlege.stats.svg import Legend

REGULAR = DoctorPeriod.Role.REGULAR
SUBSTITUTE = DoctorPeriod.Role.SUBSTITUTE


# -- who may see what ------------------------------------------------------------------


def municipality_for_viewer(actor: Any, number: str) -> Municipality:
    """The municipality, if the user may read its registry: its own officers, the county
    governor of its county (read only) and national staff. Unknown: 404."""
    muni = Municipality.objects.select_related("county").filter(number=number).first()
    if muni is None:
        raise Http404
    scope = access.scope_of(actor)
    if scope.everything or muni.number in scope.municipalities or muni.county_id in scope.counties:
        return muni
    refuse(Code.NOT_AUTHORISED)


def may_change_municipality(actor: Any, number: str) -> bool:
    scope = access.scope_of(actor)
    return scope.everything or number in scope.municipalities


def may_import_registry(actor: Any, number: str) -> bool:
    """Only the municipality's own officers load its registry from files
    (``registry.services.file_import``); national staff do not decide for it."""
    return number in access.scope_of(actor).municipalities


def county_for_viewer(actor: Any, number: str) -> County:
    county = County.objects.filter(number=number).first()
    if county is None:
        raise Http404
    scope = access.scope_of(actor)
    if scope.everything or county.number in scope.counties:
        return county
    refuse(Code.NOT_AUTHORISED)


def require_national(actor: Any) -> None:
    if not access.scope_of(actor).national:
        refuse(Code.NOT_AUTHORISED)


def person_for_self_service(actor: Any, person_id: int) -> Resident:
    """A person the citizen may act for: themselves, or their child under 16
    (pasientrettighetsforskriften § 5). Anyone else: 404, so ids cannot be probed."""
    scope = access.scope_of(actor)
    person = Resident.objects.select_related("municipality").filter(pk=person_id).first()
    if person is None:
        raise Http404
    today = timezone.localdate()
    if person.pk in scope.residents or access.is_parent_acting_for_child(scope, person, today):
        return person
    raise Http404


def persons_i_act_for(actor: Any) -> list[Resident]:
    """The citizen and their children under 16, oldest first."""
    scope = access.scope_of(actor)
    if not scope.residents:
        return []
    today = timezone.localdate()
    age = int(rules.param("child_age_self_decides", today))
    youngest_adult = rules.add_months(today, -12 * age)
    own = Q(pk__in=scope.residents)
    children = (Q(mother_id__in=scope.residents) | Q(father_id__in=scope.residents)) & Q(
        birth_date__gt=youngest_adult
    )
    return list(
        Resident.objects.filter(own | children).order_by("birth_date", "pk")[:20]
    )  # a household, never a table


# -- list information (public) ---------------------------------------------------------


def _doctor_subquery(role: str, field: str, day: datetime.date) -> Subquery:
    periods = DoctorPeriod.objects.filter(
        in_force_on(day), agreement_id=OuterRef("pk"), role=role
    ).order_by("-valid_from", "-pk")
    if field == "name":
        expr = Concat(F("doctor__first_name"), Value(" "), F("doctor__last_name"))
        return Subquery(periods.annotate(v=expr).values("v")[:1], output_field=CharField())
    return Subquery(periods.values(f"doctor__{field}")[:1])


def list_lengths(municipality_id: str) -> dict[int, int]:
    """Current members per list of the municipality, from the list-length table the
    database keeps (``fastlege.web.models.ListLength``): one indexed join, no counting."""
    return dict(
        ListLength.objects.filter(agreement__municipality_id=municipality_id).values_list(
            "agreement_id", "members"
        )
    )


def lists_in_force(
    municipality_id: str, day: datetime.date, *, live_lengths: bool = False
) -> QuerySet[Agreement]:
    """The municipality's lists in force on ``day`` with ``incoming`` (pending moves onto
    the list) and ``waiting``, and ``members`` when ``live_lengths`` (else ``with_free``
    takes them from ``list_lengths``). ``free`` is added by ``with_free``."""
    occupancy = capacity.occupancy_annotations()
    qs = (
        Agreement.objects.filter(in_force_on(day), municipality_id=municipality_id)
        .select_related("practice")
        .annotate(incoming=occupancy["incoming"], waiting=waiting_on_list())
    )
    if live_lengths:
        qs = qs.annotate(members=occupancy["members"])
    return qs


def with_free(rows: list[Agreement]) -> list[Agreement]:
    """``members`` (from ``list_lengths`` unless counted live), ``free`` (free places:
    ceiling − members − incoming, never below 0), ``over`` (how far above the ceiling)
    and ``takes_new`` — ``fastlege.registry.capacity``'s definitions."""
    lengths: dict[str, dict[int, int]] = {}
    for a in rows:
        if not hasattr(a, "members"):
            if a.municipality_id not in lengths:
                lengths[a.municipality_id] = list_lengths(a.municipality_id)
            a.members = lengths[a.municipality_id].get(a.pk, 0)  # type: ignore[attr-defined]
        a.free = capacity.free_places(a.ceiling, a.members, a.incoming)  # type: ignore[attr-defined]
        a.over = capacity.over_ceiling(a.ceiling, a.members, a.incoming)  # type: ignore[attr-defined]
        a.takes_new = a.is_open and not a.locked_by_hand and a.free > 0  # type: ignore[attr-defined]
    return rows


def annotate_gp(qs: QuerySet[Agreement], day: datetime.date) -> QuerySet[Agreement]:
    """Add the regular GP now (name, sex), a substitute now, and when a list without a
    regular GP lost its last one (``vacant_since``)."""
    ended = (
        DoctorPeriod.objects.filter(agreement_id=OuterRef("pk"), role=REGULAR, valid_to__lte=day)
        .order_by()
        .values("agreement_id")
        .annotate(m=Max("valid_to"))
        .values("m")
    )
    return qs.annotate(
        gp_name=_doctor_subquery(REGULAR, "name", day),
        gp_sex=_doctor_subquery(REGULAR, "sex", day),
        substitute_name=_doctor_subquery(SUBSTITUTE, "name", day),
        vacant_since=Subquery(ended),
    )


@dataclass(frozen=True)
class Place:
    """Where a search looks: one municipality (chosen, or from a postal code)."""

    municipality: Municipality
    postal_code: PostalCode | None = None


def resolve_place(municipality: str, postal_code: str) -> Place | None:
    """A municipality number, or a postal code (its municipality). ``None`` when unknown."""
    postal_code = postal_code.strip()
    if postal_code:
        pc = PostalCode.objects.select_related("municipality").filter(code=postal_code).first()
        if pc is None or pc.municipality is None:
            return None
        return Place(pc.municipality, pc)
    muni = Municipality.objects.filter(number=municipality.strip()).first()
    return Place(muni) if muni else None


def list_figures(municipality_id: str, day: datetime.date) -> list[Agreement]:
    """Every list of the municipality in force on ``day``, in the order the pages show
    them (practice, list), with ``members``, ``incoming``, ``waiting``, ``has_gp``,
    ``free`` and ``takes_new``. Five queries, none per list, no doctors' names (those
    only for the rows shown: ``with_doctors``)."""
    agreements = list(
        Agreement.objects.filter(in_force_on(day), municipality_id=municipality_id)
        .select_related("practice")
        .order_by("practice__name", "pk")
    )
    lengths = list_lengths(municipality_id)
    incoming = dict(
        SwitchRequest.objects.filter(
            to_agreement__municipality_id=municipality_id,
            status=SwitchRequest.Status.PENDING,
        )
        .values("to_agreement_id")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("to_agreement_id", "n")
    )
    waiting = dict(
        WaitingListEntry.objects.filter(
            agreement__municipality_id=municipality_id, status=WaitingListEntry.Status.WAITING
        )
        .values("agreement_id")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("agreement_id", "n")
    )
    with_gp = set(
        _periods_on(day)
        .filter(agreement__municipality_id=municipality_id, role=REGULAR)
        .values_list("agreement_id", flat=True)
    )
    for a in agreements:
        a.members = lengths.get(a.pk, 0)  # type: ignore[attr-defined]
        a.incoming = incoming.get(a.pk, 0)  # type: ignore[attr-defined]
        a.waiting = waiting.get(a.pk, 0)  # type: ignore[attr-defined]
        a.has_gp = a.pk in with_gp  # type: ignore[attr-defined]
    return with_free(agreements)


def area_figures(
    municipalities: Q | None, day: datetime.date | None = None
) -> dict[str, figures.AreaFigures]:
    """The key figures (``fastlege.registry.figures``) of each municipality matched by
    ``municipalities`` (a filter on Municipality; ``None``: all), live on ``day``: the
    one counting of them, used by the municipality's, the county governor's and the
    national pages.

    Lists in force on ``day`` with their regular GP on ``day``; members from the
    list-length table and the unassigned from the count the database keeps (both
    current); pending moves onto each list; the places on each list's waiting list.
    Six grouped queries, none per list or per person."""
    day = day or timezone.localdate()
    numbers = list(
        Municipality.objects.filter(municipalities or Q())
        .order_by()
        .values_list("number", flat=True)
    )

    def within(field: str) -> Q:
        # All municipalities: no join to the agreements (the waiting lists hold
        # hundreds of thousands of rows nationally).
        return Q() if municipalities is None else Q(**{f"{field}__in": numbers})

    agreements = list(
        Agreement.objects.filter(in_force_on(day), municipality_id__in=numbers)
        .order_by()
        .values_list("pk", "municipality_id", "ceiling")
    )
    lengths = dict(
        ListLength.objects.filter(within("agreement__municipality_id")).values_list(
            "agreement_id", "members"
        )
    )
    incoming = dict(
        capacity.incoming_requests()
        .filter(within("to_agreement__municipality_id"))
        .order_by()
        .values("to_agreement_id")
        .annotate(n=Count("pk"))
        .values_list("to_agreement_id", "n")
    )
    with_gp = set(
        _periods_on(day)
        .filter(within("agreement__municipality_id"), role=REGULAR)
        .values_list("agreement_id", flat=True)
    )
    waiting = dict(
        WaitingListEntry.objects.filter(
            within("agreement__municipality_id"), status=WaitingListEntry.Status.WAITING
        )
        .order_by()
        .values("agreement_id")
        .annotate(n=Count("pk"))
        .values_list("agreement_id", "n")
    )
    unassigned = dict(
        UnassignedCount.objects.filter(within("municipality_id")).values_list(
            "municipality_id", "unassigned"
        )
    )
    lists: dict[str, list[figures.ListCount]] = {n: [] for n in numbers}
    for pk, muni, ceiling in agreements:
        lists.setdefault(muni, []).append(
            figures.ListCount(
                ceiling,
                lengths.get(pk, 0),
                incoming.get(pk, 0),
                pk in with_gp,
                waiting.get(pk, 0),
            )
        )
    return {n: figures.sum_lists(lists[n], unassigned=int(unassigned.get(n, 0))) for n in numbers}


def _periods_on(day: datetime.date) -> QuerySet[DoctorPeriod]:
    return DoctorPeriod.objects.filter(in_force_on(day))


def with_doctors(rows: list[Agreement], day: datetime.date) -> list[Agreement]:
    """For the rows shown: the regular GP now (``gp_name``, ``gp_sex``), a substitute now
    (``substitute_name``) and, for a list without a regular GP, when it lost its last
    one (``vacant_since``); ``gp`` (the ``Doctor``) and ``gp_since`` (on the list since).
    Two queries for the whole page."""
    ids = [a.pk for a in rows]
    latest: dict[tuple[int, str], DoctorPeriod] = {}
    for p in (
        _periods_on(day)
        .filter(agreement_id__in=ids)
        .select_related("doctor")
        .order_by("agreement_id", "role", "valid_from", "pk")
    ):
        latest[(p.agreement_id, p.role)] = p  # the last one wins, as in annotate_gp
    ended = dict(
        DoctorPeriod.objects.filter(agreement_id__in=ids, role=REGULAR, valid_to__lte=day)
        .values("agreement_id")
        .annotate(m=Max("valid_to"))
        .order_by()
        .values_list("agreement_id", "m")
    )
    for a in rows:
        gp = latest.get((a.pk, REGULAR))
        sub = latest.get((a.pk, SUBSTITUTE))
        a.gp = gp.doctor if gp else None  # type: ignore[attr-defined]
        a.gp_since = gp.valid_from if gp else None  # type: ignore[attr-defined]
        a.gp_name = gp.doctor.full_name if gp else None  # type: ignore[attr-defined]
        a.gp_sex = gp.doctor.sex if gp else None  # type: ignore[attr-defined]
        a.substitute_name = sub.doctor.full_name if sub else None  # type: ignore[attr-defined]
        a.vacant_since = ended.get(a.pk)  # type: ignore[attr-defined]
    return rows


#: Rows per page of the list tables (find a GP, the municipality's lists). Oslo has
#: 611 lists; a page of them is what a person reads, and what renders in time.
LIST_PAGE_SIZE = 50


def page_of(rows: list[Any], number: str | int | None) -> Page:
    """One page of ``rows``; a bad or too high page number gives the last page."""
    return Paginator(rows, LIST_PAGE_SIZE).get_page(number)


def find_lists(
    municipality_id: str, *, only_free: bool = False, day: datetime.date | None = None
) -> list[Agreement]:
    """The municipality's lists in force, with free places (no doctors: ``with_doctors``
    for the page shown)."""
    day = day or timezone.localdate()
    rows = list_figures(municipality_id, day)
    if only_free:
        rows = [a for a in rows if a.takes_new]  # type: ignore[attr-defined]
    return rows


def list_row(agreement: Agreement, day: datetime.date | None = None) -> Agreement | None:
    """One list as in ``find_lists`` (members, free places, waiting, GP), or ``None``
    when it is not in force."""
    day = day or timezone.localdate()
    qs = lists_in_force(agreement.municipality_id, day, live_lengths=True)
    rows = with_free(list(annotate_gp(qs.filter(pk=agreement.pk), day)))
    return rows[0] if rows else None


def practices_in(municipality: Municipality) -> list[Practice]:
    return list(Practice.objects.filter(municipality_id=municipality.number).order_by("name"))


def agreement_label(agreement: Agreement, day: datetime.date | None = None) -> str:
    day = day or timezone.localdate()
    period = access.regular_gp_on(agreement.pk, day)
    gp = period.doctor.full_name if period else "liste uten fast lege"
    return f"{gp}, {agreement.practice.name}"


def agreement_in(municipality: Municipality, pk: int) -> Agreement:
    agreement = (
        Agreement.objects.select_related("practice", "municipality")
        .filter(pk=pk, municipality_id=municipality.number)
        .first()
    )
    if agreement is None:
        raise Http404
    return agreement


def all_municipalities() -> QuerySet[Municipality]:
    return Municipality.objects.order_by("name").only("number", "name")


# -- the GP ----------------------------------------------------------------------------


def gp_lists(actor: Any, day: datetime.date | None = None) -> list[Agreement]:
    """The lists where the user is the regular GP now, with length, ceiling, waiting,
    free places and what changes on the 1st of next month."""
    scope = access.scope_of(actor)
    if not scope.doctors:
        refuse(Code.NOT_AUTHORISED)
    day = day or timezone.localdate()
    next_first = rules.first_of_next_month(day)
    ids = list(
        DoctorPeriod.objects.filter(
            in_force_on(day), doctor_id__in=scope.doctors, role=REGULAR
        ).values_list("agreement_id", flat=True)
    )
    lists: list[Agreement] = []
    for muni in set(Agreement.objects.filter(pk__in=ids).values_list("municipality_id", flat=True)):
        lists.extend(
            with_free(
                list(lists_in_force(muni, day, live_lengths=True).filter(pk__in=ids).order_by("pk"))
            )
        )
    for a in lists:
        a.outgoing = SwitchRequest.objects.filter(  # type: ignore[attr-defined]
            status=SwitchRequest.Status.PENDING,
            from_agreement_id=a.pk,
            effective_on__lte=next_first,
        ).count()
        a.incoming_next = SwitchRequest.objects.filter(  # type: ignore[attr-defined]
            status=SwitchRequest.Status.PENDING,
            to_agreement_id=a.pk,
            effective_on__lte=next_first,
        ).count()
        a.ceiling_requests = list(  # type: ignore[attr-defined]
            CeilingChange.objects.filter(agreement_id=a.pk).order_by("-requested_on", "-pk")[:10]
        )
        a.recent_absences = list(  # type: ignore[attr-defined]
            a.absences.select_related("proposed_substitute").order_by("-valid_from")[:10]
        )
        a.next_first = next_first  # type: ignore[attr-defined]
    return lists


def upcoming_firsts(day: datetime.date | None = None, months: int = 12) -> list[datetime.date]:
    """The next ``months`` first-of-month dates (changes to lists take effect on the 1st)."""
    day = day or timezone.localdate()
    first = rules.first_of_next_month(day)
    return [rules.add_months(first, i) for i in range(months)]


# -- the municipality ------------------------------------------------------------------


@dataclass(frozen=True)
class MunicipalityOverview:
    municipality: Municipality
    lists: list[Agreement]
    page: Page
    without_gp: list[Agreement]
    #: The key figures, live (``fastlege.registry.figures``) on ``day``.
    figures: figures.AreaFigures
    day: datetime.date
    pending_ceiling_changes: list[CeilingChange]
    practices: list[Practice]
    age_limit: list[AgeEnding]
    #: The end age and the extension cap in force (§ 12), for the text beside the list.
    end_age: int
    age_cap: int


def municipality_overview(
    actor: Any,
    municipality: Municipality,
    day: datetime.date | None = None,
    page: str | int | None = 1,
) -> MunicipalityOverview:
    """All lists of the municipality with their GP, length, ceiling, free places and queue
    (one page of them; the totals over all); lists without a regular GP and since when;
    counts of the unassigned; open ceiling requests. No names of residents."""
    day = day or timezone.localdate()
    lists = list_figures(municipality.number, day)
    without = [a for a in lists if not a.has_gp]  # type: ignore[attr-defined]
    the_page = page_of(lists, page)
    with_doctors([*the_page.object_list, *without], day)
    for a in without:
        since = a.vacant_since or a.valid_from  # type: ignore[attr-defined]
        a.vacant_days = (day - since).days  # type: ignore[attr-defined]
    changes = list(
        CeilingChange.objects.filter(
            agreement__municipality_id=municipality.number,
            status=CeilingChange.Status.REQUESTED,
        )
        .select_related("agreement__practice")
        .order_by("requested_on", "pk")
    )
    return MunicipalityOverview(
        municipality=municipality,
        lists=lists,
        page=the_page,
        without_gp=without,
        figures=area_figures(Q(number=municipality.number), day)[municipality.number],
        day=day,
        pending_ceiling_changes=changes,
        practices=practices_in(municipality),
        age_limit=age_limit_warnings(municipality, day),
        end_age=int(rules.param("agreement_end_age", day)),
        age_cap=int(rules.param("agreement_extension_age_cap", day)),
    )


#: How far ahead the municipality is warned of agreements reaching the age limit.
AGE_LIMIT_WARNING_MONTHS = 12


def age_limit_warnings(municipality: Municipality, day: datetime.date) -> list[AgeEnding]:
    """The municipality's GPs whose agreement ends for age within 12 months of ``day``:
    at 70, or when their extension runs out (fastlegeforskriften § 12), with the day it
    ends and the list. One due but not yet ended (the monthly update has not run) is
    listed too."""
    return age_endings(
        rules.add_months(day, AGE_LIMIT_WARNING_MONTHS),
        since=day,
        municipality_id=municipality.number,
    )


def unassigned_count(municipality_id: str) -> int:
    """Ufordelte in the municipality now (resident, in the scheme, on no list): one row
    kept by database triggers in the same transaction as every write
    (``web.UnassignedCount``), so always current and never a count over the residents."""
    n = (
        UnassignedCount.objects.filter(municipality_id=municipality_id)
        .values_list("unassigned", flat=True)
        .first()
    )
    return n or 0


def list_detail(agreement: Agreement) -> dict[str, Any]:
    """A list's doctors (regular and substitutes), ceiling changes, reductions, absences,
    extensions and shared-list wind-downs (deleliste)."""
    return {
        "periods": list(
            agreement.doctor_periods.select_related("doctor").order_by("-valid_from", "-pk")[:50]
        ),
        "ceiling_changes": list(agreement.ceiling_changes.order_by("-requested_on", "-pk")[:20]),
        "reductions": list(agreement.reductions.order_by("-effective_on", "-pk")[:20]),
        "absences": list(agreement.absences.select_related("doctor")[:20]),
        "extensions": list(agreement.extensions.select_related("doctor")[:20]),
        "wind_downs": list(
            agreement.wind_downs.select_related("outgoing", "successor").order_by("-pk")[:10]
        ),
        "end_age": int(rules.param("agreement_end_age", timezone.localdate())),
        "age_cap": int(rules.param("agreement_extension_age_cap", timezone.localdate())),
    }


#: How far back the municipality's absence page reaches (absences ended before are left
#: out; they stay on the list's page).
ABSENCES_PAST_DAYS = 31


def absences_in(
    actor: Any, municipality: Municipality, day: datetime.date | None = None
) -> list[Absence]:
    """Every absence on the municipality's lists that has not ended more than
    ``ABSENCES_PAST_DAYS`` days ago: those waiting for the municipality first, then by
    first day; with the GP, the proposed substitute and the substitute period."""
    municipality_for_viewer(actor, municipality.number)
    day = day or timezone.localdate()
    since = day - datetime.timedelta(days=ABSENCES_PAST_DAYS)
    rows = list(
        Absence.objects.filter(agreement__municipality_id=municipality.number)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=since))
        .select_related(
            "agreement__practice", "doctor", "proposed_substitute", "substitute_period__doctor"
        )
        .order_by("valid_from", "pk")
    )
    rows.sort(key=lambda a: a.status != Absence.Status.REPORTED)
    _audit_absences_shown(actor, municipality, rows)
    return rows


#: The reason on the audit row of the municipality's absence page.
ABSENCES_READ_REASON = "kommune: fravær"


def _audit_absences_shown(actor: Any, municipality: Municipality, rows: list[Absence]) -> None:
    """A GP's absence and its reason (illness among them) is the doctor's personal data:
    showing the list records one READ row naming the doctors shown (issue 18, M9), as
    the admin's lists do (``fastlege.core.admin_tools.PersonReadAuditMixin``)."""
    doctors = [str(pk) for pk in dict.fromkeys(a.doctor_id for a in rows)]
    if doctors:
        audit.record_list_read(
            actor,
            Doctor._meta.label_lower,
            doctors,
            ABSENCES_READ_REASON,
            action="web.absences",
            municipality=municipality.number,
        )


# -- county governor and national ------------------------------------------------------


@dataclass(frozen=True)
class AreaRow:
    """One area's key figures on the county governor's and the national pages."""

    number: str
    name: str
    figures: figures.AreaFigures


def county_overview(actor: Any, county: County, day: datetime.date | None = None) -> list[AreaRow]:
    """Per municipality of the county: its key figures (``area_figures``)."""
    county_for_viewer(actor, county.number)
    counted = area_figures(Q(county_id=county.number), day)
    return [
        AreaRow(number, name, counted[number])
        for number, name in Municipality.objects.filter(county_id=county.number)
        .order_by("name")
        .values_list("number", "name")
    ]


@dataclass(frozen=True)
class CountyMap:
    """The county's municipalities coloured by one indicator of the latest statistics
    month (the statistics app's map, zoomed to the county), and the same figures as a
    table. ``month`` is ``None`` until the statistics have been filled."""

    indicator: Any
    indicators: tuple[Any, ...]
    month: datetime.date | None
    svg: str
    legend: Legend | None  # None until the statistics have been filled
    rows: list[tuple[str, str, Any]]  # (number, name, figure)


def county_map(actor: Any, county: County, code: str) -> CountyMap:
    """The map for the county governor: the figures as the viewer's role allows
    (their own county unsuppressed, ``stats.selectors.viewer_for``). Unknown
    indicator: 404."""
    from django.urls import reverse

    from fastlege.stats import selectors as stats
    from fastlege.stats.indicators import BY_CODE, INDICATORS
    from fastlege.stats.svg import choropleth
    from fastlege.stats.units import unit_label

    county_for_viewer(actor, county.number)
    indicator = BY_CODE.get(code)
    if indicator is None:
        raise Http404
    month = stats.latest_month()
    munis = list(
        Municipality.objects.filter(county_id=county.number)
        .order_by("name")
        .values_list("number", "name")
    )
    if month is None:
        return CountyMap(indicator, INDICATORS, None, "", None, [])
    values = stats.map_values(indicator, month, viewer=stats.viewer_for(actor))
    link = reverse("web:municipality", args=["0000"]).replace("0000", "{}")
    svg, legend = choropleth(
        values,
        sorted(n for n, _name in munis),
        higher_is_worse=indicator.higher_is_worse,
        link=link,
        label=f"{indicator.name}, {county.name}",
        unit=unit_label(indicator),
        decimals=indicator.decimals,
    )
    rows = [(n, name, values.get(n)) for n, name in munis]
    return CountyMap(indicator, INDICATORS, month, svg, legend, rows)


def national_overview(actor: Any, day: datetime.date | None = None) -> list[AreaRow]:
    """Per county: the sum of its municipalities' key figures (``area_figures``)."""
    require_national(actor)
    counted = area_figures(None, day)
    by_county: dict[str, list[figures.AreaFigures]] = {}
    for number, county in Municipality.objects.values_list("number", "county_id"):
        by_county.setdefault(county, []).append(counted[number])
    return [
        AreaRow(c.number, c.name, figures.total(by_county.get(c.number, [])))
        for c in County.objects.order_by("number")
    ]
