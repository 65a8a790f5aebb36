"""The operator's metrics (/metrikker/): who may read them, and that they count what
happened (requests, errors, the monthly run)."""

from __future__ import annotations

import datetime
import json
import logging
import time
from typing import Any

import pytest
from django.test import Client, override_settings
from prometheus_client.parser import text_string_to_metric_families

from fastlege.accounts.models import Role
from fastlege.core.logformat import JsonFormatter
from fastlege.monthly.services import run_month
from fastlege.registry.tests.factories import user_with

pytestmark = pytest.mark.django_db
TOKEN = "s3cret-scraper-token-for-tests"


def scrape(client: Client) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    response = client.get("/metrikker/", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    samples = {}
    for family in text_string_to_metric_families(response.content.decode()):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return samples


def requests_to(samples: dict[Any, float], view: str, status: str) -> float:
    key = (
        "fastlege_http_requests_total",
        (("method", "GET"), ("status", status), ("view", view)),
    )
    return samples.get(key, 0.0)


@override_settings(METRICS_TOKEN=TOKEN)
def test_only_the_scraper_token_or_a_national_administrator_reads_the_metrics() -> None:
    anonymous = Client().get("/metrikker/")
    assert anonymous.status_code == 401
    assert anonymous["WWW-Authenticate"].startswith("Bearer")
    assert b"fastlege_http" not in anonymous.content
    wrong = Client().get("/metrikker/", HTTP_AUTHORIZATION="Bearer not-the-token")
    assert wrong.status_code == 401
    municipal = Client()
    municipal.force_login(user_with(Role.MUNICIPALITY, municipality_id="5001"))
    assert municipal.get("/metrikker/").status_code == 403
    national = Client()
    national.force_login(user_with(Role.NATIONAL))
    assert b"fastlege_http_requests_total" in national.get("/metrikker/").content


@override_settings(METRICS_TOKEN="")
def test_without_a_configured_token_no_bearer_gets_in() -> None:
    assert Client().get("/metrikker/", HTTP_AUTHORIZATION="Bearer ").status_code == 401


@override_settings(METRICS_TOKEN=TOKEN)
def test_requests_and_their_status_are_counted_by_url_name_never_by_path() -> None:
    client = Client()
    before = scrape(client)
    client.get("/helse/")
    client.get("/helse/")
    client.get("/finnes-ikke-01017012345/")
    after = scrape(client)

    assert requests_to(after, "health", "200") - requests_to(before, "health", "200") == 2
    assert requests_to(after, "ukjent", "404") - requests_to(before, "ukjent", "404") == 1
    text = client.get("/metrikker/", HTTP_AUTHORIZATION=f"Bearer {TOKEN}").content.decode()
    assert "01017012345" not in text and "finnes-ikke" not in text
    timed = (
        "fastlege_http_request_duration_seconds_count",
        (("method", "GET"), ("view", "health")),
    )
    assert after[timed] - before.get(timed, 0.0) == 2


@override_settings(METRICS_TOKEN=TOKEN)
def test_the_last_monthly_run_and_a_failed_attempt_are_reported() -> None:
    client = Client()
    empty = scrape(client)
    assert empty[("fastlege_month_run_last_completed_month_timestamp_seconds", ())] == 0
    assert empty[("fastlege_month_run_last_attempt_failed", ())] == 0

    run = run_month(None, datetime.date(2026, 2, 1)).run
    done = scrape(client)
    first = time.mktime(datetime.date(2026, 2, 1).timetuple())
    assert done[("fastlege_month_run_last_completed_month_timestamp_seconds", ())] == first
    assert done[("fastlege_month_run_last_duration_seconds", ())] == pytest.approx(
        run.step_seconds["total"]
    )
    assert run.finished_at is not None
    assert done[("fastlege_month_run_last_finished_timestamp_seconds", ())] == pytest.approx(
        run.finished_at.timestamp()
    )

    from fastlege.monthly.models import MonthRun

    MonthRun.objects.create(month=datetime.date(2026, 3, 1), status=MonthRun.Status.FAILED)
    assert scrape(client)[("fastlege_month_run_last_attempt_failed", ())] == 1


def test_json_log_lines_are_one_object_with_identity_numbers_masked() -> None:
    record = logging.LogRecord(
        "fastlege.x", logging.ERROR, __file__, 1, "for %s", ("01017012345",), None
    )
    try:
        raise ValueError("person 01017012345 not found")
    except ValueError:
        import sys

        record.exc_info = sys.exc_info()
    line = JsonFormatter().format(record)
    assert "\n" not in line
    data = json.loads(line)
    assert data["level"] == "ERROR" and data["logger"] == "fastlege.x"
    assert data["message"] == "for ***********"
    assert "ValueError" in data["exc_info"]
    assert "01017012345" not in line
