"""``fastlege demo_continue``: carry the demo from 31.12.2025 up to last month."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from fastlege.demo.seed import DEFAULT_SEED
from fastlege.demo.seed.continuation import continue_demo, last_completed_month
from fastlege.monthly.services.engine import parse_month
from fastlege.monthly.services.errors import MonthlyError


class Command(BaseCommand):
    help = _(
        "Fører testdataene videre fra kalibreringen 31.12.2025 måned for måned, med "
        "månedsoppdateringen og realistiske hendelser, til og med siste hele måned før i dag."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--til",
            "--until",
            metavar="ÅÅÅÅ-MM",
            help=_("siste måned (standard: siste hele måned før dagens dato)"),
        )
        parser.add_argument(
            "--seed",
            type=int,
            default=DEFAULT_SEED,
            help=_("frø for tilfeldighetene (standard %(default)s)"),
        )

    def handle(self, *args: object, **options: object) -> None:
        if not settings.ALLOW_SYNTHETIC_NIN:
            raise CommandError(
                _(
                    "Syntetiske fødselsnumre er ikke tillatt i denne installasjonen. "
                    "Testdata lages bare der ALLOW_SYNTHETIC_NIN er på (demo, test, opplæring)."
                )
            )
        try:
            until = parse_month(str(options["til"])) if options["til"] else None
        except MonthlyError as exc:
            raise CommandError(exc.messages[0]) from None
        last = last_completed_month()
        if until is not None and until > last:
            raise CommandError(
                _("%(month)s er ikke en hel måned ennå; siste hele måned er %(last)s.")
                % {"month": f"{until:%m.%Y}", "last": f"{last:%m.%Y}"}
            )

        def progress(message: str) -> None:
            self.stdout.write(f"  {message}")
            self.stdout.flush()

        result = continue_demo(
            until=until or last,
            seed=int(options["seed"]),  # type: ignore[call-overload]
            progress=progress,
        )
        if not result.months:
            self.stdout.write(_("Ingen måneder å føre videre."))
            return
        self.stdout.write(
            self.style.SUCCESS(
                _("Ferdig på %(seconds).1f s: %(months)s måneder, til og med %(last)s.")
                % {
                    "seconds": result.seconds,
                    "months": len(result.months),
                    "last": f"{result.months[-1]:%m.%Y}",
                }
            )
        )
