"""``fastlege import-registry --municipality 5028 DIR [--dry-run]``: load a
municipality's practices, GPs, lists and members from files
(``registry.services.file_import``; formats in docs/import.md). ``DIR`` is a directory
of CSV files, or one ``.zip`` or ``.xlsx`` file. Every bad line is printed; one bad
line refuses the whole import and nothing is written. Runs as the system."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from fastlege.core.errors import DomainError
from fastlege.registry.import_files import files_from_path
from fastlege.registry.services.file_import import ImportRefused, import_registry


class Command(BaseCommand):
    help = "Les inn en kommunes legekontorer, leger, lister og listeinnbyggere fra filer."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="Mappe med CSV-filer, eller en .zip/.xlsx-fil.")
        parser.add_argument("--municipality", required=True, help="Kommunenummer, f.eks. 5028.")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Sjekk filene og vis hva som ville blitt lest inn, uten å endre noe.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["path"]
        try:
            files = files_from_path(path)
        except OSError as exc:
            raise CommandError(f"Kan ikke lese {path}: {exc.strerror}") from exc
        try:
            report = import_registry(
                None, options["municipality"], files, dry_run=options["dry_run"]
            )
        except ImportRefused as exc:
            for line in exc.report.lines():
                self.stderr.write(line)
            raise CommandError(exc.messages[0]) from exc
        except DomainError as exc:
            raise CommandError(exc.messages[0]) from exc
        for line in report.lines():
            self.stdout.write(line)
