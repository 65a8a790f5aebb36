"""``fastlege month-run YYYY-MM``: carry the lists over to the 1st of a month.

``fastlege month-run --due`` is what the scheduler starts every night: every month
that is due, in order, with an exit status of its own for each outcome (0 done or
nothing due, 1 failed and the national administrators notified, 75 another run holds
the lock); see ``monthly.services.scheduled`` and ``docs/operations.md``.
"""

from __future__ import annotations

import argparse
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from fastlege.monthly.rules import CEILING_EXCEPTIONS
from fastlege.monthly.services import MonthlyError, run_month
from fastlege.monthly.services.scheduled import EXIT_OK, run_due


class Command(BaseCommand):
    # The run is timed against a target; Django's system checks (URLs, templates, admin)
    # cost a fifth of a second here and belong to `fastlege check` and the deploy.
    requires_system_checks: list[str] = []
    help = _(
        "Kjører den månedlige listeoppdateringen for en måned (ÅÅÅÅ-MM): avsluttede "
        "listeplasser, listereduksjoner, bytter, ufordelte, ventelister, åpne/lukkede lister, "
        "meldinger og månedsbilde. Alt eller ingenting; en måned som er kjørt, endres ikke."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "month", metavar="ÅÅÅÅ-MM", nargs="?", help=_("måneden som skal kjøres")
        )
        parser.add_argument(
            "--due",
            action="store_true",
            help=_(
                "kjør alle måneder som står for tur (for planlagt kjøring); varsler de "
                "nasjonale administratorene hvis en kjøring feiler"
            ),
        )
        # For the test that kills a run half-way: hold the transaction open after a step.
        parser.add_argument("--pause-after-step", type=int, help=argparse.SUPPRESS)

    def handle(self, *args: Any, **options: Any) -> None:
        verbosity = int(options.get("verbosity", 1))

        def progress(step: int, label: str) -> None:
            if verbosity >= 1 and step:
                self.stdout.write(
                    _("steg %(step)s ferdig: %(label)s") % {"step": step, "label": label}
                )
                self.stdout.flush()

        if options["due"]:
            if options["month"]:
                raise CommandError(_("Oppgi enten en måned eller --due, ikke begge."))
            self._due()
            return
        if not options["month"]:
            raise CommandError(_("Oppgi måneden (ÅÅÅÅ-MM) eller --due."))
        try:
            result = run_month(
                None,
                options["month"],
                progress=progress,
                pause_after_step=options.get("pause_after_step"),
            )
        except MonthlyError as exc:
            raise CommandError(exc.messages[0]) from None
        self._report(result)

    def _due(self) -> None:
        due = run_due()
        for result in due.ran:
            self._report(result)
        if due.exit_status == EXIT_OK:
            if not due.ran:
                self.stdout.write(_("Ingen måned står for tur; ingenting er endret."))
            return
        if due.busy:
            message = _("En annen månedskjøring pågår. Neste planlagte kjøring prøver igjen.")
        else:
            message = _("Månedskjøringen for %(month)s feilet: %(error)s (%(n)s varslet)") % {
                "month": f"{due.failed_month:%Y-%m}",
                "error": due.error,
                "n": due.notified,
            }
        raise CommandError(message, returncode=due.exit_status)

    def _report(self, result: Any) -> None:
        run = result.run
        if result.already_done:
            self.stdout.write(
                _("%(month)s er allerede kjørt (%(at)s); ingenting er endret.")
                % {"month": f"{run.month:%Y-%m}", "at": f"{run.finished_at:%Y-%m-%d %H:%M}"}
            )
            return
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "Månedskjøring %(month)s ferdig på %(seconds).1f s: %(moved)s flyttet, "
                    "%(ended)s listeplasser avsluttet, %(unassigned)s ufordelte tildelt, "
                    "%(waiting)s fra venteliste (%(chain)s i kjeder, lengste kjede %(longest)s), "
                    "%(refused)s bytter avvist, %(notes)s meldinger. Sjekksum %(sum)s."
                )
                % {
                    "month": f"{run.month:%Y-%m}",
                    "seconds": run.step_seconds.get("total", 0.0),
                    "moved": run.moved,
                    "ended": run.ended_memberships,
                    "unassigned": run.unassigned_placed,
                    "waiting": run.waiting_placed,
                    "chain": run.chain_placed,
                    "longest": run.longest_chain,
                    "refused": run.switches_refused,
                    "notes": run.notifications,
                    "sum": run.checksum[:16],
                }
            )
        )
        self.stdout.write(
            _("Endringer av listetak iverksatt: %(n)s.") % {"n": run.ceiling_changes_applied}
        )
        for kind, count in run.exceptions.items():
            exception = CEILING_EXCEPTIONS.get(kind)
            label = f"{exception.label} ({exception.basis})" if exception else kind
            self.stdout.write(
                _("Over listetaket ved unntak: %(label)s: %(n)s.") % {"label": label, "n": count}
            )
        self.stdout.write(_("Med lagring (commit): %(seconds).1f s.") % {"seconds": result.seconds})
