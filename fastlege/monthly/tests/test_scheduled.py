"""The scheduled monthly run (``fastlege month-run --due``): what is due, the exit
status the scheduler reads, and the notice to the national administrators."""

from __future__ import annotations

import datetime
from typing import Any

import psycopg
import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import connection

from fastlege.accounts.models import Role
from fastlege.monthly.models import MonthRun
from fastlege.monthly.services import run_month
from fastlege.monthly.services.engine import run as engine_run
from fastlege.monthly.services.scheduled import due_months, run_due
from fastlege.monthly.tests.world import unassigned
from fastlege.registry.models import ListMembership
from fastlege.registry.tests.factories import gp_list, user_with

pytestmark = pytest.mark.django_db
D = datetime.date


def completed() -> list[D]:
    return list(
        MonthRun.objects.filter(status=MonthRun.Status.COMPLETED)
        .order_by("month")
        .values_list("month", flat=True)
    )


def national_admin(email: str) -> Any:
    user = user_with(Role.NATIONAL)
    user.email = email
    user.save()
    return user


def test_before_the_first_run_only_this_month_is_due() -> None:
    assert due_months(D(2026, 3, 17)) == [D(2026, 3, 1)]


def test_missed_months_are_due_oldest_first_up_to_this_month() -> None:
    run_month(None, D(2026, 1, 1), today=D(2026, 1, 1))
    assert due_months(D(2026, 1, 31)) == []
    assert due_months(D(2026, 4, 1)) == [D(2026, 2, 1), D(2026, 3, 1), D(2026, 4, 1)]


def test_a_nightly_run_carries_every_missed_month_over_then_does_nothing() -> None:
    gp_list(ceiling=3, members=1)
    person = unassigned(since=D(2025, 11, 1))
    run_month(None, D(2026, 1, 1), today=D(2026, 1, 1))

    first = run_due(D(2026, 3, 2))

    assert first.exit_status == 0 and not first.notified
    assert [r.run.month for r in first.ran] == [D(2026, 2, 1), D(2026, 3, 1)]
    assert completed() == [D(2026, 1, 1), D(2026, 2, 1), D(2026, 3, 1)]
    assert ListMembership.objects.filter(resident=person).exists()
    again = run_due(D(2026, 3, 3))
    assert again.ran == [] and again.exit_status == 0
    assert MonthRun.objects.count() == 3


def test_a_failed_month_stops_the_run_notifies_national_admins_and_keeps_nothing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    national_admin("nina@helsedir.example")
    national_admin("")  # no address: not counted
    municipal = user_with(Role.MUNICIPALITY, municipality_id="5001")
    municipal.email = "kommune@example.no"
    municipal.save()
    gp_list(ceiling=3, members=1)
    run_month(None, D(2026, 1, 1), today=D(2026, 1, 1))

    def crash(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("disk full 01017012345")

    monkeypatch.setattr(engine_run, "_execute", crash)
    result = run_due(D(2026, 3, 2))

    assert result.exit_status == 1
    assert result.failed_month == D(2026, 2, 1) and result.ran == []
    assert completed() == [D(2026, 1, 1)]  # March was not tried after February failed
    failed = MonthRun.objects.get(status=MonthRun.Status.FAILED)
    assert failed.month == D(2026, 2, 1)
    assert len(mail.outbox) == 1
    notice = mail.outbox[0]
    assert notice.to == ["nina@helsedir.example"]
    assert "02.2026" in notice.subject and "\n" not in notice.subject
    assert "RuntimeError" in notice.body and "/admin/monthly/monthrun/" in notice.body
    assert "01017012345" not in notice.body  # the error's kind, never its text


def test_the_command_exits_1_on_failure_and_0_when_nothing_is_due(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    national_admin("nina@helsedir.example")
    today = datetime.date.today()
    run_month(None, today.replace(day=1))
    call_command("month_run", "--due")  # nothing due: no error
    assert MonthRun.objects.count() == 1

    monkeypatch.setattr(
        "fastlege.monthly.services.scheduled.due_months", lambda today: [D(2099, 1, 1)]
    )
    with pytest.raises(CommandError) as failed:
        call_command("month_run", "--due")
    assert failed.value.returncode == 1
    assert "2099-01" in str(failed.value)
    with pytest.raises(CommandError) as both:
        call_command("month_run", "2026-01", "--due")
    assert both.value.returncode == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_run_holding_the_lock_makes_the_scheduled_run_wait_with_status_75() -> None:
    national_admin("nina@helsedir.example")
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    params.pop("prepare_threshold", None)
    other = psycopg.connect(**params, autocommit=True)
    try:
        other.execute("SELECT pg_advisory_lock(%s)", [engine_run.ADVISORY_LOCK_KEY])
        result = run_due(D(2026, 3, 2))
        with pytest.raises(CommandError) as busy:
            call_command("month_run", "--due")
    finally:
        other.close()
    assert result.busy and result.exit_status == 75
    assert busy.value.returncode == 75
    assert not MonthRun.objects.exists()  # neither run nor failure recorded
    assert mail.outbox == []
    assert run_due(D(2026, 3, 2)).exit_status == 0  # the lock gone, the month runs
