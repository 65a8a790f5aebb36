"""``fastlege notify-watchers --month YYYY-MM``: tell every watcher of a list that opened
in that month's update (docs/watches.md). The scheduled run (``month-run --due``) does
this after each month; run it by hand after ``month-run YYYY-MM``. Idempotent."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from fastlege.core.errors import DomainError
from fastlege.monthly.services import parse_month
from fastlege.watches.services import notify_watchers


class Command(BaseCommand):
    requires_system_checks: list[str] = []
    help = _(
        "Skriver meldinger om ledig plass til alle som følger med på en liste eller et søk "
        "der det ble ledig plass i månedskjøringen (ÅÅÅÅ-MM). Kan kjøres flere ganger."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--month", metavar="ÅÅÅÅ-MM", required=True, help=_("måneden"))

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = notify_watchers(parse_month(options["month"]))
        except DomainError as exc:
            raise CommandError(exc.messages[0]) from None
        self.stdout.write(
            _(
                "%(month)s: %(opened)s lister fikk ledig plass, %(notices)s nye meldinger, "
                "%(emails)s e-poster (%(seconds).1f s)."
            )
            % {
                "month": f"{result.month:%Y-%m}",
                "opened": result.opened,
                "notices": result.notices,
                "emails": result.emails,
                "seconds": result.seconds,
            }
        )
