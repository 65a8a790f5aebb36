"""Shared-list wind-downs (deleliste) for the demo registry in Trøndelag (idempotent).

In the first three municipalities of Trøndelag (by number: Trondheim first, the demo
officer's), two lists each whose regular GP is 60 to 67 (old enough for a deleliste,
``rules.old_enough_to_wind_down``, and not about to reach the age limit, which the
early warning shows anyway) get a wind-down through
``registry.services.register_wind_down`` as the system, from the first of this month:
the first without a successor, the second with one named (a locum who has stood in
on a list in the county, else another doctor). The hand-overs fall in 4, 10, 16, 20,
8 and 14 months, so the early warning shows a likely vacancy in each horizon and the
planned hand-overs apart. Demo data: the note says so.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from fastlege.registry import rules
from fastlege.registry.models import Doctor, DoctorPeriod, WindDown
from fastlege.registry.periods import in_force_on
from fastlege.registry.services import register_wind_down

COUNTY = "50"  # Trøndelag
NOTE = "Demodata."
HAND_OVER_MONTHS = (4, 10, 16, 20, 8, 14)
OLDEST = 67
MUNICIPALITIES = 3
PER_MUNICIPALITY = 2


class Command(BaseCommand):
    help = "Lag noen delelister i Trøndelag, med og uten ny fastlege (demodata, idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        if WindDown.objects.filter(agreement__municipality__county_id=COUNTY, note=NOTE).exists():
            self.stdout.write("Delelister i Trøndelag finnes allerede; ingenting er endret.")
            return
        today = timezone.localdate()
        start = rules.first_of_month(today)
        youngest_born = start.replace(
            year=start.year - int(rules.param("wind_down_min_age", start))
        )
        oldest_born = start.replace(year=start.year - OLDEST - 1)
        periods = (
            DoctorPeriod.objects.filter(
                in_force_on(start),
                in_force_on(today),
                role=DoctorPeriod.Role.REGULAR,
                agreement__municipality__county_id=COUNTY,
                agreement__valid_to__isnull=True,
                doctor__birth_date__lte=youngest_born,
                doctor__birth_date__gt=oldest_born,
            )
            .exclude(agreement__wind_downs__status=WindDown.Status.ACTIVE)
            .select_related("doctor", "agreement")
            .order_by("agreement__municipality_id", "agreement_id")
        )
        per_muni: dict[str, list[DoctorPeriod]] = {}
        for period in periods:
            muni = period.agreement.municipality_id
            if muni not in per_muni and len(per_muni) == MUNICIPALITIES:
                continue
            if len(per_muni.setdefault(muni, [])) < PER_MUNICIPALITY:
                per_muni[muni].append(period)
        # (period, successor named): the first of each municipality without, the second with.
        chosen = [(p, rank == 1) for ps in per_muni.values() for rank, p in enumerate(ps)]
        locums = list(
            Doctor.objects.filter(
                periods__role=DoctorPeriod.Role.SUBSTITUTE,
                periods__agreement__municipality__county_id=COUNTY,
            )
            .distinct()
            .order_by("pk")
            .values_list("hpr_number", flat=True)[:10]
        )
        named = 0
        for i, (period, with_successor) in enumerate(chosen):
            successor = ""
            if with_successor:
                successor = next((h for h in locums if h != period.doctor.hpr_number), "")
                if not successor:
                    successor = (
                        Doctor.objects.exclude(pk=period.doctor_id)
                        .order_by("pk")
                        .values_list("hpr_number", flat=True)
                        .first()
                        or ""
                    )
                locums = [h for h in locums if h != successor]
                if successor:
                    named += 1
            register_wind_down(
                None,
                period.agreement,
                valid_from=start,
                hand_over_on=rules.add_months(start, HAND_OVER_MONTHS[i]),
                successor_hpr=successor,
                note=NOTE,
            )
        self.stdout.write(
            f"Delelister i Trøndelag: {len(chosen)}, av dem {named} med ny fastlege navngitt."
        )
