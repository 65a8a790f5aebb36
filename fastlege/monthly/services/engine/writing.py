"""Writing the run's decisions in bulk (after step 6 is decided).

PostgreSQL: ``COPY`` for new rows (``core.bulk.insert_rows``) and one
``UPDATE … FROM unnest(…)`` per table for changed rows; elsewhere batched inserts and
grouped ORM updates.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from django.db import connection

from fastlege.core.bulk import insert_rows
from fastlege.monthly.models import (
    MonthMove,
    MonthRun,
)
from fastlege.monthly.services.engine.state import (
    BATCH,
    SReason,
    SStatus,
    WStatus,
    _chunks,
)
from fastlege.monthly.services.engine.step6_open_closed import OpenClosed
from fastlege.registry.models import (
    Agreement,
    CeilingChange,
    ListMembership,
    ListReduction,
    SwitchRequest,
    WaitingListEntry,
)
from fastlege.registry.services.citizen import counts_against_quota, exemptions_of_members

# --- Bulk writing: COPY and one UPDATE per table on PostgreSQL ----------------


def _update(
    model: Any,
    ids: Sequence[int],
    values: dict[str, tuple[str, Sequence[Any]]],
    *,
    same: dict[str, Any] | None = None,
    only_if: tuple[str, Any] | None = None,
) -> None:
    """Set per-row values on rows by id. ``values``: column -> (SQL type, one value per id);
    ``same``: column -> one value for every row (sent once, not once per row).

    PostgreSQL: one ``UPDATE … FROM unnest(…)``; elsewhere grouped ORM updates.
    """
    if not ids:
        return
    same = same or {}
    table = model._meta.db_table
    if connection.vendor == "postgresql":
        names = list(values)
        unnest = ", ".join(f"%s::{values[n][0]}[]" for n in names)
        sets = ", ".join([*(f"{n} = v.{n}" for n in names), *(f"{n} = %s" for n in same)])
        sql = (
            f"UPDATE {table} AS t SET {sets} FROM unnest(%s::bigint[], {unnest}) "  # noqa: S608
            f"AS v(id, {', '.join(names)}) WHERE t.id = v.id"
        )
        params: list[Any] = [*same.values(), list(ids), *[list(values[n][1]) for n in names]]
        if only_if is not None:
            sql += f" AND t.{only_if[0]} = %s"
            params.append(only_if[1])
        with connection.cursor() as cur:
            cur.execute(sql, params)
        return
    groups: dict[tuple, list[int]] = defaultdict(list)
    names = list(values)
    for i, pk in enumerate(ids):
        groups[tuple(values[n][1][i] for n in names)].append(pk)
    for key, pks in sorted(groups.items(), key=lambda kv: str(kv[0])):
        qs = model.objects.all()
        if only_if is not None:
            qs = qs.filter(**{only_if[0]: only_if[1]})
        for chunk in _chunks(sorted(pks), BATCH):
            qs.filter(pk__in=chunk).update(**dict(zip(names, key, strict=True)), **same)


def values_keys(model: Any) -> list[str]:
    """Snapshot columns in model order, without the id and the run."""
    return [f.attname for f in model._meta.concrete_fields if f.attname not in ("id", "run_id")]


class Writing(OpenClosed):
    def _waiting_switches_counted(self) -> list[tuple[int, int | None, int, bool]]:
        """Step 5's waiting-list moves with whether each counts against the two a year
        (pasientrettighetsforskriften § 6): the services' rule (``counts_against_quota`` of
        ``exempt_from``) on the list place each person left, read in bulk for those moved."""
        left_places = sorted(mid for *_rest, mid in self.out.waiting_switches if mid is not None)
        exemption: dict[int, SReason] = {}
        for chunk in _chunks(left_places, BATCH):
            exemption.update(exemptions_of_members(ListMembership.objects.filter(pk__in=chunk)))
        return [
            (
                rid,
                left,
                to,
                counts_against_quota(mid is not None, exemption.get(rid, SReason.ORDINARY)),
            )
            for rid, left, to, mid in self.out.waiting_switches
        ]

    def write_ceilings(self) -> None:
        """Step 0's decisions: the new ceilings, and the changes marked carried out."""
        latest = {aid: (ceiling, low) for _pk, aid, ceiling, low in self.out.ceiling_changes}
        lists = sorted(latest)
        _update(
            Agreement,
            lists,
            {
                "ceiling": ("integer", [latest[aid][0] for aid in lists]),
                "low_ceiling_approved": ("boolean", [latest[aid][1] for aid in lists]),
            },
        )
        changes = sorted(pk for pk, *_rest in self.out.ceiling_changes)
        _update(
            CeilingChange,
            changes,
            {"status": ("text", [CeilingChange.Status.APPLIED] * len(changes))},
            only_if=("status", CeilingChange.Status.APPROVED),
        )

    def write_moves(self, run: MonthRun) -> None:
        out, m = self.out, self.month
        # 1. end the old list places (before new ones: one open place per person);
        #    a place that began on or after the 1st keeps one day
        ended = sorted(out.end_membership)
        ends = [
            max(m, out.membership_from.get(mid, m) + datetime.timedelta(days=1))
            if out.membership_from.get(mid, m) >= m
            else m
            for mid in ended
        ]
        _update(
            ListMembership,
            ended,
            {
                "valid_to": ("date", ends),
                "end_reason": ("text", [out.end_membership[mid] for mid in ended]),
            },
        )
        # 2. the new list places, in the order of the moves
        insert_rows(
            ListMembership,
            ["resident_id", "agreement_id", "valid_from", "begin_reason", "end_reason"],
            [(rid, aid, m, begin, "") for rid, aid, begin in out.new_membership],
        )
        # 3. requests, waiting-list places, reductions
        decided = self.now
        switch_ids = sorted(out.switch_status)
        _update(
            SwitchRequest,
            switch_ids,
            {"status": ("text", [out.switch_status[pk] for pk in switch_ids])},
            same={"decided_at": decided},
            only_if=("status", SStatus.PENDING),
        )
        entry_ids = sorted(out.waiting_status)
        _update(
            WaitingListEntry,
            entry_ids,
            {"status": ("text", [out.waiting_status[pk] for pk in entry_ids])},
            same={"ended_at": decided},
            only_if=("status", WStatus.WAITING),
        )
        for chunk in _chunks(out.reductions_applied, BATCH):
            ListReduction.objects.filter(pk__in=chunk).update(status=ListReduction.Status.APPLIED)
        # The waiting-list moves of step 5 as applied switch requests, counted or not by the
        # services' rule (pasientrettighetsforskriften § 6), so later switches see them.
        insert_rows(
            SwitchRequest,
            [
                "resident_id",
                "from_agreement_id",
                "to_agreement_id",
                "reason",
                "counts_against_quota",
                "status",
                "requested_at",
                "effective_on",
                "requested_by_id",
                "decided_at",
                "closed_list_exception",
            ],
            [
                (
                    rid,
                    left,
                    to,
                    SReason.WAITING_LIST,
                    counts,
                    SStatus.APPLIED,
                    decided,
                    m,
                    None,
                    decided,
                    "",
                )
                for rid, left, to, counts in self._waiting_switches_counted()
            ],
        )
        # 4. the trace
        insert_rows(
            MonthMove,
            [
                "run_id",
                "seq",
                "resident_id",
                "step",
                "rule",
                "from_agreement_id",
                "to_agreement_id",
                "switch_request_id",
                "waiting_entry_id",
                "chain_round",
            ],
            [
                (
                    run.pk,
                    seq,
                    mv.resident,
                    int(mv.step),
                    str(mv.rule),
                    mv.from_list,
                    mv.to_list,
                    mv.switch_request,
                    mv.waiting_entry,
                    mv.chain_round,
                )
                for seq, mv in enumerate(out.moves, start=1)
            ],
        )
