"""Two systems deciding the same ceiling request at the same moment through the API:
exactly one decision is made and audited, every other answer is a 409 problem.

Runs on PostgreSQL with real concurrent requests (threads, each with its own
connection), made and cleaned up as in ``fastlege/registry/tests/test_concurrency.py``
(the data is committed on a connection of its own, and exactly the rows made are
deleted afterwards). Skipped on SQLite unless REQUIRE_POSTGRES is set.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterator
from functools import partial
from typing import Any

import pytest
from django.core.cache import caches
from django.test import Client
from django.utils import timezone

from fastlege.accounts.models import Role
from fastlege.api.services.clients import register_client
from fastlege.core.models import AuditEvent
from fastlege.core.testing.threads import committed_rows, in_thread
from fastlege.registry.models import CeilingChange
from fastlege.registry.services import request_ceiling_change
from fastlege.registry.tests.factories import gp_list, user_with
from fastlege.registry.tests.test_concurrency import race

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]
THREADS = 6


def _first_of_month_ahead(months: int) -> datetime.date:
    today = timezone.localdate()
    total = today.year * 12 + today.month - 1 + months
    return datetime.date(total // 12, total % 12 + 1, 1)


def _make() -> dict[str, Any]:
    agreement = gp_list(ceiling=1000)
    admin = user_with(Role.NATIONAL)
    issued = register_client(admin, name="Samtidig", role=Role.NATIONAL, rate_per_minute=10_000)
    change = request_ceiling_change(None, agreement, 1200, effective_on=_first_of_month_ahead(2))
    return {
        "agreement": agreement.pk,
        "change": change.pk,
        "secret": issued.secret,
        "client": issued.client.pk,
        "users": [admin.pk, issued.client.user_id],
    }


@pytest.fixture
def committed() -> Iterator[dict[str, Any]]:
    """The list, the ceiling request and the API client, committed for the threads; every
    row made (the audit rows and rate counters included) is deleted afterwards."""
    caches["security"].clear()
    with committed_rows():
        yield in_thread(_make)


def _decide(secret: str, change: int, decision: str) -> tuple[int, str]:
    body = {"reason": "Samtidig."} if decision == "refuse" else {}
    response = Client().post(
        f"/api/v1/ceiling-changes/{change}/{decision}/",
        json.dumps(body),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {secret}",
    )
    return response.status_code, response.json().get("code", response.json().get("status"))


def test_one_decision_wins_and_the_others_are_conflicts(committed: dict[str, Any]) -> None:
    decisions = ["approve", "refuse", "withdraw"] * (THREADS // 3)
    results = race(
        [partial(_decide, committed["secret"], committed["change"], d) for d in decisions]
    )
    won = [r for r in results if isinstance(r, tuple) and r[0] == 200]
    lost = [r for r in results if isinstance(r, tuple) and r[0] == 409]
    assert len(won) == 1 and len(lost) == THREADS - 1, results
    assert {code for _status, code in lost} == {"ceiling_change_not_pending"}
    change = CeilingChange.objects.get(pk=committed["change"])
    assert change.status == won[0][1]
    decided = AuditEvent.objects.filter(
        action__in=["ceiling.approved", "ceiling.refused", "ceiling.withdrawn"],
        object_id=str(change.pk),
    )
    assert decided.count() == 1
