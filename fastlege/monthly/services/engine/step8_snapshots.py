"""Step 8: the month's snapshot per list and per municipality (Helfo fastlegestatistikk).

What each list and each home municipality looked like after the run: ceiling,
length, guests, regular GP, vacancy, substitutes, waiting counts, moves.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db.models import Max

from fastlege.core.bulk import insert_rows
from fastlege.monthly.models import (
    ListMonthSnapshot,
    MonthRun,
    MunicipalityMonthSnapshot,
)
from fastlege.monthly.services.engine.state import (
    Rule,
)
from fastlege.monthly.services.engine.step7_notifications import Notifications
from fastlege.monthly.services.engine.writing import values_keys
from fastlege.registry import rules as registry_rules
from fastlege.registry.models import (
    Doctor,
    DoctorPeriod,
)
from fastlege.registry.periods import overlaps


class Snapshots(Notifications):
    def step8_snapshots(self, run: MonthRun) -> tuple[list[tuple], list[tuple]]:
        m = self.month
        doctors = {
            d[0]: d
            for d in Doctor.objects.filter(
                pk__in={v[0] for v in self.regular_gp.values()}
            ).values_list("pk", "sex", "specialty", "birth_date")
        }
        vacant_since = dict(
            DoctorPeriod.objects.filter(role=DoctorPeriod.Role.REGULAR, valid_to__lte=m)
            .values("agreement_id")
            .annotate(end=Max("valid_to"))
            .values_list("agreement_id", "end")
        )
        substitutes: dict[int, int] = defaultdict(int)
        for agreement_id, pct in DoctorPeriod.objects.filter(
            overlaps(m, self.next), role=DoctorPeriod.Role.SUBSTITUTE
        ).values_list("agreement_id", "percentage"):
            substitutes[agreement_id] += pct
        # Waiting after the run.
        wait: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0])
        muni_wait: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
        for list_id, entries in self.waiting.items():
            target = self.lists[list_id]
            for entry_id, rid in entries:
                if entry_id in self.out.waiting_status:
                    continue
                person = self.people[rid]
                other_gp = (
                    person.list_id is not None
                    and self.lists[person.list_id].municipality != target.municipality
                )
                other_home = person.municipality != target.municipality
                for counter in (wait[list_id], muni_wait[person.municipality]):
                    counter[0] += 1
                    counter[1] += other_gp
                    counter[2] += other_home
        list_rows: list[tuple] = []
        list_dicts: list[dict[str, Any]] = []
        for pk, s in sorted(self.lists.items()):
            if not s.active:
                continue
            gp = self.regular_gp.get(pk)
            doctor = doctors.get(gp[0]) if gp else None
            w = wait.get(pk, [0, 0, 0])
            values = dict(
                month=m,
                agreement_id=pk,
                municipality_id=s.municipality,
                practice_id=s.practice,
                ceiling=s.ceiling,
                length=s.length,
                guests=s.guests,
                has_regular_gp=gp is not None,
                regular_gp_id=gp[0] if gp else None,
                regular_gp_sex=doctor[1] if doctor else "",
                regular_gp_specialty=doctor[2] if doctor else "",
                regular_gp_age=registry_rules.age_on(doctor[3], m) if doctor else None,
                regular_gp_since=gp[1] if gp else None,
                regular_gp_percentage=gp[2] if gp else None,
                vacant_since=None if gp else max(vacant_since.get(pk, s.valid_from), s.valid_from),
                has_substitute=substitutes.get(pk, 0) > 0,
                substitute_percentage=min(substitutes.get(pk, 0), 32767),
                waiting_count=w[0],
                waiting_other_gp_municipality=w[1],
                waiting_other_home_municipality=w[2],
                is_open=s.is_open,
                locked_by_hand=s.locked_by_hand,
                is_shared_list=s.is_shared_list,
                is_salaried=s.is_salaried,
                agreement_valid_from=s.valid_from,
                moved_in=s.moved_in,
                moved_out=s.moved_out,
                switches_in=s.switches_in,
            )
            list_rows.append(tuple(values.values()))
            list_dicts.append(values)
        columns = values_keys(ListMonthSnapshot)
        insert_rows(
            ListMonthSnapshot,
            ["run_id", *columns],
            [(run.pk, *(v[c] for c in columns)) for v in list_dicts],
        )

        # Per home municipality.
        residents = self.census  # the run changes nobody's residence or status
        listed: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for (list_id, home), n in self.listed_home.items():
            listed[home][0] += n
            if self.lists[list_id].municipality != home:
                listed[home][1] += n
        unassigned: dict[str, int] = defaultdict(int)
        for p in self.people.values():
            if p.ok and p.list_id is None:
                unassigned[p.municipality] += 1
        switches: dict[str, int] = defaultdict(int)
        placed: dict[str, int] = defaultdict(int)
        for mv in self.out.moves:
            home = self.people[mv.resident].municipality
            if mv.rule in (Rule.SWITCH, Rule.WAITING_LIST) and mv.from_list is not None:
                switches[home] += 1
            if mv.from_list is None and mv.to_list is not None:
                placed[home] += 1
        muni_rows: list[tuple] = []
        muni_dicts: list[dict[str, Any]] = []
        for muni in sorted(self.muni_auto):
            w = muni_wait.get(muni, [0, 0, 0])
            values = dict(
                month=m,
                municipality_id=muni,
                residents=residents[muni][0],
                opted_out=residents[muni][1],
                listed=listed[muni][0],
                listed_elsewhere=listed[muni][1],
                unassigned=unassigned[muni],
                automatic_placement=self.muni_auto[muni],
                waiting=w[0],
                waiting_other_than_gp_municipality=w[1],
                waiting_other_than_home_municipality=w[2],
                switches=switches[muni],
                placed_unassigned=placed[muni],
            )
            muni_rows.append(tuple(values.values()))
            muni_dicts.append(values)
        columns = values_keys(MunicipalityMonthSnapshot)
        insert_rows(
            MunicipalityMonthSnapshot,
            ["run_id", *columns],
            [(run.pk, *(v[c] for c in columns)) for v in muni_dicts],
        )
        return list_rows, muni_rows
