"""``python -m fastlege workforce_backtest``: run the projection from 2020 and compare
it with the GPs KOSTRA shows for 2020–2025 (``fastlege.workforce.backtest``)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from fastlege.stats.numbers import num
from fastlege.workforce import backtest


class Command(BaseCommand):
    help = "Tilbaketest framskrivingen fra 2020 mot KOSTRA 2020–2025."

    def handle(self, *args: Any, **options: Any) -> None:
        r = backtest.run()
        w = self.stdout.write
        w(f"Kommuner med hele serien 2020–2025: {r.municipalities}")
        w(f"Aldersprofil: {r.age_profile}")
        kind = "målt fra registeret" if r.recruitment_measured else "standardverdi"
        w(f"Rekruttering: {num(r.recruitment, 3)} per lege per år ({kind})")
        if r.derivation_mape is not None:
            w(f"Utledet mot publisert antall avtaler 2025, MAPE: {num(r.derivation_mape, 1)} %")
        w(
            "år;MAPE kommuner (%);MAPE uendret fra 2020 (%);framskrevet landet;"
            "observert landet;avvik landet (%)"
        )
        for y in r.years:
            w(
                f"{y};{num(r.mape[y], 1)};{num(r.baseline_mape[y], 1)};"
                f"{num(r.national_projected[y], 0)};"
                f"{num(r.national_observed[y], 0)};{num(r.national_error_pct(y), 1)}"
            )
