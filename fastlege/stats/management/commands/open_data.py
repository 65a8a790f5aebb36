"""``fastlege open-data --month YYYY-MM --out DIR``: write a month's open data files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from fastlege.monthly.services.engine import parse_month
from fastlege.monthly.services.errors import MonthlyError
from fastlege.stats import opendata


class Command(BaseCommand):
    help = _(
        "Skriver månedens åpne data (CSV og JSON for områder og lister, og metadata) "
        "til en mappe: de samme offentlige tallene som statistikksidene, med skjerming."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--month", "--maned", dest="month", required=True, metavar="ÅÅÅÅ-MM")
        parser.add_argument("--out", dest="out", required=True, metavar="MAPPE")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            month = parse_month(options["month"])
        except MonthlyError as exc:
            raise CommandError(exc.messages[0]) from None
        if month not in opendata.months():
            raise CommandError(
                _("Statistikken for %(month)s er ikke fylt; kjør stats-fill først.")
                % {"month": f"{month:%Y-%m}"}
            )
        for path in opendata.write(month, Path(options["out"])):
            self.stdout.write(f"{path} ({path.stat().st_size} B)")
