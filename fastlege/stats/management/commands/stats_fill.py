"""``fastlege stats-fill``: fill the statistics count tables from the month snapshots."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from fastlege.monthly.services.engine import parse_month
from fastlege.monthly.services.errors import MonthlyError
from fastlege.stats.models import StatsFill
from fastlege.stats.services import fill_month_from_registry, stats_fill
from fastlege.stats.services.errors import StatsError


class Command(BaseCommand):
    help = _(
        "Fyller statistikkens telletabeller fra månedsbildene. Fortsetter der forrige "
        "fylling stoppet og kan kjøres på nytt uten å endre noe som allerede er fylt."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--maned", action="append", default=[], metavar="ÅÅÅÅ-MM", help=_("bare denne måneden")
        )
        parser.add_argument(
            "--fra-registeret",
            metavar="ÅÅÅÅ-MM",
            help=_(
                "fyll en måned uten kjøring fra registeret slik det står ved månedens slutt "
                "(startbildet før første månedskjøring)"
            ),
        )
        parser.add_argument(
            "--pa-nytt", action="store_true", help=_("fyll på nytt selv om måneden er fylt")
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            months = [parse_month(m) for m in options["maned"]] or None
        except MonthlyError as exc:
            raise CommandError(exc.messages[0]) from None

        def progress(fill: StatsFill) -> None:
            if int(options.get("verbosity", 1)) >= 1:
                self.stdout.write(
                    _("%(month)s fylt: %(rows)s rader på %(seconds).2f s")
                    % {"month": f"{fill.month:%Y-%m}", "rows": fill.rows, "seconds": fill.seconds}
                )
                self.stdout.flush()

        if options["fra_registeret"]:
            try:
                fill = fill_month_from_registry(None, parse_month(options["fra_registeret"]))
            except (MonthlyError, StatsError) as exc:
                raise CommandError(exc.messages[0]) from None
            progress(fill)
            return
        result = stats_fill(None, months=months, refill=options["pa_nytt"], progress=progress)
        self.stdout.write(
            self.style.SUCCESS(
                _("Ferdig: %(filled)s måneder fylt, %(skipped)s allerede fylt.")
                % {"filled": len(result.filled), "skipped": result.skipped}
            )
        )
