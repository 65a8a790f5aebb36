"""The seeded registry's KOSTRA-style figures per municipality, by SQL.

Used by ``bench/seed.py`` to compare a seed with the published figures. The
figures describe the registry on ``on`` (the 1st of a month): a list is
without a regular GP when no LPFL period is open on that day.
"""

# ruff: noqa: S608 -- table names come from model metadata and are quoted; values are parameters.

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import connection

from fastlege.registry.models import Agreement, Doctor, DoctorPeriod, ListMembership, Resident
from fastlege.registry.periods import in_force_sql


@dataclass
class Figures:
    lists_total: int = 0
    lists_without_gp: int = 0
    open_lists: int = 0
    capacity: int = 0
    members_with_gp: int = 0
    members_without_gp: int = 0
    residents: int = 0
    female_gps: int = 0


def seeded_figures(on: datetime.date) -> dict[str, Figures]:
    qn = connection.ops.quote_name
    agreement = qn(Agreement._meta.db_table)
    period = qn(DoctorPeriod._meta.db_table)
    membership = qn(ListMembership._meta.db_table)
    resident = qn(Resident._meta.db_table)
    doctor = qn(Doctor._meta.db_table)
    day = on.isoformat()
    gp_open = f"""
        SELECT p.agreement_id, MIN(p.doctor_id) AS doctor_id FROM {period} p
        WHERE p.role = 'LPFL' AND {in_force_sql("p")}
        GROUP BY p.agreement_id
    """
    out: dict[str, Figures] = {}
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT a.municipality_id, COUNT(*),
                   SUM(CASE WHEN g.agreement_id IS NULL THEN 1 ELSE 0 END),
                   SUM(CASE WHEN a.is_open THEN 1 ELSE 0 END),
                   SUM(a.ceiling),
                   SUM(CASE WHEN d.sex = 'K' THEN 1 ELSE 0 END)
            FROM {agreement} a
            LEFT JOIN ({gp_open}) g ON g.agreement_id = a.id
            LEFT JOIN {doctor} d ON d.id = g.doctor_id
            WHERE {in_force_sql("a")}
            GROUP BY a.municipality_id
            """,
            [day, day, day, day],
        )
        for muni, total, vacant, open_, capacity, female in cursor.fetchall():
            out[muni] = Figures(
                lists_total=int(total),
                lists_without_gp=int(vacant or 0),
                open_lists=int(open_ or 0),
                capacity=int(capacity or 0),
                female_gps=int(female or 0),
            )
        cursor.execute(
            f"""
            SELECT a.municipality_id,
                   SUM(CASE WHEN g.agreement_id IS NULL THEN 0 ELSE 1 END),
                   SUM(CASE WHEN g.agreement_id IS NULL THEN 1 ELSE 0 END)
            FROM {membership} m
            JOIN {agreement} a ON a.id = m.agreement_id
            LEFT JOIN ({gp_open}) g ON g.agreement_id = a.id
            WHERE {in_force_sql("m")}
            GROUP BY a.municipality_id
            """,
            [day, day, day, day],
        )
        for muni, with_gp, without in cursor.fetchall():
            fig = out.setdefault(muni, Figures())
            fig.members_with_gp = int(with_gp or 0)
            fig.members_without_gp = int(without or 0)
        cursor.execute(f"SELECT municipality_id, COUNT(*) FROM {resident} GROUP BY municipality_id")
        for muni, count in cursor.fetchall():
            out.setdefault(muni, Figures()).residents = int(count)
    return out
