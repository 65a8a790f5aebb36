"""docs/fhir.md cannot go stale: every curl example in it is run here, must give the
status the page shows and a valid FHIR R4 answer; the example resource on the page is
valid FHIR and uses the extensions the server sends."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.cache import caches
from django.test import Client

from fastlege.fhir.tests.validation import CONTENT_TYPE, extension, fhir_get, validate
from fastlege.registry.models import DoctorPeriod
from fastlege.registry.tests.factories import gp_list

pytestmark = pytest.mark.django_db
DOC = Path(settings.PROJECT_DIR) / "docs" / "fhir.md"
TEXT = DOC.read_text(encoding="utf-8")
EXAMPLE = re.compile(r"^(curl .+)\n# → (\d{3})$", re.MULTILINE)
RESOURCE = re.compile(r"^```json\n(.+?)^```$", re.MULTILINE | re.DOTALL)


def examples() -> list[tuple[str, int]]:
    return [(m[1], int(m[2])) for m in EXAMPLE.finditer(TEXT)]


def run_curl(command: str, values: dict[str, str]) -> tuple[int, dict[str, Any]]:
    for name, value in values.items():
        command = command.replace(f"${name}", value)
    words = shlex.split(command)
    assert words[0] == "curl"
    headers: dict[str, Any] = {}
    url = None
    i = 1
    while i < len(words):
        word = words[i]
        if word == "-s":
            pass
        elif word == "-H":
            i += 1
            name, _, value = words[i].partition(":")
            headers["HTTP_" + name.strip().upper().replace("-", "_")] = value.strip()
        else:
            assert url is None, f"unexpected word {word!r} in {command!r}"
            url = word
        i += 1
    assert url and url.startswith("/fhir/")
    response = Client().get(url, **headers)
    assert response["Content-Type"].split(";")[0] == CONTENT_TYPE
    return response.status_code, validate(response.json())


def test_the_page_has_examples() -> None:
    assert len(examples()) >= 12


def test_every_example_on_the_fhir_page_gives_the_status_it_shows() -> None:
    caches["security"].clear()
    agreement = gp_list(ceiling=10, members=3, municipality="5001")
    values = {
        "FASTLEGE": "",
        "HPR": DoctorPeriod.objects.get(agreement=agreement).doctor.hpr_number,
        "ORG": agreement.practice.org_number,
        "LIST": str(agreement.pk),
    }
    results = {command: run_curl(command, values) for command, _ in examples()}
    assert {c: status for c, (status, _) in results.items()} == dict(examples())
    # The searches find what they promise (the factories name the GP Lise, the practice
    # "Legekontor n").
    for command, (status, body) in results.items():
        if status == 200 and body["resourceType"] == "Bundle":
            assert body["total"] >= 1, command


def test_the_example_resource_on_the_page_is_valid_and_uses_the_servers_extensions() -> None:
    [block] = RESOURCE.findall(TEXT)
    example = validate(json.loads(block))
    agreement = gp_list(ceiling=10, members=3)
    served = fhir_get(f"/fhir/PractitionerRole/{agreement.pk}")
    assert {e["url"] for e in served["extension"]} <= {e["url"] for e in example["extension"]}
    assert set(served) == set(example)
    ceiling, length, free = (
        extension(example, f"https://fastlege.example.no/fhir/StructureDefinition/{name}")[0]
        for name in ("gp-list-ceiling", "gp-list-length", "gp-list-free-places")
    )
    assert free == ceiling - length - 2  # the page's sum: two pending moves
