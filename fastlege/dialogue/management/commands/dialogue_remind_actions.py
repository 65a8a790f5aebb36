"""``fastlege dialogue_remind_actions [--dato ÅÅÅÅ-MM-DD]``: remind the owners of open
follow-up actions whose due date is near (run daily; idempotent)."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from fastlege.dialogue.services.actions import send_action_reminders


class Command(BaseCommand):
    help = "Sender påminnelse om frister for oppfølgingspunkter fra dialogmøter, én gang per frist."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dato", type=datetime.date.fromisoformat, default=None)

    def handle(self, *args: Any, **options: Any) -> None:
        n = send_action_reminders(options["dato"])
        self.stdout.write(f"Påminnelser sendt for {n} oppfølgingspunkter.")
