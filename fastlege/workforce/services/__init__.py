"""Workforce services: scenarios and population projections (each one transaction,
an explicit acting user, an audit row)."""

from fastlege.workforce.services.population import import_population, parse_population
from fastlege.workforce.services.scenarios import (
    ScenarioData,
    copy_scenario,
    create_scenario,
    update_scenario,
)

__all__ = [
    "ScenarioData",
    "copy_scenario",
    "create_scenario",
    "import_population",
    "parse_population",
    "update_scenario",
]
