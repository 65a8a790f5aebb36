"""The GP search (Finn fastlege): one municipality's lists, filtered by the GP's sex,
languages and specialist status, free places and distance from a postal code, sorted
by free places or distance. Public list information (fastlegeforskriften § 6); who is
searching only decides which buttons the page shows.

A bounded number of queries whatever the municipality's size (Oslo: 611 lists):
the lists with their figures (``selectors.list_figures``, five), the doctors of all of
them when the GP's sex, language or specialty is asked for, else of the page shown
(``selectors.with_doctors``, two), and the filters and sorting in Python. Kept
apart from ``fastlege.web.selectors``, which is long enough."""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.db.models import F
from django.http import Http404

from fastlege.reference.models import Municipality
from fastlege.registry import capacity, rules, waiting_time
from fastlege.registry.models import Agreement, Practice
from fastlege.registry.validators import LANGUAGES, language_codes
from fastlege.web import selectors as ws
from fastlege.web.geo import Locator, Point, haversine_km

SORT_FREE = "ledige"
SORT_DISTANCE = "avstand"


def municipality_choices() -> list[tuple[str, str]]:
    """(number, name) of every municipality by name; a name that two municipalities
    share gets its county: «Herøy (Møre og Romsdal)», «Herøy (Nordland)». One query."""
    rows = list(
        Municipality.objects.order_by("name", "number").values_list(
            "number", "name", F("county__name")
        )
    )
    repeated = Counter(name for _, name, _ in rows)
    return [
        (number, f"{name} ({county})" if repeated[name] > 1 else name)
        for number, name, county in rows
    ]


def municipality_label(number: str) -> str:
    """A municipality's name as the chooser shows it (with its county if repeated)."""
    return dict(municipality_choices()).get(number, number)


def language_names(codes: str) -> str:
    """«engelsk, polsk» for ``"en,pl"``."""
    return ", ".join(LANGUAGES.get(c, c) for c in language_codes(codes))


@dataclass(frozen=True)
class Filters:
    sex: str = ""  # "K", "M" or "" (either)
    language: str = ""  # an ISO 639-1 code of ``registry.validators.LANGUAGES``
    specialty: str = ""  # a ``Doctor.Specialty`` value
    only_free: bool = False
    max_km: float | None = None
    sort: str = SORT_FREE


def _keep(a: Agreement, f: Filters) -> bool:
    gp: Any = getattr(a, "gp", None)
    if f.only_free and not a.takes_new:  # type: ignore[attr-defined]
        return False
    if (f.sex or f.language or f.specialty) and gp is None:
        return False  # a list without a GP has no sex, language or specialty
    if f.sex and gp.sex != f.sex:
        return False
    if f.language and f.language not in language_codes(gp.languages):
        return False
    if f.specialty and gp.specialty != f.specialty:
        return False
    return f.max_km is None or (
        a.distance_km is not None  # type: ignore[attr-defined]
        and a.distance_km <= f.max_km  # type: ignore[attr-defined]
    )


@dataclass
class Result:
    rows: list[Agreement]
    origin: Point | None
    locator: Locator


def search(
    municipality: str,
    filters: Filters,
    *,
    postal_code: str | None = None,
    origin: Point | None = None,
    day: datetime.date,
) -> Result:
    """The lists of ``municipality`` in force on ``day`` that pass ``filters``, sorted.

    Every row has the registry's figures (``free``, ``takes_new``, ``waiting``, …),
    ``point`` and, when a postal code or an ``origin`` (a place picked on the map, which
    wins) is given, ``distance_km`` from it; its GP
    (``gp``, ``gp_name``, …) only when a filter needed it (``describe`` the rows
    shown). Sorted by free places (most first) or by distance (nearest first); ties
    by practice name."""
    rows = ws.list_figures(municipality, day)
    if filters.sex or filters.language or filters.specialty:
        ws.with_doctors(rows, day)  # all of them, to filter; else only the page shown
    locator = Locator(municipality, (a.practice for a in rows))
    if origin is None and postal_code:
        origin = locator.of_postal_code(postal_code)
    for a in rows:
        a.point = locator.of_practice(a.practice)  # type: ignore[attr-defined]
        a.distance_km = (  # type: ignore[attr-defined]
            haversine_km(origin, a.point)  # type: ignore[attr-defined]
            if origin is not None and a.point is not None  # type: ignore[attr-defined]
            else None
        )
    rows = [a for a in rows if _keep(a, filters)]
    if filters.sort == SORT_DISTANCE and origin is not None:
        rows.sort(key=lambda a: (a.distance_km is None, a.distance_km or 0, a.practice.name, a.pk))  # type: ignore[attr-defined]
    else:
        rows.sort(key=lambda a: (-a.free, a.practice.name, a.pk))  # type: ignore[attr-defined]
    return Result(rows, origin, locator)


