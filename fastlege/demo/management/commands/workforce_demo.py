"""Two demo scenarios for Trøndelag (idempotent), read by the county's planners.

They are the kinds the sources discuss in Trøndelag (smaller lists, ALIS, weaker
recruitment), with figures chosen for the demo; their descriptions say so.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.management.base import BaseCommand

from fastlege.workforce.models import Scenario
from fastlege.workforce.services.scenarios import ScenarioData, create_scenario

COUNTY = "50"  # Trøndelag
DEMO = "Demodata."

SCENARIOS: tuple[tuple[str, str, dict[str, Any]], ...] = (
    (
        "Trøndelag: mindre lister og flere ALIS",
        "Listene ned mot 850 slik fastlegene krever, og to ekstra ALIS-løp per 100 leger "
        "hvert år. " + DEMO,
        {"target_list_length": 850, "alis_completions_per_100": Decimal("2.0")},
    ),
    (
        "Trøndelag: svak rekruttering",
        "Rekrutteringen faller til 6 nye leger per 100 per år, og flere går av før 70. " + DEMO,
        {"recruitment_rate": Decimal("0.060"), "attrition_55_64": Decimal("0.080")},
    ),
)


class Command(BaseCommand):
    help = "Lag to demoscenarioer for Trøndelag (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        made = 0
        for name, description, figures in SCENARIOS:
            if Scenario.objects.filter(name=name, county_id=COUNTY).exists():
                continue
            data = ScenarioData.defaults(name)
            data.description = description
            for key, value in figures.items():
                setattr(data, key, value)
            create_scenario(None, data, county_id=COUNTY)
            made += 1
        self.stdout.write(f"Demoscenarioer for Trøndelag: {made} nye.")
