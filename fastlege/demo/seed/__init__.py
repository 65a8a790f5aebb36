"""Synthetic demo and test data for the GP registry (``fastlege seed``).

Calibrated per municipality to the published KOSTRA figures; see
:mod:`fastlege.demo.seed.plan` for what is matched exactly and how
residents are spread over municipalities.
"""

from fastlege.demo.seed.plan import ReferenceDataMissing
from fastlege.demo.seed.runner import (
    DEFAULT_SEED,
    DEFAULT_STATE_DATE,
    SeedResult,
    registry_is_empty,
    seed_registry,
)

__all__ = [
    "DEFAULT_SEED",
    "DEFAULT_STATE_DATE",
    "ReferenceDataMissing",
    "SeedResult",
    "registry_is_empty",
    "seed_registry",
]
