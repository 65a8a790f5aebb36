"""Store the closing of consultations whose deadline has passed (run often, e.g. every
five minutes). The pages already treat them as closed at the deadline; this records
the closing and audits it. Idempotent."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from fastlege.dialogue.services.consultations_phases import close_due


class Command(BaseCommand):
    help = "Lukker innspillsrunder der fristen har gått ut."

    def handle(self, *args: Any, **options: Any) -> None:
        closed = close_due()
        self.stdout.write(f"Lukket {closed} innspillsrunde(r).")
