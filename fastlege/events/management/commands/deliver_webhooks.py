"""``fastlege deliver-webhooks``: send the registry's events to the webhook
subscriptions (docs/events.md). ``--once`` does one round (every due subscription
until it has nothing left or fails); without it the command runs until stopped,
waiting ``--interval`` seconds when there was nothing to send."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from fastlege.events.services import delivery


class Command(BaseCommand):
    help = "Lever hendelser til webhook-abonnementene (docs/events.md)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="én runde, så slutt")
        parser.add_argument("--interval", type=float, default=2.0, help="sekunder mellom runder")
        parser.add_argument("--batch", type=int, default=delivery.BATCH, help="hendelser per POST")
        parser.add_argument(
            "--timeout", type=float, default=delivery.TIMEOUT_SECONDS, help="sekunder per POST"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        while True:
            outcomes = delivery.deliver_due(batch=options["batch"], timeout=options["timeout"])
            for o in outcomes:
                if o.events or o.error:
                    self.stdout.write(
                        f"abonnement {o.subscription}: {o.events} hendelser i {o.batches} "
                        f"sendinger" + (f", feil: {o.error}" if o.error else ""),
                    )
                    self.stdout.flush()
            if options["once"]:
                return
            if not any(o.events for o in outcomes):
                time.sleep(options["interval"])
