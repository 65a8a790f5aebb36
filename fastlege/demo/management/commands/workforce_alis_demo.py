"""ALIS agreements for the demo registry in Trøndelag (idempotent).

Every regular GP in Trøndelag whom the registry marks as in specialisation
(``Doctor.specialty`` "alis") and who has no ALIS agreement gets one in the
municipality of their list, through ``services.alis`` as the system: from the
registry's ALIS dates (or two years back and five years on), a guidance group named
after the municipality, and a grant applied for (and, for every other one,
received). An agreement whose planned end has passed is completed on that day; who
stays is demo data (every third unknown, every fifth left).
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from fastlege.registry.models import Doctor, DoctorPeriod
from fastlege.registry.periods import in_force_on
from fastlege.workforce.models import AlisAgreement
from fastlege.workforce.services.alis import (
    AlisData,
    complete_alis_agreement,
    create_alis_agreement,
)

COUNTY = "50"  # Trøndelag
GRANT = Decimal(150_000)  # demo figure, not a rate


def _years(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


class Command(BaseCommand):
    help = "Lag ALIS-avtaler for leger i spesialisering i Trøndelag (demodata, idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        today = timezone.localdate()
        rows = (
            DoctorPeriod.objects.filter(
                in_force_on(today),
                role=DoctorPeriod.Role.REGULAR,
                agreement__municipality__county_id=COUNTY,
                doctor__specialty=Doctor.Specialty.IN_TRAINING,
            )
            .exclude(doctor__alis_agreements__isnull=False)
            .select_related("doctor", "agreement__municipality")
            .order_by("doctor_id", "valid_from")
        )
        made = completed = 0
        seen: set[int] = set()
        for period in rows:
            doctor = period.doctor
            if doctor.pk in seen:
                continue
            seen.add(doctor.pk)
            start = doctor.alis_from or _years(today, -2)
            planned = doctor.alis_to or _years(start, 5)
            if planned < start:
                planned = _years(start, 5)
            applied_on = min(start + datetime.timedelta(days=30), today)
            received = made % 2 == 0
            agreement = create_alis_agreement(
                None,
                period.agreement.municipality_id,
                AlisData(
                    doctor_hpr=doctor.hpr_number,
                    start=start,
                    planned_completion=planned,
                    agreement_id=period.agreement_id,
                    supervisor_name="Veileder (demodata)",
                    guidance_group=f"Veiledningsgruppe {period.agreement.municipality.name}",
                    grant_applied_amount=GRANT,
                    grant_applied_on=applied_on,
                    grant_received_amount=GRANT if received else None,
                    grant_received_on=(
                        min(applied_on + datetime.timedelta(days=90), today) if received else None
                    ),
                ),
            )
            made += 1
            if planned <= today:
                stays = (
                    AlisAgreement.Stays.UNKNOWN
                    if made % 3 == 0
                    else AlisAgreement.Stays.NO
                    if made % 5 == 0
                    else AlisAgreement.Stays.YES
                )
                complete_alis_agreement(None, agreement.pk, planned, stays)
                completed += 1
        self.stdout.write(f"ALIS-avtaler laget: {made}, av dem fullført: {completed}.")
