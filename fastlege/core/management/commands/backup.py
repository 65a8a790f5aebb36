"""``fastlege backup FIL``: a backup of the database (docs/operations.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from fastlege.core.backup import BackupError, backup


class Command(BaseCommand):
    help = _(
        "Tar sikkerhetskopi av databasen: pg_dump (eget format) på PostgreSQL, en "
        "konsistent kopi av filen på SQLite. Kan kjøres mens tjenesten går."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("fil", help=_("filen sikkerhetskopien skrives til"))

    def handle(self, *args: Any, **options: Any) -> None:
        target = Path(options["fil"])
        try:
            backup(target)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        size = target.stat().st_size
        self.stdout.write(
            self.style.SUCCESS(
                _("Sikkerhetskopi skrevet til %(f)s (%(n)s byte).") % {"f": target, "n": size}
            )
        )
