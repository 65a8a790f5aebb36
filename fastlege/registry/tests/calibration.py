"""Checks that a seeded registry is calibrated to KOSTRA 2025, shared by the seed's
tests and the statistics' check against reality (which seeds the whole of Trøndelag
once and checks both the registry and the statistics made from it)."""

from __future__ import annotations

from django.db.models import Count, Exists, F, OuterRef, Q, Sum

from fastlege.reference.models import KostraGpFigures, MunicipalityPopulation
from fastlege.registry.models import Agreement, DoctorPeriod, ListMembership, Resident
from fastlege.registry.periods import in_force_on
from fastlege.stats.kostra import kostra_day

#: KOSTRA 2025's day, 31.12.2025: the seeded registry must equal KOSTRA on it.
DAY = kostra_day(2025)
OPEN_ON_DAY = in_force_on(DAY)


def regular_gp_open() -> Exists:
    return Exists(
        DoctorPeriod.objects.filter(
            OPEN_ON_DAY, agreement=OuterRef("pk"), role=DoctorPeriod.Role.REGULAR
        )
    )


def figures_by_municipality() -> dict[str, dict[str, int]]:
    """KOSTRA-style figures computed from the seeded rows."""
    lists = (
        Agreement.objects.annotate(has_gp=regular_gp_open())
        .values("municipality_id")
        .annotate(
            total=Count("id"),
            vacant=Count("id", filter=Q(has_gp=False)),
            open=Count("id", filter=Q(is_open=True)),
            capacity=Sum("ceiling"),
        )
    )
    out: dict[str, dict[str, int]] = {
        row["municipality_id"]: {
            "total": row["total"],
            "vacant": row["vacant"],
            "open": row["open"],
            "capacity": row["capacity"],
            "with_gp": 0,
            "without_gp": 0,
        }
        for row in lists
    }
    vacant_lists = set(
        Agreement.objects.annotate(has_gp=regular_gp_open())
        .filter(has_gp=False)
        .values_list("id", flat=True)
    )
    members = (
        ListMembership.objects.filter(OPEN_ON_DAY)
        .values("agreement_id", "agreement__municipality_id")
        .annotate(n=Count("id"))
    )
    for row in members:
        key = "without_gp" if row["agreement_id"] in vacant_lists else "with_gp"
        out[row["agreement__municipality_id"]][key] += row["n"]
    return out


def assert_calibrated(numbers: list[str], *, whole_county: bool) -> None:
    figures = figures_by_municipality()
    kostra = {k.municipality_id: k for k in KostraGpFigures.objects.filter(year=2025)}
    population = dict(
        MunicipalityPopulation.objects.filter(year=2026).values_list(
            "municipality_id", "population"
        )
    )
    residents = dict(
        Resident.objects.values("municipality_id")
        .annotate(n=Count("id"))
        .values_list("municipality_id", "n")
    )
    for number in numbers:
        k, f = kostra[number], figures[number]
        assert f["total"] == k.lists_total, number
        assert f["vacant"] == k.lists_without_gp, number
        assert f["open"] == k.open_lists, number
        assert f["with_gp"] == k.residents_on_lists_with_gp, number
        assert f["without_gp"] == k.residents_on_lists_without_gp, number
        assert f["capacity"] == k.capacity, number
        if whole_county:
            assert abs(residents[number] - population[number]) <= 0.01 * population[number], number
        else:
            # Residents whose list lies outside the seeded area are not created.
            members = k.residents_on_lists_with_gp + k.residents_on_lists_without_gp
            assert 0.95 * min(members, population[number]) <= residents[number], number
            assert residents[number] <= population[number], number


def assert_county_calibrated(county: str, municipalities: int) -> None:
    """The whole county was seeded: every municipality's lists, list residents,
    capacity and female GPs equal KOSTRA 2025, its residents its population, and a
    realistic handful are outside the lists or listed in another municipality."""
    numbers = list(
        KostraGpFigures.objects.filter(year=2025, municipality__county_id=county).values_list(
            "municipality_id", flat=True
        )
    )
    assert len(numbers) == municipalities
    assert_calibrated(numbers, whole_county=True)
    female = dict(
        DoctorPeriod.objects.filter(OPEN_ON_DAY, role="LPFL", doctor__sex="K")
        .values("agreement__municipality_id")
        .annotate(n=Count("id"))
        .values_list("agreement__municipality_id", "n")
    )
    for k in KostraGpFigures.objects.filter(year=2025, municipality__county_id=county):
        assert female.get(k.municipality_id, 0) == k.female_gps
    # A realistic handful outside the lists, and some listed in another municipality.
    in_county = Resident.objects.filter(municipality__county_id=county)
    listed = ListMembership.objects.filter(valid_to__isnull=True)
    # NOT EXISTS, not NOT IN: PostgreSQL cannot hash a half-million-row NOT IN.
    has_place = Exists(listed.filter(resident=OuterRef("pk")))
    unassigned = in_county.filter(~has_place, in_scheme=True)
    opted_out = in_county.filter(in_scheme=False)
    total = in_county.count()
    assert 0.0003 * total < unassigned.count() < 0.003 * total
    assert 0 < opted_out.count() < 0.001 * total
    elsewhere = listed.filter(resident__municipality__county_id=county).exclude(
        agreement__municipality_id=F("resident__municipality_id")
    )
    assert elsewhere.exists()
