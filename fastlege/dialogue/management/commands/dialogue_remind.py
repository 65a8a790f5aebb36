"""Remind invitees who have not registered, before the registration deadline (daily)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from fastlege.dialogue import rules
from fastlege.dialogue.services.invitations import remind_unregistered


class Command(BaseCommand):
    help = (
        "Sender én påminnelse per invitasjon der kommunen eller personen ikke har meldt seg på, "
        "når det er få dager igjen til påmeldingsfristen (kjøres daglig)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        reminded = remind_unregistered(None)
        days = rules.param("invitation_reminder_days_before_deadline")
        self.stdout.write(f"Påminnet: {reminded} invitasjoner ({days} dager før fristen).")
