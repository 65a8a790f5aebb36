"""``fastlege seed``: synthetic demo and test data, calibrated to KOSTRA 2025."""

from __future__ import annotations

import datetime
import re

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError
from django.utils.translation import gettext as _

from fastlege.core.logging import redact
from fastlege.demo.seed import (
    DEFAULT_SEED,
    DEFAULT_STATE_DATE,
    ReferenceDataMissing,
    registry_is_empty,
    seed_registry,
)
from fastlege.reference.models import County, Municipality

DEFAULT_COUNTY = "50"  # Trøndelag
DEFAULT_MONTHS = 36  # history for the demo (issue 4)
MAX_MONTHS = 120


def _months(value: str) -> int:
    try:
        months = int(value)
    except ValueError:
        months = -1
    if not 0 <= months <= MAX_MONTHS:
        raise CommandError(
            _("Antall måneder må være et helt tall fra 0 til %(max)s.") % {"max": MAX_MONTHS}
        )
    return months


def _date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise CommandError(_("Datoen må skrives ÅÅÅÅ-MM-DD.")) from None


class Command(BaseCommand):
    help = _(
        "Fyller registeret med syntetiske innbyggere, leger og fastlegelister, "
        "kalibrert til KOSTRA-tallene per kommune. Standard: Trøndelag (fylke 50)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        area = parser.add_argument_group(_("område (standard: --fylke 50)"))
        area.add_argument(
            "--fylke", action="append", default=[], metavar="NN", help=_("fylkesnummer")
        )
        area.add_argument(
            "--kommune",
            action="append",
            default=[],
            metavar="NNNN",
            help=_("kommunenummer (kan gjentas)"),
        )
        area.add_argument("--national", "--nasjonal", action="store_true", help=_("hele landet"))
        parser.add_argument(
            "--seed",
            type=int,
            default=DEFAULT_SEED,
            help=_("frø for tilfeldighetene: samme frø gir samme data (standard %(default)s)"),
        )
        parser.add_argument(
            "--months",
            "--maneder",
            type=_months,
            default=DEFAULT_MONTHS,
            metavar="N",
            help=_(
                "historikk: lag de siste N månedene med månedsoppdateringen, langs kommunenes "
                "trend; siste måned gir KOSTRA-tallene (standard %(default)s, 0 = ingen historikk)"
            ),
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help=_("gjør ingenting hvis registeret allerede har innbyggere"),
        )
        parser.add_argument(
            "--date",
            type=_date,
            default=DEFAULT_STATE_DATE,
            metavar="ÅÅÅÅ-MM-DD",
            help=_("registerets dato (standard 2025-12-31: KOSTRA 2025 gjelder per 31.12.2025)"),
        )

    def handle(self, *args: object, **options: object) -> None:
        if not settings.ALLOW_SYNTHETIC_NIN:
            raise CommandError(
                _(
                    "Syntetiske fødselsnumre er ikke tillatt i denne installasjonen. "
                    "Testdata lages bare der ALLOW_SYNTHETIC_NIN er på (demo, test, opplæring)."
                )
            )
        counties = [str(c) for c in options["fylke"]]  # type: ignore[attr-defined]
        municipalities = [str(m) for m in options["kommune"]]  # type: ignore[attr-defined]
        national = bool(options["national"])
        if national and (counties or municipalities):
            raise CommandError(_("Bruk enten --national eller --fylke/--kommune, ikke begge."))
        if not (national or counties or municipalities):
            counties = [DEFAULT_COUNTY]
        self._check_area(counties, municipalities)

        if not registry_is_empty():
            if options["if_empty"]:
                self.stdout.write(
                    _("Registeret har allerede data; ingen testdata lagt til (--if-empty).")
                )
                return
            raise CommandError(
                _(
                    "Registeret har allerede innbyggere eller lister. Testdata kan bare "
                    "lages i et tomt register (bruk --if-empty for å hoppe over)."
                )
            )

        verbosity = int(options.get("verbosity", 1))  # type: ignore[call-overload]

        def progress(message: str) -> None:
            # The history's months are shown by default: they take a while.
            if verbosity >= 2 or (verbosity >= 1 and re.match(r"\d{4}-\d{2}:", message)):
                self.stdout.write(f"  {message}")
                self.stdout.flush()

        self.stdout.write(_("Lager testdata …"))
        try:
            result = seed_registry(
                counties=counties,
                municipalities=municipalities,
                national=national,
                seed=int(options["seed"]),  # type: ignore[call-overload]
                state_date=options["date"],  # type: ignore[arg-type]
                months=int(options["months"]),  # type: ignore[call-overload]
                progress=progress,
            )
        except ReferenceDataMissing:
            raise CommandError(
                _("Referansedata mangler. Kjør «fastlege load_reference» først.")
            ) from None
        except DatabaseError as exc:
            # Never echo identity numbers from a database error message.
            raise CommandError(
                _("Databasefeil, ingenting ble lagret: %(error)s") % {"error": redact(str(exc))}
            ) from None
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "Ferdig på %(seconds).1f s: %(residents)s innbyggere, %(lists)s lister "
                    "(%(vacant)s uten fast lege), %(doctors)s leger, %(practices)s legekontorer "
                    "i %(municipalities)s kommuner."
                )
                % {
                    "seconds": result.seconds,
                    "residents": f"{result.residents:,}".replace(",", " "),
                    "lists": result.lists,
                    "vacant": result.lists_without_gp,
                    "doctors": result.doctors,
                    "practices": result.practices,
                    "municipalities": result.municipalities,
                }
            )
        )
        if result.months:
            self.stdout.write(
                _(
                    "Historikk: %(months)s måneder kjørt med månedsoppdateringen "
                    "(%(seconds).1f s av tiden); %(leavers)s innbyggere døde eller utvandret "
                    "underveis. Fyll statistikken med «fastlege stats-fill»."
                )
                % {
                    "months": result.months,
                    "seconds": result.history_seconds,
                    "leavers": result.leavers,
                }
            )
        if result.guests_outside:
            self.stdout.write(
                _(
                    "%(count)s av innbyggerne bor utenfor området, men står på en liste i det "
                    "(gjesteinnbyggere)."
                )
                % {"count": result.guests_outside}
            )
        if result.omitted:
            self.stdout.write(
                _(
                    "%(count)s innbyggere med fastlege utenfor området er ikke laget "
                    "(bare listene i området lages)."
                )
                % {"count": result.omitted}
            )

    def _check_area(self, counties: list[str], municipalities: list[str]) -> None:
        if not Municipality.objects.exists():
            raise CommandError(_("Referansedata mangler. Kjør «fastlege load_reference» først."))
        for county in counties:
            if (
                not re.fullmatch(r"\d{2}", county)
                or not County.objects.filter(number=county).exists()
            ):
                raise CommandError(_("Ukjent fylkesnummer: %(n)s") % {"n": county})
        for number in municipalities:
            if (
                not re.fullmatch(r"\d{4}", number)
                or not Municipality.objects.filter(number=number).exists()
            ):
                raise CommandError(_("Ukjent kommunenummer: %(n)s") % {"n": number})
