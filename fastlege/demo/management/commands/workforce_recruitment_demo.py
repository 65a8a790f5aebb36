"""Demo recruitment cases for Trøndelag (idempotent): some of the county's lists
without a regular GP become cases at different steps, with a measure of their
municipality's offered where it has one. Nothing is filled, so the registry is not
changed. Every write goes through ``services.recruitment``, as the system."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from fastlege.core.errors import DomainError
from fastlege.registry.models import Agreement
from fastlege.workforce import selectors_recruitment as sel
from fastlege.workforce.models import RecruitmentCase
from fastlege.workforce.services import recruitment as svc

COUNTY = "50"  # Trøndelag
MAX_CASES = 6
NOTE = "Demodata."


def _steps(case_id: int, k: int, opened: datetime.date) -> None:
    """Case ``k`` is taken to one of four steps: opened, advertised with applicants,
    re-advertised, offered."""
    day = opened + datetime.timedelta(days=7)
    if k % 4 == 0:
        return
    svc.advertise(
        None,
        case_id,
        advertised_on=day,
        deadline=day + datetime.timedelta(days=28),
        channel=RecruitmentCase.Channel.TIDSSKRIFTET,
    )
    svc.record_applicants(None, case_id, applicants=k % 3)
    if k % 4 == 2:
        day += datetime.timedelta(days=35)
        svc.advertise(
            None,
            case_id,
            advertised_on=day,
            deadline=day + datetime.timedelta(days=28),
            channel=RecruitmentCase.Channel.FINN,
        )
    if k % 4 == 3:
        svc.record_interviews(
            None, case_id, interviews_on=day + datetime.timedelta(days=35), interviewed=2
        )


class Command(BaseCommand):
    help = "Lag rekrutteringssaker for lister uten fast lege i Trøndelag (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        today = timezone.localdate()
        opened = today - datetime.timedelta(days=60)
        numbers = sorted(
            set(
                Agreement.objects.filter(municipality__county_id=COUNTY).values_list(
                    "municipality_id", flat=True
                )
            )
        )
        demo = RecruitmentCase.objects.filter(agreement__municipality__county_id=COUNTY, note=NOTE)
        done = set(demo.values_list("agreement__municipality_id", flat=True))
        existing = len(done)
        made = 0
        for number in numbers:
            if existing + made >= MAX_CASES:
                break
            if number in done:
                continue
            for agreement in sel.openable_lists(number, today):
                measure_ids = list(sel.measures_offerable(number).values_list("pk", flat=True)[:1])
                try:
                    with transaction.atomic():
                        case = svc.open_case(
                            None, agreement, measure_ids=measure_ids, note=NOTE, today=opened
                        )
                        _steps(case.pk, existing + made, opened)
                except DomainError:
                    continue  # e.g. a list whose GP still had the list 60 days ago
                made += 1
                break  # one case per municipality, spread over the county
        self.stdout.write(f"Rekrutteringssaker for Trøndelag: {made} nye.")
