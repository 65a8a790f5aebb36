"""``fastlege import-ssb FILE``: store an SSB table (12005 or 07459) in JSON-stat 2."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from fastlege.reference.errors import ReferenceDataError
from fastlege.reference.ssb import import_ssb


class Command(BaseCommand):
    help = _(
        "Leser en SSB-tabell (12005 KOSTRA fastlegelister eller 07459 folketall) i "
        "JSON-stat 2 fra en fil og lagrer tallene. Alt eller ingenting; en fil som er "
        "lest før, endrer ingenting."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "file", metavar="FIL", help=_("JSON-stat 2-fil fra SSBs statistikkbank")
        )
        parser.add_argument(
            "--proving",
            "--dry-run",
            dest="dry_run",
            action="store_true",
            help=_("sjekk filen og vis hva som ville blitt endret, uten å lagre"),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(
                _("Kan ikke lese %(file)s: %(error)s") % {"file": path, "error": exc.strerror}
            ) from None
        try:
            report = import_ssb(None, data, name=path.name, dry_run=options["dry_run"])
        except ReferenceDataError as exc:
            for problem in exc.problems:
                self.stderr.write(str(problem))
            raise CommandError(exc.messages[0]) from None
        out = self.stdout
        out.write(
            _("Tabell %(table)s, %(file)s: %(cells)s tall")
            % {"table": report.table, "file": report.file, "cells": report.cells}
        )
        for label in report.created:
            out.write(
                _("%(model)s: %(created)s nye, %(updated)s endret, %(unchanged)s uendret")
                % {
                    "model": label,
                    "created": report.created[label],
                    "updated": report.updated[label],
                    "unchanged": report.unchanged[label],
                }
            )
        if report.skipped_regions:
            out.write(
                _("Hoppet over %(n)s regioner som ikke er kommuner i registeret: %(codes)s")
                % {"n": len(report.skipped_regions), "codes": ", ".join(report.skipped_regions)}
            )
        if report.ignored_contents:
            out.write(
                _("Ikke lagret (registeret har ikke disse): %(codes)s")
                % {"codes": ", ".join(report.ignored_contents)}
            )
        if report.dry_run:
            out.write(self.style.WARNING(_("Prøvekjøring: ingenting er lagret.")))
        elif not report.changed:
            out.write(self.style.SUCCESS(_("Tallene var allerede lagret; ingenting er endret.")))
        else:
            out.write(self.style.SUCCESS(_("Lagret.")))
