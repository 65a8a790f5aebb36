"""``python -m fastlege workforce_import_population <file>``: load a population
projection per municipality (SSB's table format; ``services.population``). A file with
any bad line is refused whole, every bad line reported, nothing loaded."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from fastlege.workforce.services.errors import PopulationFileRefused
from fastlege.workforce.services.population import import_population


class Command(BaseCommand):
    help = "Les inn befolkningsframskriving per kommune (SSB-format: kommune, år, personer)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"Kan ikke lese {path}: {exc}") from exc
        try:
            count = import_population(None, text, source=path.name)
        except PopulationFileRefused as exc:
            for line, message in exc.problems:
                self.stderr.write(f"linje {line}: {message}")
            raise CommandError(
                f"Filen ble ikke lest inn: {len(exc.problems)} feil. Ingenting er endret."
            ) from exc
        self.stdout.write(f"Lest inn {count} rader fra {path.name}.")
