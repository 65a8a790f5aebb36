"""``fastlege stats-indicator-docs``: write the list of indicators in docs/indicators.md
from the registry (``fastlege.stats.definitions``); ``--sjekk`` only checks it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from fastlege.stats.definitions import with_generated_list

DOC = Path(__file__).resolve().parents[4] / "docs" / "indicators.md"


class Command(BaseCommand):
    help = _(
        "Skriver listen over indikatorene i docs/indicators.md fra indikatorregisteret "
        "(fastlege/stats/indicators.py)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--fil", default=str(DOC), help=_("dokumentet som skal skrives"))
        parser.add_argument(
            "--sjekk", action="store_true", help=_("bare sjekk at dokumentet er oppdatert")
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["fil"])
        current = path.read_text(encoding="utf-8")
        wanted = with_generated_list(current)
        if options["sjekk"]:
            if wanted != current:
                raise CommandError(
                    _("%(file)s er ikke oppdatert: kjør fastlege stats-indicator-docs.")
                    % {"file": path}
                )
            self.stdout.write(_("%(file)s er oppdatert.") % {"file": path})
            return
        if wanted != current:
            path.write_text(wanted, encoding="utf-8")
        self.stdout.write(_("Skrev indikatorlisten i %(file)s.") % {"file": path})
