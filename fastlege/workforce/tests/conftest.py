from __future__ import annotations

from typing import Any

import pytest

from fastlege.accounts.models import Role
from fastlege.registry.tests.factories import DoctorFactory, ResidentFactory, user_with

TRONDHEIM = "5001"
MELHUS = "5028"
OSLO = "0301"


@pytest.fixture
def users(db: Any) -> dict[str, Any]:
    """One user per kind of visitor, each with exactly the role a real one would have."""
    return {
        "citizen": user_with(
            Role.CITIZEN, resident=ResidentFactory.create(municipality_id=TRONDHEIM)
        ),
        "gp": user_with(Role.GP, doctor=DoctorFactory.create()),
        "municipality": user_with(Role.MUNICIPALITY, municipality_id=TRONDHEIM),
        "other_municipality": user_with(Role.MUNICIPALITY, municipality_id=MELHUS),
        "oslo_municipality": user_with(Role.MUNICIPALITY, municipality_id=OSLO),
        "county_governor": user_with(Role.COUNTY_GOVERNOR, county_id="50"),
        "other_county_governor": user_with(Role.COUNTY_GOVERNOR, county_id="03"),
        "national": user_with(Role.NATIONAL),
    }
