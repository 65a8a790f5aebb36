"""docs/api.md cannot go stale: every curl example in it is run here and must give the
status the page says; the OpenAPI description validates; the operator's command
registers a client whose printed token works."""

from __future__ import annotations

import datetime
import io
import re
import shlex
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.cache import caches
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from fastlege.accounts.models import Role
from fastlege.api.models import ApiClient
from fastlege.api.services.clients import register_client
from fastlege.registry.models import DoctorPeriod, ListMembership
from fastlege.registry.services import request_ceiling_change
from fastlege.registry.tests.factories import ResidentFactory, gp_list, user_with

pytestmark = pytest.mark.django_db
DOC = Path(settings.PROJECT_DIR) / "docs" / "api.md"
EXAMPLE = re.compile(r"^(curl .+)\n# → (\d{3})$", re.MULTILINE)


def first_of_month_ahead(months: int) -> datetime.date:
    today = timezone.localdate()
    total = today.year * 12 + today.month - 1 + months
    return datetime.date(total // 12, total % 12 + 1, 1)


def examples() -> list[tuple[str, int]]:
    return [(m[1], int(m[2])) for m in EXAMPLE.finditer(DOC.read_text(encoding="utf-8"))]


def run_curl(command: str, values: dict[str, str]) -> int:
    for name, value in values.items():
        command = command.replace(f"${name}", value)
    words = shlex.split(command)
    assert words[0] == "curl"
    method, data, url = "GET", None, None
    headers: dict[str, Any] = {}
    i = 1
    while i < len(words):
        word = words[i]
        if word == "-s":
            pass
        elif word == "-H":
            i += 1
            name, _, value = words[i].partition(":")
            if name.lower() != "content-type":
                headers["HTTP_" + name.strip().upper().replace("-", "_")] = value.strip()
        elif word == "-X":
            i += 1
            method = words[i]
        elif word in ("-d", "--json"):
            i += 1
            data = words[i]
            method = "POST" if method == "GET" else method
        else:
            assert url is None, f"unexpected word {word!r} in {command!r}"
            url = word
        i += 1
    assert url and url.startswith("/api/")
    response = Client().generic(method, url, data or "", content_type="application/json", **headers)
    return response.status_code


def test_the_page_has_examples() -> None:
    assert len(examples()) >= 13


def test_every_example_on_the_api_page_gives_the_status_it_shows() -> None:
    caches["security"].clear()
    agreement = gp_list(ceiling=10, members=3, municipality="5001")
    person = (
        ListMembership.objects.filter(agreement=agreement).select_related("resident")[0].resident
    )
    gp = DoctorPeriod.objects.get(agreement=agreement).doctor
    first = first_of_month_ahead(2)
    # the writes' lists: one with room, one over its ceiling, one to end, one with a request
    target, long_list, ending = (
        gp_list(ceiling=100),
        gp_list(ceiling=5, members=8),
        gp_list(members=2),
    )
    change = request_ceiling_change(None, gp_list(ceiling=1000), 1200, effective_on=first)
    values = {
        "TOKEN": register_client(user_with(Role.NATIONAL), name="Docs", role=Role.NATIONAL).secret,
        "FASTLEGE": "",
        "NIN": person.nin,
        "HPR": gp.hpr_number,
        "AGREEMENT": str(agreement.pk),
        "TARGET": str(target.pk),
        "LONG_LIST": str(long_list.pk),
        "ENDING": str(ending.pk),
        "CHANGE": str(change.pk),
        "UNASSIGNED": ResidentFactory.create(municipality_id="5001").nin,
        "FIRST": first.isoformat(),
    }
    assert len({command for command, _ in examples()}) == len(examples()), "each one differs"
    results = {command: run_curl(command, values) for command, _ in examples()}
    assert results == {command: status for command, status in examples()}


def test_the_openapi_description_validates_without_warnings() -> None:
    out = io.StringIO()
    call_command("spectacular", "--validate", "--fail-on-warn", stdout=out)
    assert "/api/v1/agreements/" in out.getvalue()


def test_the_operator_registers_a_client_and_its_printed_token_works() -> None:
    caches["security"].clear()
    out = io.StringIO()
    call_command(
        "api_client",
        "register",
        "Trondheim sak",
        "--role",
        "kommune",
        "--municipality",
        "5001",
        stdout=out,
    )
    secret = out.getvalue().strip().splitlines()[-1]
    assert ApiClient.objects.get().name == "Trondheim sak"
    response = Client().get("/api/v1/counties/", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert response.status_code == 200
    prefix = secret[len("flk_") :].split(".")[0]
    call_command("api_client", "revoke", prefix, stdout=io.StringIO())
    response = Client().get("/api/v1/counties/", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert response.status_code == 401
