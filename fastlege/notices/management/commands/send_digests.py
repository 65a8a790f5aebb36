"""``fastlege send-digests``: send the daily and weekly digests that are due, and any
notice e-mail not yet delivered. Run hourly by cron (docs/operations.md). Resumable and
idempotent: run it as often as you like (docs/notices.md)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from fastlege.notices.digests import send_digests


class Command(BaseCommand):
    requires_system_checks: list[str] = []
    help = _(
        "Sender samle-e-poster med varsler som er klare (daglig kl. 07.00, ukentlig mandag "
        "kl. 07.00), og e-poster som ikke ble sendt før. Kjøres hver time; kan kjøres flere "
        "ganger."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        result = send_digests()
        self.stdout.write(
            _(
                "%(digests)s samle-e-poster med %(notices)s varsler, %(sent)s e-poster sendt "
                "(%(seconds).1f s)."
            )
            % {
                "digests": result.digests,
                "notices": result.notices,
                "sent": result.sent,
                "seconds": result.seconds,
            }
        )