def describe(rows: list[Agreement], day: datetime.date) -> list[Agreement]:
    """The GP of each row shown (``selectors.with_doctors`` unless the search already
    read them) and ``language_names``."""
    missing = [a for a in rows if not hasattr(a, "gp")]
    if missing:
        ws.with_doctors(missing, day)
    for a in rows:
        gp = a.gp  # type: ignore[attr-defined]
        a.language_names = language_names(gp.languages) if gp else ""  # type: ignore[attr-defined]
    return rows


def with_expected_wait(rows: list[Agreement]) -> list[Agreement]:
    """``wait`` on each row shown: for a list that takes no new members, the expected
    wait of a newcomer to its queue (``registry.waiting_time``, as the GP's page shows
    it); ``None`` for a list with a free place (no wait). The rows' own figures give the
    queue and the places left, so only the lists' histories are read: three queries for
    the page, none per row (the whole municipality would cost 330–580 ms in Trondheim)."""
    full = {
        a.pk: (
            capacity.places_left(a.ceiling, a.members, a.incoming),  # type: ignore[attr-defined]
            a.waiting,  # type: ignore[attr-defined]
        )
        for a in rows
        if not a.takes_new  # type: ignore[attr-defined]
    }
    waits = waiting_time.for_queues(full)
    for a in rows:
        a.wait = waits.get(a.pk)  # type: ignore[attr-defined]
    return rows


# -- the GP's and the practice's public pages --------------------------------------------

#: Ages are shown in bands of this many years, never exactly.
AGE_BAND_YEARS = 10


def age_band(birth_date: datetime.date, day: datetime.date) -> tuple[int, int]:
    """(40, 49) for a GP of 43: the page says «40–49 år»."""
    low = rules.age_on(birth_date, day) // AGE_BAND_YEARS * AGE_BAND_YEARS
    return low, low + AGE_BAND_YEARS - 1


def public_list(agreement_id: int, day: datetime.date) -> Agreement:
    """One list in force, as the search shows it (figures, GP, substitute, practice);
    404 when unknown or not in force."""
    agreement = Agreement.objects.filter(pk=agreement_id).only("pk", "municipality_id").first()
    row = ws.list_row(agreement, day) if agreement else None
    if row is None:
        raise Http404
    describe([row], day)
    row.age_band = age_band(row.gp.birth_date, day) if row.gp else None  # type: ignore[attr-defined]
    return row


def practice_lists(practice: Practice, day: datetime.date) -> list[Agreement]:
    """The practice's lists in force with their figures and GPs, most free places first."""
    qs = ws.lists_in_force(practice.municipality_id, day, live_lengths=True).filter(
        practice_id=practice.pk
    )
    rows = ws.with_doctors(ws.with_free(list(qs)), day)
    return sorted(rows, key=lambda a: (-a.free, a.pk))  # type: ignore[attr-defined]


def public_practice(practice_id: int) -> Practice:
    practice = (
        Practice.objects.select_related("postal_code", "municipality__county")
        .filter(pk=practice_id)
        .first()
    )
    if practice is None:
        raise Http404
    return practice
