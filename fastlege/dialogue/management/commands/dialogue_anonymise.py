"""Anonymise registrants' and submitters' personal data whose date has come.

Run daily (cron). ``--dato`` runs as of another day (for tests and catch-up).
Also deletes pending registrations whose confirmation link has expired (as of now).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from fastlege.dialogue.services import anonymise_due, delete_expired_pending


class Command(BaseCommand):
    help = "Anonymiserer personopplysninger om påmeldte og innsendere når datoen er nådd."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dato", help="Kjør som om dagen er DATO (ÅÅÅÅ-MM-DD).")

    def handle(self, *args: Any, **options: Any) -> None:
        day = None
        if options.get("dato"):
            try:
                day = datetime.date.fromisoformat(options["dato"])
            except ValueError as exc:
                raise CommandError("Ugyldig dato: bruk ÅÅÅÅ-MM-DD.") from exc
        result = anonymise_due(None, day)
        expired = delete_expired_pending(None)
        self.stdout.write(
            f"Anonymisert: {result.registrations} påmeldinger i {result.meetings} møter, "
            f"{result.submissions} innspill i {result.consultations} innspillsrunder. "
            f"Slettet {expired} ubekreftede påmeldinger med utløpt lenke."
        )
