"""Small helpers for the measures tests: users per role, measures, statistics rows."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from fastlege.accounts.models import Role
from fastlege.measures import services
from fastlege.measures.models import Measure, MeasureType
from fastlege.registry.tests.factories import DoctorFactory, ResidentFactory, user_with
from fastlege.stats.models import AreaKind, AreaMonthCount

PASSWORD = "Et-sterkt-passord-2026"  # noqa: S105

TRONDHEIM, MELHUS, MALVIK, SKAUN, STEINKJER, OSLO = "5001", "5028", "5031", "5029", "5006", "0301"


def personas() -> dict[str, Any]:
    """One user per kind of visitor, each with exactly the role a real one would have."""
    users = {
        "citizen": user_with(Role.CITIZEN, resident=ResidentFactory.create(municipality_id="5001")),
        "gp": user_with(Role.GP, doctor=DoctorFactory.create()),
        "municipality": user_with(Role.MUNICIPALITY, municipality_id=TRONDHEIM),
        "neighbour_municipality": user_with(Role.MUNICIPALITY, municipality_id=MELHUS),
        "other_county_municipality": user_with(Role.MUNICIPALITY, municipality_id=OSLO),
        "county_governor": user_with(Role.COUNTY_GOVERNOR, county_id="50"),
        "other_county_governor": user_with(Role.COUNTY_GOVERNOR, county_id="03"),
        "national": user_with(Role.NATIONAL),
    }
    for user in users.values():
        user.set_password(PASSWORD)
        user.save()
    return users


def mtype(code: str) -> MeasureType:
    return MeasureType.objects.get(code=code)


def measure(
    municipality: str,
    code: str = "etableringstilskudd",
    *,
    value: str | int | None = 200_000,
    status: str = "planlagt",
    basis: str = "per_lege",
    starts_on: datetime.date | None = None,
    unit: str = "",
) -> Measure:
    decided = status in ("vedtatt", "aktiv")
    return services.create_measure(
        None,
        municipality,
        services.MeasureData(
            measure_type_id=mtype(code).pk,
            status=status,
            value=None if value is None else Decimal(value),
            value_basis=basis,
            unit=unit,
            starts_on=starts_on,
            decision_body="Formannskapet" if decided else "",
            decided_on=datetime.date(2025, 1, 7) if decided else None,
        ),
    )


def counts(municipality: str, month: datetime.date, **values: Any) -> AreaMonthCount:
    """A statistics row for a municipality and month, with consistent defaults."""
    fields: dict[str, Any] = {
        "municipalities": 1,
        "residents": 10_000,
        "gps": 10,
        "gps_started": 0,
        "gps_stopped": 0,
        "lists": 10,
        "lists_with_gp": 10,
        "on_lists": 9_000,
        "on_lists_with_gp": 9_000,
        "ceiling_sum": 10_000,
        "ceiling_sum_with_gp": 10_000,
    }
    fields.update(values)
    # Free places per list: no list above its ceiling unless the test says so.
    fields.setdefault("over_ceiling_sum", 0)
    fields.setdefault("free_places_sum", fields["ceiling_sum"] - fields["on_lists"])
    return AreaMonthCount.objects.create(
        month=month, kind=AreaKind.MUNICIPALITY, code=municipality, **fields
    )
