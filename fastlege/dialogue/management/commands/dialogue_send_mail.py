"""Send recorded dialogue e-mails that have not been sent yet (retries)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from fastlege.dialogue.services.mail import send_pending


class Command(BaseCommand):
    help = "Sender e-post (bekreftelseslenker) som ikke er sendt ennå."

    def handle(self, *args: Any, **options: Any) -> None:
        sent = send_pending()
        self.stdout.write(f"Sendt: {sent}")
