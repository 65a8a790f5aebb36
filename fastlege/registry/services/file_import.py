"""Import of a municipality's registry from files: practices, GPs, lists and their members.

A municipality moving to fastlege loads what its old system holds (formats and
guarantees in docs/import.md). ``import_registry``:

* reads the files (``registry.import_files``) and checks **every** line
  (``registry.import_check``) before anything is written: a bad line is reported with
  its file, line number, column and the reason in Norwegian, never with an identity
  number; one bad line refuses the whole import (``ImportRefused``, nothing written);
* writes everything in **one** transaction with **one** audit row: all or nothing;
* is **idempotent**: rows are matched by their natural keys (organisation number,
  HPR number, the file's agreement id kept in ``Agreement.external_id``, identity
  number + agreement + start day), so importing the same files again changes nothing;
* with ``dry_run`` checks and reports what would be created and updated, and writes
  nothing.

Imported places on lists begin with the reason "transferred from an earlier system"
(``ListMembership.BeginReason.MIGRATED``). Nobody is notified: the import records the
state the old system had, it does not change anyone's GP. Only the municipality's
own officers (and the system, for the console command) may import its registry;
national staff do not decide for it (``access.require_own_municipality``).
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fastlege.core import audit
from fastlege.core.errors import DomainError
from fastlege.core.identity import is_d_number
from fastlege.reference.models import Municipality
from fastlege.registry.import_check import Check, Plan
from fastlege.registry.import_files import Problem, read_files
from fastlege.registry.models import (
    Agreement,
    Doctor,
    DoctorPeriod,
    ListMembership,
    Practice,
    Resident,
)
from fastlege.registry.services import access
from fastlege.registry.services.common import today_or
from fastlege.registry.services.errors import MESSAGES, Code, refuse

BATCH = 1000
#: What the report counts, in the order it shows them.
KINDS = {
    "practices": gettext_lazy("legekontorer"),
    "gps": gettext_lazy("leger"),
    "agreements": gettext_lazy("avtaler (lister)"),
    "gp_periods": gettext_lazy("fastlegeperioder"),
    "residents": gettext_lazy("innbyggere"),
    "members": gettext_lazy("listeplasser"),
}


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass
class ImportReport:
    """The outcome of an import or a dry run: counts per kind, warnings, bad lines."""

    municipality: str
    dry_run: bool
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    counts: dict[str, Counts] = field(default_factory=lambda: {k: Counts() for k in KINDS})
    written: bool = False

    @property
    def changes(self) -> int:
        return sum(c.created + c.updated for c in self.counts.values())

    def rows(self) -> list[tuple[str, Counts]]:
        return [(str(KINDS[k]), self.counts[k]) for k in KINDS]

    def lines(self) -> list[str]:
        """The report as text lines (the console command prints them)."""
        out = []
        if self.problems:
            out.append(_("%(n)s feil; ingenting er lest inn:") % {"n": len(self.problems)})
            out += [f"  {p}" for p in self.problems]
        else:
            out.append(
                _("Prøvekjøring: dette ville blitt lest inn (ingenting er endret):")
                if self.dry_run
                else _("Lest inn:")
            )
            for label, c in self.rows():
                out.append(
                    "  "
                    + _("%(label)s: %(created)s nye, %(updated)s endret, %(unchanged)s uendret")
                    % {
                        "label": label,
                        "created": c.created,
                        "updated": c.updated,
                        "unchanged": c.unchanged,
                    }
                )
        if self.warnings:
            out.append(_("Advarsler:"))
            out += [f"  {w}" for w in self.warnings]
        return out


class ImportRefused(DomainError):
    """Files with bad lines: ``report.problems`` lists every one; nothing was written."""

    def __init__(self, report: ImportReport) -> None:
        params = {"count": len(report.problems)}
        super().__init__(str(MESSAGES[Code.IMPORT_REFUSED]) % params, code=Code.IMPORT_REFUSED)
        self.report = report


def import_registry(
    actor: Any,
    municipality: Municipality | str,
    files: Mapping[str, bytes],
    dry_run: bool = False,
    *,
    today: datetime.date | None = None,
) -> ImportReport:
    """Les inn kommunens fastlegeregister fra filer (practices, gps, agreements, members).

    ``files``: file name -> content (CSV files, a zip of them, or one workbook).
    Refused with ``ImportRefused`` (its ``report`` lists every bad line) when any
    line is bad, in a dry run too; nothing is written then. Returns the report.
    """
    today = today_or(today)
    number = getattr(municipality, "number", municipality)
    access.require_own_municipality(actor, str(number))
    with transaction.atomic():
        # One import per municipality at a time: the check reads what the write relies on.
        locked = Municipality.objects.filter(number=number)
        muni = (locked if dry_run else locked.select_for_update()).first()
        if muni is None:
            refuse(Code.UNKNOWN_MUNICIPALITY)
        report = ImportReport(muni.number, dry_run)
        tables, report.problems = read_files(files)
        check = Check(muni, today)
        plan = check.run(tables)
        report.problems += check.problems
        report.warnings = check.warnings
        _count(plan, report)
        if report.problems:
            raise ImportRefused(report)
        if dry_run:
            return report
        _write(muni, plan)
        audit.record(
            actor,
            "registry.imported",
            muni,
            files=sorted(files),
            counts={k: vars(c) for k, c in report.counts.items()},
            warnings=len(report.warnings),
        )
        report.written = True
    return report


def _count(plan: Plan, report: ImportReport) -> None:
    c = report.counts
    c["practices"].created = len(plan.new_practices)
    c["practices"].updated = len(plan.changed_practices)
    c["gps"].created = len(plan.new_doctors)
    c["gps"].updated = len(plan.changed_doctors)
    c["agreements"].created = len(plan.new_agreements)
    c["agreements"].updated = len(plan.changed_agreements)
    c["gp_periods"].created = len(plan.new_gp_periods)
    c["gp_periods"].updated = len(plan.changed_gp_periods)
    c["residents"].created = len(plan.new_residents)
    c["members"].created = len(plan.new_memberships)
    c["members"].updated = len(plan.changed_memberships)
    for kind, n in plan.unchanged.items():
        c[kind].unchanged = n


def _update(changed: list[tuple[Any, dict[str, Any]]]) -> None:
    for obj, values in changed:
        for name, value in values.items():
            setattr(obj, name, value)
        obj.save(update_fields=list(values))


def _write(muni: Municipality, plan: Plan) -> None:
    """Write ``plan`` (inside the caller's transaction): the parents first, so every
    child finds its parent's id by its natural key."""
    _update(plan.changed_practices)
    Practice.objects.bulk_create(
        [Practice(municipality=muni, **v) for v in plan.new_practices.values()], batch_size=BATCH
    )
    _update(plan.changed_doctors)
    Doctor.objects.bulk_create([Doctor(**v) for v in plan.new_doctors.values()], batch_size=BATCH)
    _update(plan.changed_agreements)
    orgs = {v["org"] for v in plan.new_agreements.values()}
    practice_ids = dict(
        Practice.objects.filter(org_number__in=orgs).values_list("org_number", "pk")
    )
    Agreement.objects.bulk_create(
        [
            Agreement(
                municipality=muni,
                practice_id=practice_ids[v["org"]],
                external_id=key,
                ceiling=v["ceiling"],
                low_ceiling_approved=v["low_ceiling_approved"],
                is_open=v["is_open"],
                locked_by_hand=v["locked_by_hand"],
                is_shared_list=v["is_shared_list"],
                is_salaried=v["is_salaried"],
                valid_from=v["valid_from"],
                valid_to=v["valid_to"],
            )
            for key, v in plan.new_agreements.items()
        ],
        batch_size=BATCH,
    )
    agreement_ids = dict(
        Agreement.objects.filter(municipality=muni)
        .exclude(external_id="")
        .values_list("external_id", "pk")
    )
    _update(plan.changed_gp_periods)
    hprs = {p[1] for p in plan.new_gp_periods}
    doctor_ids = dict(Doctor.objects.filter(hpr_number__in=hprs).values_list("hpr_number", "pk"))
    DoctorPeriod.objects.bulk_create(
        [
            DoctorPeriod(
                agreement_id=agreement_ids[key],
                doctor_id=doctor_ids[hpr],
                role=DoctorPeriod.Role.REGULAR,
                percentage=percentage,
                valid_from=start,
                valid_to=end,
            )
            for key, hpr, start, end, percentage in plan.new_gp_periods
        ],
        batch_size=BATCH,
    )
    Resident.objects.bulk_create(
        [
            Resident(nin=nin, has_d_number=is_d_number(nin), **v)
            for nin, v in plan.new_residents.items()
        ],
        batch_size=BATCH,
    )
    _write_memberships(plan, agreement_ids)


def _write_memberships(plan: Plan, agreement_ids: dict[str, int]) -> None:
    # Ending places first: a person's new open place must not meet their old open one.
    _update(plan.changed_memberships)
    nins = sorted({nin for nin, _key, _v in plan.new_memberships})
    resident_ids: dict[str, int] = {}
    for i in range(0, len(nins), BATCH):
        resident_ids.update(
            Resident.objects.filter(nin__in=nins[i : i + BATCH]).values_list("nin", "pk")
        )
    ListMembership.objects.bulk_create(
        [
            ListMembership(
                resident_id=resident_ids[nin],
                agreement_id=agreement_ids[key],
                begin_reason=ListMembership.BeginReason.MIGRATED,
                **v,
            )
            for nin, key, v in plan.new_memberships
        ],
        batch_size=BATCH,
    )
