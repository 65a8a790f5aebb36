"""Benchmark the registry operations (issue 3) against a seeded database.

Measures, in one process:

* ``request_switch`` (bytte fastlege) throughput: each request is its own
  transaction with row locks, the free-place count, the quota check and the
  audit row, committed;
* the place-in-queue lookup (``selectors.waiting_position``) on a list with a
  queue of ``--waiting`` people (default 5 000).

Examples::

    DATABASE_URL=postgres://... python bench/registry_ops.py         # the data already there
    DATABASE_URL=postgres://... python bench/registry_ops.py --scale trondelag  # seed if empty
    DATABASE_URL=postgres://... python bench/registry_ops.py --scale national

``--scale`` seeds (``fastlege seed``) only when the registry is empty. Every row
the benchmark writes (switch requests, waiting-list places, audit rows) is
deleted afterwards unless ``--keep`` is given.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import random
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fastlege.settings")
os.environ.setdefault("SECRET_KEY", "benchmark-only")
os.environ.setdefault("ALLOW_SYNTHETIC_NIN", "1")

SCALES = {
    "existing": None,
    "kommune": ["--kommune", "5033", "--kommune", "5043"],
    "trondelag": ["--fylke", "50"],
    "national": ["--national"],
}


def setup(scale: str) -> None:
    import django
    from django.core.management import call_command

    django.setup()
    from fastlege.registry.models import Resident

    call_command("migrate", verbosity=0)
    args = SCALES[scale]
    if args is None:
        return
    if not Resident.objects.exists():
        call_command("load_reference", verbosity=0)
        print(f"Seeding ({' '.join(args)}) …", flush=True)
        call_command("seed", *args, "--months", "0", verbosity=0)


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def pick_switches(n: int, rng: random.Random) -> list[tuple[int, int]]:
    """(resident, target list) pairs: people on a list, to an open list in their
    municipality with free places (so most requests are accepted)."""
    from django.db.models import F

    from fastlege.registry.models import ListMembership, SwitchRequest
    from fastlege.registry.selectors import lists_with_free_places

    busy = set(SwitchRequest.objects.filter(status="venter").values_list("resident_id", flat=True))
    by_muni: dict[str, list[list[int]]] = {}
    memberships = list(
        ListMembership.objects.filter(valid_to__isnull=True, resident__status="bosatt")
        .filter(resident__in_scheme=True)
        .annotate(muni=F("agreement__municipality_id"))
        .values_list("resident_id", "agreement_id", "muni")
        .order_by("?")[: n * 3]
    )
    rng.shuffle(memberships)
    pairs: list[tuple[int, int]] = []
    for resident_id, agreement_id, muni in memberships:
        if len(pairs) >= n or resident_id in busy:
            continue
        if muni not in by_muni:
            by_muni[muni] = [
                [a.pk, a.free]  # type: ignore[attr-defined]
                for a in lists_with_free_places(muni)
                if a.is_open and not a.locked_by_hand
            ]
        choices = [c for c in by_muni[muni] if c[0] != agreement_id and c[1] > 0]
        if not choices:
            continue
        target = rng.choice(choices)
        target[1] -= 1
        pairs.append((resident_id, target[0]))
        busy.add(resident_id)
    return pairs


def bench_switches(n: int, rng: random.Random) -> dict[str, object]:
    from fastlege.core.errors import DomainError
    from fastlege.registry.services import request_switch

    pairs = pick_switches(n, rng)
    latencies: list[float] = []
    outcomes: Counter[str] = Counter()
    started = time.perf_counter()
    cpu_started = time.process_time()
    for resident_id, agreement_id in pairs:
        t0 = time.perf_counter()
        try:
            request_switch(None, resident_id, agreement_id)
            outcomes["ok"] += 1
        except DomainError as exc:
            outcomes[str(exc.code)] += 1
        latencies.append((time.perf_counter() - t0) * 1000)
    elapsed = time.perf_counter() - started
    cpu = time.process_time() - cpu_started
    return {
        "requests": len(pairs),
        "cpu_ms": cpu * 1000 / len(pairs) if pairs else 0.0,
        "seconds": elapsed,
        "per_second": len(pairs) / elapsed if elapsed else 0.0,
        "p50_ms": statistics.median(latencies),
        "p95_ms": percentile(latencies, 95),
        "p99_ms": percentile(latencies, 99),
        "outcomes": dict(outcomes),
    }


def bench_queue(size: int, lookups: int, rng: random.Random) -> dict[str, object]:
    """Fill one list's queue with ``size`` people (bulk, not timed), then time lookups."""
    from django.db.models import Count, Q
    from django.utils import timezone

    from fastlege.registry import selectors
    from fastlege.registry.models import Agreement, Resident, WaitingListEntry

    agreement = (
        Agreement.objects.filter(valid_to__isnull=True)
        .annotate(n=Count("memberships", filter=Q(memberships__valid_to__isnull=True)))
        .order_by("-n")
        .first()
    )
    assert agreement is not None, "no lists: seed the database first"
    waiting = set(
        WaitingListEntry.objects.filter(status="venter").values_list("resident_id", flat=True)
    )
    people = [
        pk
        for pk in Resident.objects.filter(status="bosatt")
        .exclude(memberships__agreement=agreement, memberships__valid_to__isnull=True)
        .values_list("pk", flat=True)[: size + len(waiting)]
        if pk not in waiting
    ][:size]
    now = timezone.now()
    WaitingListEntry.objects.bulk_create(
        [
            WaitingListEntry(
                resident_id=pk,
                agreement=agreement,
                joined_at=now - datetime.timedelta(seconds=size - i),
            )
            for i, pk in enumerate(people)
        ],
        batch_size=5000,
    )
    queue = WaitingListEntry.objects.filter(agreement=agreement, status="venter").count()
    sample = [rng.choice(people) for _ in range(lookups)] + [people[-1]]
    residents = {r.pk: r for r in Resident.objects.filter(pk__in=set(sample))}
    selectors.waiting_position(None, residents[sample[0]])  # warm up
    latencies = []
    for pk in sample:
        t0 = time.perf_counter()
        place = selectors.waiting_position(None, residents[pk])
        latencies.append((time.perf_counter() - t0) * 1000)
        assert place is not None
    last = selectors.waiting_position(None, residents[people[-1]])
    return {
        "list": agreement.pk,
        "queue": queue,
        "lookups": len(latencies),
        "p50_ms": statistics.median(latencies),
        "p95_ms": percentile(latencies, 95),
        "max_ms": max(latencies),
        "last_position": last.position if last else None,
        "people": people,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=sorted(SCALES), default="existing")
    parser.add_argument("--switches", type=int, default=3000, help="switch requests to time")
    parser.add_argument("--waiting", type=int, default=5000, help="queue length for the lookup")
    parser.add_argument("--lookups", type=int, default=1000, help="place-in-queue lookups")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--keep", action="store_true", help="keep the rows written")
    args = parser.parse_args()

    setup(args.scale)
    from django.db import connection

    from fastlege.core.models import AuditEvent
    from fastlege.registry.models import (
        Agreement,
        ListMembership,
        Resident,
        SwitchRequest,
        WaitingListEntry,
    )

    rng = random.Random(args.seed)
    print(
        f"Database: {connection.vendor} · residents {Resident.objects.count():,} · "
        f"lists {Agreement.objects.count():,} · open memberships "
        f"{ListMembership.objects.filter(valid_to__isnull=True).count():,}".replace(",", " ")
    )
    print(f"Python {platform.python_version()} on {platform.machine()}, {os.cpu_count()} CPUs")
    audit_start = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    switch_start = SwitchRequest.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    queue_people: list[int] = []
    try:
        s = bench_switches(args.switches, rng)
        print(
            f"request_switch: {s['requests']} requests in {s['seconds']:.2f} s = "
            f"{s['per_second']:.0f}/s (p50 {s['p50_ms']:.2f} ms, p95 {s['p95_ms']:.2f} ms, "
            f"p99 {s['p99_ms']:.2f} ms; this process's CPU {s['cpu_ms']:.2f} ms per request); "
            f"outcomes {s['outcomes']}"
        )
        q = bench_queue(args.waiting, args.lookups, rng)
        queue_people = list(q.pop("people"))  # type: ignore[call-overload]
        print(
            f"waiting_position: queue of {q['queue']} on list {q['list']}, {q['lookups']} "
            f"lookups: p50 {q['p50_ms']:.2f} ms, p95 {q['p95_ms']:.2f} ms, "
            f"max {q['max_ms']:.2f} ms (last in queue: place {q['last_position']})"
        )
    finally:
        if not args.keep:
            WaitingListEntry.objects.filter(resident_id__in=queue_people, status="venter").delete()
            SwitchRequest.objects.filter(pk__gt=switch_start).delete()
            AuditEvent.objects.filter(pk__gt=audit_start).delete()
    return 0


if __name__ == "__main__":
    sys.exit(main())
