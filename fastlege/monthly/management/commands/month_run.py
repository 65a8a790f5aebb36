"""``fastlege month-run YYYY-MM``: carry the lists over to the 1st of a month."""

from __future__ import annotations

import argparse
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from fastlege.monthly.rules import CEILING_EXCEPTIONS
from fastlege.monthly.services import MonthlyError, run_month


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
        parser.add_argument("month", metavar="ÅÅÅÅ-MM", help=_("måneden som skal kjøres"))
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

        try:
            result = run_month(
                None,
                options["month"],
                progress=progress,
                pause_after_step=options.get("pause_after_step"),
            )
        except MonthlyError as exc:
            raise CommandError(exc.messages[0]) from None
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
